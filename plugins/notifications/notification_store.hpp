#pragma once
// All SQL of the notifications plugin and the one mapping between its rows
// and values. Every method works in the session it is given, so callers
// choose the transaction.
#include "notification.hpp"

#include <tasklane/sdk/database.hpp>

#include <map>
#include <optional>
#include <vector>

namespace tasklane::notifications {

struct NotificationPage {
    std::vector<Notification> items;
    std::int64_t total = 0;
    std::int64_t unread_count = 0;
};

// A task's due date as the reminder scan sees it.
struct DueDate {
    std::int64_t task_id = 0;
    std::int64_t due_at = 0;
    std::int64_t user_id = 0;  // who is reminded: the assignee, else the creator
    std::string title;
};

struct Schedule {
    std::int64_t token = 0;
    std::int64_t next_run_at = 0;
};

class NotificationStore {
public:
    explicit NotificationStore(sdk::Database& db) : db_(db) {}

    // Sets n.id and returns true; false (nothing written) when a notification
    // with the same user and source_key exists.
    bool insert(soci::session& sql, Notification& n);
    std::optional<Notification> find(soci::session& sql, std::int64_t id);
    NotificationPage list(soci::session& sql, std::int64_t user_id, bool unread_only, std::int64_t page,
                          std::int64_t per_page);
    // Whether a notification `id` of `user_id` exists (read or not).
    bool owned_by(soci::session& sql, std::int64_t id, std::int64_t user_id);
    void mark_read(soci::session& sql, std::int64_t id, std::int64_t user_id, std::int64_t now);
    void mark_all_read(soci::session& sql, std::int64_t user_id, std::int64_t now);
    // True when this call set emailed_at (it was not set before).
    bool mark_emailed(soci::session& sql, std::int64_t id, std::int64_t now);

    // The stored (non-default) email preferences of a user.
    std::map<std::string, bool> preferences(soci::session& sql, std::int64_t user_id);
    std::optional<bool> preference(soci::session& sql, std::int64_t user_id, const std::string& type);
    void set_preference(soci::session& sql, std::int64_t user_id, const std::string& type, bool email);

    void upsert_due(soci::session& sql, const DueDate& due);
    void delete_due(soci::session& sql, std::int64_t task_id);
    // Due dates in [from, to] without a reminder for that due date yet.
    std::vector<DueDate> due_between(soci::session& sql, std::int64_t from, std::int64_t to);
    // Records the reminder for (task, due_at); false when another node (or an
    // earlier run) already did, or the due date changed meanwhile.
    bool claim_reminder(soci::session& sql, std::int64_t task_id, std::int64_t due_at);

    // Creates the row (token 0, next run 0) unless it exists.
    void ensure_schedule(soci::session& sql, const std::string& name);
    std::optional<Schedule> schedule(soci::session& sql, const std::string& name);
    // Compare-and-set on the token: true when `expected` was current.
    bool advance_schedule(soci::session& sql, const std::string& name, std::int64_t expected, std::int64_t next_run_at);

private:
    sdk::Database& db_;
};

}  // namespace tasklane::notifications
