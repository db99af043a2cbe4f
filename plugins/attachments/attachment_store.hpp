#pragma once
// SQL for the attachments table; the one mapping between its rows and
// Attachment. Every call runs on the session it is given (a transaction's or
// a leased one).
#include "attachment.hpp"

#include <tasklane/sdk/database.hpp>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace tasklane::attachments {

struct AttachmentPage {
    std::vector<Attachment> items;
    std::int64_t total = 0;
};

class AttachmentStore {
public:
    explicit AttachmentStore(sdk::Database& db) : db_(db) {}

    // Sets attachment.id.
    void insert(soci::session& sql, Attachment& attachment);
    std::optional<Attachment> find(soci::session& sql, std::int64_t id);
    // Newest first.
    AttachmentPage list(soci::session& sql, std::int64_t task_id, std::int64_t page, std::int64_t per_page);
    std::vector<Attachment> all_of_task(soci::session& sql, std::int64_t task_id);
    // Whether a row was deleted.
    bool remove(soci::session& sql, std::int64_t id);
    bool referenced(soci::session& sql, const std::string& sha256);
    std::set<std::string> referenced_hashes(soci::session& sql);
    std::int64_t bytes_uploaded_by(soci::session& sql, std::int64_t uploader_id);
    // PostgreSQL: holds the uploader's quota lock until the transaction ends,
    // so two concurrent uploads cannot both pass the quota check. SQLite
    // needs none: its writers queue one at a time.
    void lock_quota(soci::session& sql, std::int64_t uploader_id);

private:
    sdk::Database& db_;
};

}  // namespace tasklane::attachments
