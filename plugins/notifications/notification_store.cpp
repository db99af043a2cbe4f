#include "notification_store.hpp"

#include <tasklane/sdk/query.hpp>

namespace tasklane::notifications {

namespace {

// The one mapping between a notifications row and Notification; the column
// list and bind() must stay in the same order.
constexpr const char* kColumns = "id, user_id, type, title, body, data, source_key, created_at, read_at, emailed_at";

struct NotificationRow {
    long long id = 0, user_id = 0, created_at = 0, read_at = 0, emailed_at = 0;
    std::string type, title, body, data, source_key;
    soci::indicator source_ind = soci::i_null, read_ind = soci::i_null, emailed_ind = soci::i_null;

    void bind(soci::statement& st) {
        st.exchange(soci::into(id));
        st.exchange(soci::into(user_id));
        st.exchange(soci::into(type));
        st.exchange(soci::into(title));
        st.exchange(soci::into(body));
        st.exchange(soci::into(data));
        st.exchange(soci::into(source_key, source_ind));
        st.exchange(soci::into(created_at));
        st.exchange(soci::into(read_at, read_ind));
        st.exchange(soci::into(emailed_at, emailed_ind));
    }

    Notification to_notification() const {
        Notification n;
        n.id = id;
        n.user_id = user_id;
        n.type = type;
        n.title = title;
        n.body = body;
        n.data = nlohmann::json::parse(data, nullptr, false);
        if (n.data.is_discarded()) {
            n.data = nlohmann::json::object();
        }
        if (source_ind == soci::i_ok) {
            n.source_key = source_key;
        }
        n.created_at = created_at;
        if (read_ind == soci::i_ok) {
            n.read_at = read_at;
        }
        if (emailed_ind == soci::i_ok) {
            n.emailed_at = emailed_at;
        }
        return n;
    }
};

struct IntRow {
    long long n = 0;
    void bind(soci::statement& st) { st.exchange(soci::into(n)); }
};

struct PreferenceRow {
    std::string type;
    long long email = 0;
    void bind(soci::statement& st) {
        st.exchange(soci::into(type));
        st.exchange(soci::into(email));
    }
};

struct DueRow {
    long long task_id = 0, due_at = 0, user_id = 0;
    std::string title;
    void bind(soci::statement& st) {
        st.exchange(soci::into(task_id));
        st.exchange(soci::into(due_at));
        st.exchange(soci::into(user_id));
        st.exchange(soci::into(title));
    }
};

struct ScheduleRow {
    long long token = 0, next_run_at = 0;
    void bind(soci::statement& st) {
        st.exchange(soci::into(token));
        st.exchange(soci::into(next_run_at));
    }
};

long long count(sdk::Database& db, soci::session& sql, const sdk::Query& q) {
    long long n = 0;
    q.run<IntRow>(db, sql, [&](const IntRow& row) { n = row.n; });
    return n;
}

}  // namespace

bool NotificationStore::insert(soci::session& sql, Notification& n) {
    sdk::Query q;
    // ON CONFLICT DO NOTHING (SQLite >= 3.24, PostgreSQL): a redelivered event
    // finds its notification in the unique index and writes nothing.
    q.text = "INSERT INTO notifications (user_id, type, title, body, data, source_key, created_at) VALUES (" +
             q.param(static_cast<long long>(n.user_id)) + ", " + q.param(n.type) + ", " + q.param(n.title) + ", " +
             q.param(n.body) + ", " + q.param(n.data.dump()) + ", " + q.param(n.source_key) + ", " +
             q.param(static_cast<long long>(n.created_at)) + ") ON CONFLICT DO NOTHING RETURNING id";
    bool inserted = false;
    q.run<IntRow>(db_, sql, [&](const IntRow& row) {
        n.id = row.n;
        inserted = true;
    });
    return inserted;
}

std::optional<Notification> NotificationStore::find(soci::session& sql, std::int64_t id) {
    sdk::Query q;
    q.text = std::string("SELECT ") + kColumns + " FROM notifications WHERE id = " + q.param(static_cast<long long>(id));
    std::optional<Notification> out;
    q.run<NotificationRow>(db_, sql, [&](const NotificationRow& row) { out = row.to_notification(); });
    return out;
}

NotificationPage NotificationStore::list(soci::session& sql, std::int64_t user_id, bool unread_only,
                                         std::int64_t page, std::int64_t per_page) {
    const long long uid = user_id;
    const std::string unread = unread_only ? " AND read_at IS NULL" : "";
    NotificationPage out;
    sdk::Query items;
    items.text = std::string("SELECT ") + kColumns + " FROM notifications WHERE user_id = " + items.param(uid) +
                 unread + " ORDER BY id DESC LIMIT " + items.param(static_cast<long long>(per_page)) + " OFFSET " +
                 items.param(static_cast<long long>((page - 1) * per_page));
    items.run<NotificationRow>(db_, sql, [&](const NotificationRow& row) { out.items.push_back(row.to_notification()); });
    sdk::Query total;
    total.text = "SELECT COUNT(*) FROM notifications WHERE user_id = " + total.param(uid) + unread;
    out.total = count(db_, sql, total);
    sdk::Query unread_count;
    unread_count.text =
        "SELECT COUNT(*) FROM notifications WHERE user_id = " + unread_count.param(uid) + " AND read_at IS NULL";
    out.unread_count = count(db_, sql, unread_count);
    return out;
}

bool NotificationStore::owned_by(soci::session& sql, std::int64_t id, std::int64_t user_id) {
    sdk::Query q;
    q.text = "SELECT COUNT(*) FROM notifications WHERE id = " + q.param(static_cast<long long>(id)) +
             " AND user_id = " + q.param(static_cast<long long>(user_id));
    return count(db_, sql, q) > 0;
}

void NotificationStore::mark_read(soci::session& sql, std::int64_t id, std::int64_t user_id, std::int64_t now) {
    sdk::Query q;
    q.text = "UPDATE notifications SET read_at = " + q.param(static_cast<long long>(now)) +
             " WHERE id = " + q.param(static_cast<long long>(id)) +
             " AND user_id = " + q.param(static_cast<long long>(user_id)) + " AND read_at IS NULL";
    q.execute(db_, sql);
}

void NotificationStore::mark_all_read(soci::session& sql, std::int64_t user_id, std::int64_t now) {
    sdk::Query q;
    q.text = "UPDATE notifications SET read_at = " + q.param(static_cast<long long>(now)) +
             " WHERE user_id = " + q.param(static_cast<long long>(user_id)) + " AND read_at IS NULL";
    q.execute(db_, sql);
}

bool NotificationStore::mark_emailed(soci::session& sql, std::int64_t id, std::int64_t now) {
    sdk::Query q;
    q.text = "UPDATE notifications SET emailed_at = " + q.param(static_cast<long long>(now)) +
             " WHERE id = " + q.param(static_cast<long long>(id)) + " AND emailed_at IS NULL";
    return q.execute(db_, sql) > 0;
}

std::map<std::string, bool> NotificationStore::preferences(soci::session& sql, std::int64_t user_id) {
    sdk::Query q;
    q.text = "SELECT type, email FROM notification_preferences WHERE user_id = " +
             q.param(static_cast<long long>(user_id));
    std::map<std::string, bool> out;
    q.run<PreferenceRow>(db_, sql, [&](const PreferenceRow& row) { out[row.type] = row.email != 0; });
    return out;
}

std::optional<bool> NotificationStore::preference(soci::session& sql, std::int64_t user_id, const std::string& type) {
    sdk::Query q;
    q.text = "SELECT type, email FROM notification_preferences WHERE user_id = " +
             q.param(static_cast<long long>(user_id)) + " AND type = " + q.param(type);
    std::optional<bool> out;
    q.run<PreferenceRow>(db_, sql, [&](const PreferenceRow& row) { out = row.email != 0; });
    return out;
}

void NotificationStore::set_preference(soci::session& sql, std::int64_t user_id, const std::string& type, bool email) {
    sdk::Query q;
    q.text = "INSERT INTO notification_preferences (user_id, type, email) VALUES (" +
             q.param(static_cast<long long>(user_id)) + ", " + q.param(type) + ", " +
             q.param(static_cast<long long>(email ? 1 : 0)) +
             ") ON CONFLICT (user_id, type) DO UPDATE SET email = excluded.email";
    q.execute(db_, sql);
}

void NotificationStore::upsert_due(soci::session& sql, const DueDate& due) {
    sdk::Query q;
    // reminded_due_at stays: a reminder already sent for this very due date is
    // not sent again when only the title or the assignee changed.
    q.text = "INSERT INTO notification_due_dates (task_id, due_at, user_id, title) VALUES (" +
             q.param(static_cast<long long>(due.task_id)) + ", " + q.param(static_cast<long long>(due.due_at)) + ", " +
             q.param(static_cast<long long>(due.user_id)) + ", " + q.param(due.title) +
             ") ON CONFLICT (task_id) DO UPDATE SET due_at = excluded.due_at, user_id = excluded.user_id, "
             "title = excluded.title";
    q.execute(db_, sql);
}

void NotificationStore::delete_due(soci::session& sql, std::int64_t task_id) {
    sdk::Query q;
    q.text = "DELETE FROM notification_due_dates WHERE task_id = " + q.param(static_cast<long long>(task_id));
    q.execute(db_, sql);
}

std::vector<DueDate> NotificationStore::due_between(soci::session& sql, std::int64_t from, std::int64_t to) {
    sdk::Query q;
    q.text = "SELECT task_id, due_at, user_id, title FROM notification_due_dates WHERE due_at >= " +
             q.param(static_cast<long long>(from)) + " AND due_at <= " + q.param(static_cast<long long>(to)) +
             " AND (reminded_due_at IS NULL OR reminded_due_at <> due_at) ORDER BY due_at LIMIT 500";
    std::vector<DueDate> out;
    q.run<DueRow>(db_, sql, [&](const DueRow& row) { out.push_back({row.task_id, row.due_at, row.user_id, row.title}); });
    return out;
}

bool NotificationStore::claim_reminder(soci::session& sql, std::int64_t task_id, std::int64_t due_at) {
    sdk::Query q;
    q.text = "UPDATE notification_due_dates SET reminded_due_at = due_at WHERE task_id = " +
             q.param(static_cast<long long>(task_id)) + " AND due_at = " + q.param(static_cast<long long>(due_at)) +
             " AND (reminded_due_at IS NULL OR reminded_due_at <> due_at)";
    return q.execute(db_, sql) == 1;
}

void NotificationStore::ensure_schedule(soci::session& sql, const std::string& name) {
    sdk::Query q;
    q.text = "INSERT INTO notification_schedule (name, token, next_run_at) VALUES (" + q.param(name) +
             ", 0, 0) ON CONFLICT DO NOTHING";
    q.execute(db_, sql);
}

std::optional<Schedule> NotificationStore::schedule(soci::session& sql, const std::string& name) {
    sdk::Query q;
    q.text = "SELECT token, next_run_at FROM notification_schedule WHERE name = " + q.param(name);
    std::optional<Schedule> out;
    q.run<ScheduleRow>(db_, sql, [&](const ScheduleRow& row) { out = Schedule{row.token, row.next_run_at}; });
    return out;
}

bool NotificationStore::advance_schedule(soci::session& sql, const std::string& name, std::int64_t expected,
                                         std::int64_t next_run_at) {
    sdk::Query q;
    q.text = "UPDATE notification_schedule SET token = token + 1, next_run_at = " +
             q.param(static_cast<long long>(next_run_at)) + " WHERE name = " + q.param(name) +
             " AND token = " + q.param(static_cast<long long>(expected));
    return q.execute(db_, sql) == 1;
}

}  // namespace tasklane::notifications
