#pragma once
// The rule engine: keeps the rule set (API rules and rules.dir files, both in
// the rules table), runs matching rules for every event from the outbox on
// worker threads that each own a Lua state, runs scheduled rules once per
// cron tick across nodes, records runs, and answers the rules API.
//
// Ordering and durability: the engine's outbox subscription is durable; its
// handler hands the event to the worker chosen by task id and waits for it,
// so the cursor only passes an event whose rules have run (at least once),
// and events of one task run in order. Workers serve dry runs and schedules
// too, which therefore never wait behind a slow HTTP client.
#include "rule_runtime.hpp"
#include "rule_store.hpp"

#include <tasklane/sdk/host.hpp>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace tasklane::rules {

struct RuleEngineOptions {
    std::string dir;
    int workers = 2;
    std::string run_as;  // username file rules act as
    std::chrono::milliseconds reload_interval{2000};
    RunLimitsConfig limits;
    int depth = 3;
    std::int64_t runs_per_rule = 1000;
    std::chrono::milliseconds runs_max_age{7LL * 24 * 3600 * 1000};

    static RuleEngineOptions from_config(const nlohmann::json& section);
};

// The `rules` config section (added to the core's schema).
sdk::ConfigKey rules_config_schema();

// What POST /rules/test and /rules/{id}/test answer.
struct DryRun {
    bool matched = false;
    nlohmann::json actions = nlohmann::json::array();
    std::vector<std::string> logs;
    std::int64_t duration_us = 0;
    std::string outcome;
    std::string error;
};

class RuleEngine {
public:
    RuleEngine(sdk::Host& host, RuleEngineOptions options);
    ~RuleEngine();

    // Syncs rules.dir, loads the rules, subscribes to the outbox and starts
    // the workers and the scheduler.
    void start();
    void stop();

    // The rules API (admin only; the routes check that).
    nlohmann::json list(int page, int per_page);
    nlohmann::json get(std::int64_t id);
    nlohmann::json create(const sdk::Caller& caller, const nlohmann::json& body);
    nlohmann::json update(const sdk::Caller& caller, std::int64_t id, const nlohmann::json& body);
    void remove(std::int64_t id);
    nlohmann::json runs(std::int64_t id, int page, int per_page);
    DryRun test(const sdk::Caller& caller, const std::string& source, const nlohmann::json& event);
    DryRun test_rule(const sdk::Caller& caller, std::int64_t id, const nlohmann::json& event);

    // Runs recorded since start, by outcome (ok, error, limit_exceeded), for /metrics.
    std::map<std::string, std::uint64_t> run_counts() const;

private:
    struct Active {
        StoredRule stored;
        std::optional<RuleSpec> spec;  // nullopt: it does not compile (error says why)
        std::string error;
    };
    struct RuleSet {
        std::uint64_t version = 0;
        std::vector<Active> rules;  // by id
    };
    struct Worker {
        std::thread thread;
        std::mutex mutex;
        std::condition_variable cv;
        std::deque<std::function<void(RuleRuntime&)>> queue;
        std::uint64_t compiled_version = 0;
    };

    void on_event(const sdk::Event& event);
    // Runs on worker `index` and waits for it.
    void on_worker(std::size_t index, std::function<void(RuleRuntime&)> job);
    void work(Worker& worker);
    void compile_into(RuleRuntime& runtime, const RuleSet& set);
    void run_matching(RuleRuntime& runtime, const RuleSet& set, const nlohmann::json& event, const sdk::Event& meta);
    void run_one(RuleRuntime& runtime, const Active& rule, const nlohmann::json& event,
                 std::optional<std::int64_t> event_id, int depth);
    void record(const Active& rule, std::optional<std::int64_t> event_id, const RunResult& result);

    void reload();  // from the database; a new RuleSet
    void reload_if_changed();  // only when the rules' fingerprint moved
    void reload_locked();      // reload_mutex_ held
    std::shared_ptr<const RuleSet> current() const;
    void sync_dir();
    void scheduler();
    void run_schedules(std::int64_t minute);
    nlohmann::json to_json(const Active& rule) const;
    Active find_active(std::int64_t id);
    StoredRule checked(const sdk::Caller& caller, StoredRule rule, const nlohmann::json& body, bool creating);

    sdk::Host& host_;
    RuleEngineOptions options_;
    RuleStore store_;
    std::shared_ptr<spdlog::logger> log_;

    mutable std::mutex set_mutex_;
    std::shared_ptr<const RuleSet> set_;
    std::uint64_t next_version_ = 1;
    std::mutex reload_mutex_;
    std::string fingerprint_;
    std::string dir_listing_;

    std::vector<std::unique_ptr<Worker>> workers_;
    std::atomic<bool> stopping_{false};
    mutable std::mutex counts_mutex_;
    std::map<std::string, std::uint64_t> run_counts_;
    std::thread scheduler_;
    std::mutex scheduler_mutex_;
    std::condition_variable scheduler_cv_;
    std::map<std::int64_t, std::int64_t> last_tick_;  // rule id -> last minute considered
};

}  // namespace tasklane::rules
