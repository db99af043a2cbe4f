#pragma once
// Share links: a read-only board of a scope of tasks, for people without an
// account, behind a random token that only its creator ever sees.
#include "task_store.hpp"

#include <tasklane/sdk/database.hpp>

#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tasklane::tasks {

struct Share {
    std::int64_t id = 0;
    std::int64_t creator_id = 0;
    nlohmann::json scope;  // exactly one of {"tag"}, {"assignee_id"}, {"task_ids"}
    bool include_comments = false;
    std::int64_t created_at = 0;
    std::int64_t expires_at = 0;

    // The tasks in scope, as a list filter (visibility is the creator's).
    TaskFilter filter() const;
};

nlohmann::json to_json(const Share& share);

// SQL for task_shares.
class ShareStore {
public:
    explicit ShareStore(sdk::Database& db) : db_(db) {}

    void insert(soci::session& sql, Share& share, const std::string& token_hash);  // sets id
    // The share whose token hashes to `token_hash`, unless it expired by `now`.
    std::optional<Share> find_live(soci::session& sql, const std::string& token_hash, std::int64_t now);
    std::optional<Share> find(soci::session& sql, std::int64_t id);
    // Newest first; every share when `creator_id` is empty.
    std::vector<Share> list(soci::session& sql, std::optional<std::int64_t> creator_id);
    void remove(soci::session& sql, std::int64_t id);

private:
    sdk::Database& db_;
};

}  // namespace tasklane::tasks
