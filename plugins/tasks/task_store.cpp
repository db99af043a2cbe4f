#include "task_store.hpp"

#include "search_query.hpp"

#include <algorithm>
#include <deque>
#include <functional>
#include <sstream>

namespace tasklane::tasks {

namespace {

// The one mapping between a tasks row and Task. The column list and the
// into() bindings in bind_row() must stay in the same order.
std::string task_columns(sdk::Dialect dialect) {
    const bool sqlite = dialect == sdk::Dialect::Sqlite;
    const std::string tags = sqlite ? "(SELECT group_concat(tag, ',') FROM task_tags WHERE task_id = t.id)"
                                    : "(SELECT string_agg(tag, ',' ORDER BY tag) FROM task_tags WHERE task_id = t.id)";
    // A dependency is open until it is completed (completed_at is set exactly
    // while a task is in a done status).
    const std::string ids = sqlite ? "group_concat(d.depends_on_id, ',')" : "string_agg(d.depends_on_id::text, ',')";
    const std::string depends_on = "(SELECT " + ids + " FROM task_dependencies d WHERE d.task_id = t.id)";
    const std::string blocked_by = "(SELECT " + ids +
                                   " FROM task_dependencies d JOIN tasks o ON o.id = d.depends_on_id "
                                   "WHERE d.task_id = t.id AND o.completed_at IS NULL)";
    return "t.id, t.title, t.description, t.status, t.priority, t.due_date, t.creator_id, t.assignee_id, t.parent_id, "
           "t.recurrence, t.created_at, t.updated_at, t.completed_at, t.version, t.position, " +
           tags + ", " + depends_on + ", " + blocked_by;
}

// "b,a" -> {a, b}: SQL aggregates have no order.
std::vector<std::string> split_sorted(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        out.push_back(item);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::int64_t> ids_sorted(const std::string& text) {
    std::vector<std::int64_t> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        out.push_back(std::stoll(item));
    }
    std::sort(out.begin(), out.end());
    return out;
}

struct TaskRow {
    long long id = 0, due_date = 0, creator_id = 0, assignee_id = 0, parent_id = 0, created_at = 0, updated_at = 0,
              completed_at = 0, version = 0, position = 0;
    std::string title, description, status, priority, recurrence, tags, depends_on, blocked_by;
    soci::indicator due_ind = soci::i_null, assignee_ind = soci::i_null, parent_ind = soci::i_null,
                    recurrence_ind = soci::i_null, completed_ind = soci::i_null, tags_ind = soci::i_null,
                    depends_on_ind = soci::i_null, blocked_by_ind = soci::i_null;

    void bind(soci::statement& st) {
        st.exchange(soci::into(id));
        st.exchange(soci::into(title));
        st.exchange(soci::into(description));
        st.exchange(soci::into(status));
        st.exchange(soci::into(priority));
        st.exchange(soci::into(due_date, due_ind));
        st.exchange(soci::into(creator_id));
        st.exchange(soci::into(assignee_id, assignee_ind));
        st.exchange(soci::into(parent_id, parent_ind));
        st.exchange(soci::into(recurrence, recurrence_ind));
        st.exchange(soci::into(created_at));
        st.exchange(soci::into(updated_at));
        st.exchange(soci::into(completed_at, completed_ind));
        st.exchange(soci::into(version));
        st.exchange(soci::into(position));
        st.exchange(soci::into(tags, tags_ind));
        st.exchange(soci::into(depends_on, depends_on_ind));
        st.exchange(soci::into(blocked_by, blocked_by_ind));
    }

    template <typename T>
    static std::optional<T> optional(const T& value, soci::indicator ind) {
        return ind == soci::i_ok ? std::optional<T>(value) : std::nullopt;
    }

