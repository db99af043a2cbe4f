#pragma once
// SQL for rules, their run log and schedule ticks: the only file of the rule
// engine that knows table and column names.
#include <tasklane/sdk/database.hpp>
#include <tasklane/sdk/query.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace tasklane::rules {

struct StoredRule {
    std::int64_t id = 0;
    std::string name;
    std::string source;
    bool enabled = true;
    std::string origin;  // api | file
    std::optional<std::string> file;
    std::optional<std::int64_t> owner_id;
    std::int64_t version = 1;
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
};

struct RuleRun {
    std::int64_t id = 0;
    std::int64_t rule_id = 0;
    std::optional<std::int64_t> event_id;
    std::string outcome;
    std::optional<std::string> error;
    std::int64_t duration_us = 0;
    nlohmann::json actions;
    nlohmann::json logs;
    std::int64_t created_at = 0;
};

class RuleStore {
public:
    explicit RuleStore(sdk::Database& db) : db_(db) {}

    std::vector<StoredRule> all();
    std::optional<StoredRule> find(std::int64_t id);
    std::optional<StoredRule> find_by_name(const std::string& name);
    // Sets rule.id. False when the name is taken.
    bool insert(StoredRule& rule);
    // Writes source, name, enabled, owner_id, version + 1, updated_at. False
    // when the new name is taken by another rule.
    bool update(StoredRule& rule);
    void remove(std::int64_t id);
    // Makes the origin 'file' rules exactly `files` (by name); an API rule of
    // the same name is left alone and reported back.
    std::vector<std::string> sync_files(const std::vector<StoredRule>& files, std::int64_t now_ms);
    // Changes whenever any rule changes (count, ids and versions), so every
    // node notices another's edits.
    std::string fingerprint();

    void insert_run(const RuleRun& run);
    std::pair<std::vector<RuleRun>, std::int64_t> runs(std::int64_t rule_id, int page, int per_page);
    // Keeps the newest `keep` runs per rule and none older than `before_ms`.
    void purge_runs(std::int64_t keep, std::int64_t before_ms);
    // True for the one node that claims the rule's tick.
    bool claim_tick(std::int64_t rule_id, std::int64_t epoch_minute);

private:
    sdk::Database& db_;
};

}  // namespace tasklane::rules