    Task to_task() const {
        Task t;
        t.id = id;
        t.title = title;
        t.description = description;
        t.status = status;
        t.priority = priority;
        t.due_date = optional<std::int64_t>(due_date, due_ind);
        t.creator_id = creator_id;
        t.assignee_id = optional<std::int64_t>(assignee_id, assignee_ind);
        t.parent_id = optional<std::int64_t>(parent_id, parent_ind);
        t.recurrence = optional(recurrence, recurrence_ind);
        t.created_at = created_at;
        t.updated_at = updated_at;
        t.completed_at = optional<std::int64_t>(completed_at, completed_ind);
        t.version = version;
        t.position = position;
        if (tags_ind == soci::i_ok) {
            t.tags = split_sorted(tags);
        }
        if (depends_on_ind == soci::i_ok) {
            t.depends_on = ids_sorted(depends_on);
        }
        if (blocked_by_ind == soci::i_ok) {
            t.blocked_by = ids_sorted(blocked_by);
        }
        return t;
    }
};

struct CountRow {
    long long n = 0;
    void bind(soci::statement& st) { st.exchange(soci::into(n)); }
};

std::string visibility(sdk::Query& q, const Viewer& viewer) {
    if (viewer.is_admin) {
        return "1 = 1";
    }
    const auto uid = q.param(static_cast<long long>(viewer.user_id));
    const auto uid2 = q.param(static_cast<long long>(viewer.user_id));
    return "(t.creator_id = " + uid + " OR t.assignee_id = " + uid2 + ")";
}

// `relevance` orders by the full-text match, best first (only with a search text).
std::string order_by(const std::string& sort, const std::string& relevance) {
    const bool desc = !sort.empty() && sort[0] == '-';
    const std::string key = desc ? sort.substr(1) : sort;
    if (key == "relevance" && !relevance.empty()) {
        return relevance + ", t.id DESC";
    }
    if (key == "due_date") {
        // Tasks without a due date go last either way.
        return std::string("CASE WHEN t.due_date IS NULL THEN 1 ELSE 0 END, t.due_date") + (desc ? " DESC" : "") +
               ", t.id";
    }
    std::string column = "t.created_at";
    if (key == "priority") {
        column = "CASE t.priority WHEN 'urgent' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END";
    } else if (key == "updated_at") {
        column = "t.updated_at";
    } else if (key == "position") {
        column = "t.position";
    } else if (key == "id") {
        return std::string("t.id") + (desc ? " DESC" : "");
    }
    return column + (desc ? " DESC" : "") + ", t.id" + (desc ? " DESC" : "");
}

// The write side of the mapping: the columns a change writes, and their
// values from a Task as parameters of `q` (in the same order).
const std::vector<std::string> kWrittenColumns = {"title",      "description",  "status",     "priority",
                                                  "due_date",   "assignee_id",  "parent_id",  "recurrence",
                                                  "updated_at", "completed_at", "position"};

std::optional<long long> nullable(const std::optional<std::int64_t>& v) {
    return v ? std::optional<long long>(*v) : std::nullopt;
}

std::vector<std::string> written_values(sdk::Query& q, const Task& t) {
    return {q.param(t.title),          q.param(t.description),           q.param(t.status),
            q.param(t.priority),       q.param(nullable(t.due_date)),     q.param(nullable(t.assignee_id)),
            q.param(nullable(t.parent_id)), q.param(t.recurrence),        q.param(static_cast<long long>(t.updated_at)),
            q.param(nullable(t.completed_at)), q.param(static_cast<long long>(t.position))};
}

struct IdRow {
    long long id = 0;
    void bind(soci::statement& st) { st.exchange(soci::into(id)); }
};

}  // namespace

void TaskStore::insert(soci::session& sql, Task& task) {
    sdk::Query q;
    const auto values = written_values(q, task);
    std::string columns, placeholders;
    for (std::size_t i = 0; i < values.size(); ++i) {
        columns += kWrittenColumns[i] + ", ";
        placeholders += values[i] + ", ";
    }
    q.text = "INSERT INTO tasks (" + columns + "creator_id, created_at, version) VALUES (" + placeholders +
             q.param(static_cast<long long>(task.creator_id)) + ", " +
             q.param(static_cast<long long>(task.created_at)) + ", " + q.param(static_cast<long long>(task.version)) +
             ") RETURNING id";
    q.run<IdRow>(db_, sql, [&](const IdRow& row) { task.id = row.id; });
    add_tags(sql, task);
}

void TaskStore::write_tags(soci::session& sql, const Task& task) {
    sdk::Query clear;
    clear.text = "DELETE FROM task_tags WHERE task_id = " + clear.param(static_cast<long long>(task.id));
    clear.execute(db_, sql);
    add_tags(sql, task);
}

void TaskStore::add_tags(soci::session& sql, const Task& task) {
    for (const auto& tag : task.tags) {
        sdk::Query add;
        add.text = "INSERT INTO task_tags (task_id, tag) VALUES (" + add.param(static_cast<long long>(task.id)) + ", " +
                   add.param(tag) + ")";
        add.execute(db_, sql);
    }
}

std::optional<Task> TaskStore::find(soci::session& sql, std::int64_t id, const Viewer& viewer) {
    sdk::Query q;
    const auto vis = visibility(q, viewer);
    q.text = "SELECT " + task_columns(dialect_) + " FROM tasks t WHERE t.id = " + q.param(static_cast<long long>(id)) +
             " AND " + vis;
    std::optional<Task> out;
    q.run<TaskRow>(db_, sql, [&](const TaskRow& row) { out = row.to_task(); });
    return out;
}

TaskPage TaskStore::list(soci::session& sql, const TaskFilter& f, const Viewer& viewer) {
    std::vector<std::string> words;
    if (f.query) {
        words = search_words(*f.query);
        if (words.empty()) {
            return {};  // nothing searchable (only punctuation): nothing matches
        }
    }
    const bool sqlite = dialect_ == sdk::Dialect::Sqlite;
    // FROM ... WHERE ... with the query's parameters; `relevance` gets the
    // ORDER BY expression of the search rank.
    auto build = [&](sdk::Query& q, std::string& relevance) {
        std::string from = " FROM tasks t";
        std::string where = " WHERE " + visibility(q, viewer);
        if (!words.empty() && sqlite) {
            from += " JOIN tasks_fts ON tasks_fts.rowid = t.id";
            where += " AND tasks_fts MATCH " + q.param(fts5_match(words));
            relevance = "tasks_fts.rank";  // bm25: lower is better
        } else if (!words.empty()) {
            const auto text = pg_tsquery(words);
            where += " AND t.search @@ to_tsquery('simple', " + q.param(text) + ")";
            relevance = "-ts_rank(t.search, to_tsquery('simple', " + q.param(text) + "))";  // higher is better
        }
        if (f.status) {
            where += " AND t.status = " + q.param(*f.status);
        }
        if (f.priority) {
            where += " AND t.priority = " + q.param(*f.priority);
        }
        if (f.assignee_id) {
            where += " AND t.assignee_id = " + q.param(static_cast<long long>(*f.assignee_id));
        }
        if (f.creator_id) {
            where += " AND t.creator_id = " + q.param(static_cast<long long>(*f.creator_id));
        }
        if (f.parent_id) {
            where += " AND t.parent_id = " + q.param(static_cast<long long>(*f.parent_id));
        }
        if (f.due_before) {
            where += " AND t.due_date < " + q.param(static_cast<long long>(*f.due_before));
        }
        if (f.due_after) {
            where += " AND t.due_date > " + q.param(static_cast<long long>(*f.due_after));
        }
        if (f.tag) {
            where += " AND EXISTS (SELECT 1 FROM task_tags g WHERE g.task_id = t.id AND g.tag = " + q.param(*f.tag) + ")";
        }
        if (f.open_only) {
            where += " AND t.completed_at IS NULL";
        }
        if (f.after_id) {
            where += " AND t.id > " + q.param(static_cast<long long>(*f.after_id));
        }
        if (f.ids) {
            std::string list;
            for (const auto id : *f.ids) {
                list += (list.empty() ? "" : ", ") + q.param(static_cast<long long>(id));
            }
            where += list.empty() ? " AND 1 = 0" : " AND t.id IN (" + list + ")";
        }
        return from + where;
    };
    TaskPage page;
    if (f.count_total) {
        sdk::Query q;
        std::string unused;
        q.text = "SELECT COUNT(*)" + build(q, unused);
        q.run<CountRow>(db_, sql, [&](const CountRow& row) { page.total = row.n; });
    }
    // The page's ids first (sorted, limited), then the row columns with their
    // tag and dependency subqueries for those rows only: computed in one
    // query, a database may evaluate them for every match before sorting.
    sdk::Query q;
    std::string relevance;
    const auto from_where = build(q, relevance);
    const std::string page_ids = "SELECT t.id AS page_id" + (relevance.empty() ? "" : ", " + relevance + " AS relevance") +
                             from_where + " ORDER BY " + order_by(f.sort, relevance) + " LIMIT " +
                             q.param(static_cast<long long>(f.per_page)) + " OFFSET " +
                             q.param(static_cast<long long>((f.page - 1) * f.per_page));
    q.text = "SELECT " + task_columns(dialect_) + " FROM (" + page_ids + ") page JOIN tasks t ON t.id = page.page_id " +
             "ORDER BY " + order_by(f.sort, relevance.empty() ? "" : "page.relevance");
    q.run<TaskRow>(db_, sql, [&](const TaskRow& row) { page.items.push_back(row.to_task()); });
    return page;
}

namespace {

// A GROUP BY row: the group's key (NULL allowed) and its count.
struct GroupRow {
    std::string key;
    soci::indicator key_ind = soci::i_ok;
    long long n = 0;
    void bind(soci::statement& st) {
        st.exchange(soci::into(key, key_ind));
        st.exchange(soci::into(n));
    }
};

}  // namespace

TaskCounts TaskStore::counts(soci::session& sql, const Viewer& viewer, std::int64_t completed_since) {
    TaskCounts counts;
    // Keys are read as text so one row type serves every grouping.
    const auto grouped = [&](const std::string& key_sql, std::optional<std::int64_t> completed_after,
                             const std::function<void(const GroupRow&)>& on_row) {
        sdk::Query q;
        std::string where = visibility(q, viewer);
        if (completed_after) {
            where += " AND t.completed_at >= " + q.param(static_cast<long long>(*completed_after));
        }
        q.text = "SELECT CAST(" + key_sql + " AS TEXT), COUNT(*) FROM tasks t WHERE " + where + " GROUP BY " + key_sql +
                 " ORDER BY " + key_sql;
        q.run<GroupRow>(db_, sql, on_row);
    };
    grouped("t.status", std::nullopt, [&](const GroupRow& r) {
        counts.by_status.emplace_back(r.key, r.n);
        counts.total += r.n;
    });
    grouped("t.priority", std::nullopt, [&](const GroupRow& r) { counts.by_priority.emplace_back(r.key, r.n); });
    grouped("t.assignee_id", std::nullopt, [&](const GroupRow& r) {
        counts.by_assignee.emplace_back(r.key_ind == soci::i_null ? std::nullopt
                                                                  : std::optional<std::int64_t>(std::stoll(r.key)),
                                        r.n);
    });
    grouped("t.completed_at / 86400000", completed_since,
            [&](const GroupRow& r) { counts.completed_by_day.emplace_back(std::stoll(r.key), r.n); });
    return counts;
}

bool TaskStore::update_if_version(soci::session& sql, Task& task, std::int64_t expected_version,
                                  bool tags_changed) {
    sdk::Query q;
    const auto values = written_values(q, task);
    std::string assignments;
    for (std::size_t i = 0; i < values.size(); ++i) {
        assignments += kWrittenColumns[i] + " = " + values[i] + ", ";
    }
    q.text = "UPDATE tasks SET " + assignments + "version = " + q.param(static_cast<long long>(expected_version + 1)) +
             " WHERE id = " + q.param(static_cast<long long>(task.id)) +
             " AND version = " + q.param(static_cast<long long>(expected_version));
    if (q.execute(db_, sql) != 1) {
        return false;
    }
    task.version = expected_version + 1;
    if (tags_changed) {
        write_tags(sql, task);
    }
    return true;
}

void TaskStore::remove(soci::session& sql, std::int64_t id) {
    long long task_id = id;
    sql << "DELETE FROM task_comments WHERE task_id = :id", soci::use(task_id);
    sql << "DELETE FROM task_activity WHERE task_id = :id", soci::use(task_id);
    sql << "DELETE FROM task_tags WHERE task_id = :id", soci::use(task_id);
    sql << "DELETE FROM task_dependencies WHERE task_id = :id", soci::use(task_id);
    sql << "DELETE FROM tasks WHERE id = :id", soci::use(task_id);
}

void TaskStore::set_parent(soci::session& sql, std::int64_t id, std::int64_t parent_id) {
    long long task_id = id;
    long long parent = parent_id;
    sql << "UPDATE tasks SET parent_id = :p WHERE id = :id", soci::use(parent), soci::use(task_id);
}

std::int64_t TaskStore::count_children(soci::session& sql, std::int64_t id) {
    long long parent = id;
    long long n = 0;
    sql << "SELECT COUNT(*) FROM tasks WHERE parent_id = :id", soci::use(parent), soci::into(n);
    return n;
}

void TaskStore::lock(soci::session& sql, std::int64_t id) {
    if (dialect_ != sdk::Dialect::Postgresql) {
        return;
    }
    long long task_id = id;
    long long found = 0;
    // NO KEY UPDATE queues the writers of this row and still lets other
    // transactions insert rows that reference it (a dependency, a subtask).
    sql << "SELECT id FROM tasks WHERE id = :id FOR NO KEY UPDATE", soci::use(task_id), soci::into(found);
}

void TaskStore::lock_dependency_graph(soci::session& sql) {
    if (dialect_ == sdk::Dialect::Postgresql) {
        sql << "SELECT pg_advisory_xact_lock(7170002)";
    }
}

void TaskStore::add_dependency(soci::session& sql, std::int64_t task_id, std::int64_t depends_on_id,
                               std::int64_t at_ms) {
    long long task = task_id;
    long long depends_on = depends_on_id;
    long long at = at_ms;
    sql << "INSERT INTO task_dependencies (task_id, depends_on_id, created_at) VALUES (:t, :d, :at)", soci::use(task),
        soci::use(depends_on), soci::use(at);
}

bool TaskStore::remove_dependency(soci::session& sql, std::int64_t task_id, std::int64_t depends_on_id) {
    long long task = task_id;
    long long depends_on = depends_on_id;
    soci::statement st = (sql.prepare << "DELETE FROM task_dependencies WHERE task_id = :t AND depends_on_id = :d",
                          soci::use(task), soci::use(depends_on));
    st.execute(true);
    return st.get_affected_rows() > 0;
}

bool TaskStore::depends_transitively(soci::session& sql, std::int64_t from, std::int64_t to) {
    long long start = from;
    long long target = to;
    long long n = 0;
    // UNION (not UNION ALL) ends the walk even on a graph that has a cycle.
    sql << "WITH RECURSIVE reach (id) AS (SELECT CAST(:start AS BIGINT) UNION SELECT d.depends_on_id FROM "
           "task_dependencies d JOIN reach r ON d.task_id = r.id) SELECT COUNT(*) FROM reach WHERE id = :target",
        soci::use(start), soci::use(target), soci::into(n);
    return n > 0;
}

std::int64_t TaskStore::count_dependents(soci::session& sql, std::int64_t id) {
    long long task = id;
    long long n = 0;
    sql << "SELECT COUNT(*) FROM task_dependencies WHERE depends_on_id = :id", soci::use(task), soci::into(n);
    return n;
}


std::vector<std::int64_t> TaskStore::ancestors(soci::session& sql, std::int64_t id) {
    std::vector<std::int64_t> chain;
    long long current = id;
    while (true) {
        long long parent = 0;
        soci::indicator ind = soci::i_null;
        sql << "SELECT parent_id FROM tasks WHERE id = :id", soci::use(current), soci::into(parent, ind);
        if (!sql.got_data() || ind != soci::i_ok ||
            std::find(chain.begin(), chain.end(), parent) != chain.end() || parent == id) {
            return chain;
        }
        chain.push_back(parent);
        current = parent;
    }
}

bool TaskStore::user_exists(soci::session& sql, std::int64_t user_id) {
    long long id = user_id;
    long long n = 0;
    sql << "SELECT COUNT(*) FROM users WHERE id = :id AND is_active = 1", soci::use(id), soci::into(n);
    return n > 0;
}

void TaskStore::insert_comment(soci::session& sql, Comment& comment) {
    long long task_id = comment.task_id;
    long long author = comment.author_id;
    long long created = comment.created_at;
    long long id = 0;
    sql << "INSERT INTO task_comments (task_id, author_id, body, created_at) VALUES (:t, :a, :b, :c) RETURNING id",
        soci::use(task_id), soci::use(author), soci::use(comment.body), soci::use(created), soci::into(id);
    comment.id = id;
}

std::vector<Comment> TaskStore::comments(soci::session& sql, std::int64_t task_id, int page, int per_page) {
    std::vector<Comment> out;
    long long tid = task_id;
    long long limit = per_page;
    long long offset = static_cast<long long>(page - 1) * per_page;
    Comment c;
    long long id = 0, author = 0, created = 0;
    soci::statement st = (sql.prepare << "SELECT id, author_id, body, created_at FROM task_comments "
                                         "WHERE task_id = :t ORDER BY id LIMIT :l OFFSET :o",
                          soci::into(id), soci::into(author), soci::into(c.body), soci::into(created), soci::use(tid),
                          soci::use(limit), soci::use(offset));
    st.execute();
    while (st.fetch()) {
        out.push_back({id, task_id, author, c.body, created});
    }
    return out;
}

std::int64_t TaskStore::count_comments(soci::session& sql, std::int64_t task_id) {
    long long tid = task_id;
    long long n = 0;
    sql << "SELECT COUNT(*) FROM task_comments WHERE task_id = :t", soci::use(tid), soci::into(n);
    return n;
}

void TaskStore::add_activity(soci::session& sql, std::int64_t task_id, const sdk::Actor& actor,
                             const std::string& action, const std::optional<std::string>& field,
                             const nlohmann::json& old_value, const nlohmann::json& new_value, std::int64_t at_ms) {
    sdk::Query q;
    q.text = "INSERT INTO task_activity (task_id, actor_type, actor_id, action, field, old_value, new_value, "
             "created_at) VALUES (" +
             q.param(static_cast<long long>(task_id)) + ", " + q.param(actor.type) + ", " + q.param(actor.id.dump()) +
             ", " + q.param(action) + ", " + q.param(field) + ", " + q.param(old_value.dump()) + ", " +
             q.param(new_value.dump()) + ", " + q.param(static_cast<long long>(at_ms)) + ")";
    q.execute(db_, sql);
}

std::vector<Activity> TaskStore::activity(soci::session& sql, std::int64_t task_id) {
    std::vector<Activity> out;
    long long tid = task_id;
    long long id = 0, at = 0;
    std::string actor_type, actor_id, action, field, old_text, new_text;
    soci::indicator field_i = soci::i_null;
    soci::statement st = (sql.prepare << "SELECT id, actor_type, actor_id, action, field, old_value, new_value, "
                                         "created_at FROM task_activity WHERE task_id = :t ORDER BY id",
                          soci::into(id), soci::into(actor_type), soci::into(actor_id), soci::into(action),
                          soci::into(field, field_i), soci::into(old_text), soci::into(new_text), soci::into(at),
                          soci::use(tid));
    st.execute();
    while (st.fetch()) {
        Activity a;
        a.id = id;
        a.actor_type = actor_type;
        a.actor_id = nlohmann::json::parse(actor_id, nullptr, false);
        a.action = action;
        if (field_i == soci::i_ok) {
            a.field = field;
        }
        a.old_value = nlohmann::json::parse(old_text, nullptr, false);
        a.new_value = nlohmann::json::parse(new_text, nullptr, false);
        a.created_at = at;
        out.push_back(std::move(a));
    }
    return out;
}

}  // namespace tasklane::tasks
