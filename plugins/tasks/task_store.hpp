#pragma once
// SQL and row mapping for tasks, tags and activity: the only file of the
// tasks plugin that knows table and column names. Every function runs on the
// session (and so the transaction) it is given. Visibility is part of every
// read query: a task the viewer may not see is never returned or counted.
#include "task.hpp"

#include <tasklane/sdk/database.hpp>
#include <tasklane/sdk/query.hpp>

#include <soci/soci.h>

#include <optional>
#include <string>
#include <vector>

namespace tasklane::tasks {

// Who may see a task: admins, its creator and its assignee. The SQL form of
// the same rule is visibility() in task_store.cpp.
struct Viewer {
    std::int64_t user_id = 0;
    bool is_admin = false;

    bool sees(std::int64_t creator_id, std::int64_t assignee_id) const {
        return is_admin || creator_id == user_id || assignee_id == user_id;
    }
};

struct TaskFilter {
    std::optional<std::string> status, priority, tag, query;
    std::optional<std::int64_t> assignee_id, creator_id, parent_id, due_before, due_after;
    bool open_only = false;  // not completed (no completed_at); not a query parameter
    std::optional<std::vector<std::int64_t>> ids;  // only these tasks (a share link's scope); not a query parameter
    std::optional<std::int64_t> after_id;          // ids above this one (an export's next batch); not a query parameter
    bool count_total = true;                       // false: TaskPage::total is not counted (stays 0)
    // created_at, due_date, priority, updated_at, position, id (each may take '-'), or
    // relevance (with a query: best match first).
    std::string sort = "-created_at";
    int page = 1;
    int per_page = 20;
};

struct TaskPage {
    std::vector<Task> items;
    std::int64_t total = 0;
};

// GET /api/v1/dashboard's numbers, over the tasks a viewer may see.
struct TaskCounts {
    std::int64_t total = 0;
    std::vector<std::pair<std::string, std::int64_t>> by_status, by_priority;
    std::vector<std::pair<std::optional<std::int64_t>, std::int64_t>> by_assignee;  // nullopt: unassigned
    std::vector<std::pair<std::int64_t, std::int64_t>> completed_by_day;          // day (epoch ms / 86400000), count
};

struct Activity {
    std::int64_t id = 0;
    std::string actor_type;
    nlohmann::json actor_id;
    std::string action;  // created, updated, assigned, completed, ...
    std::optional<std::string> field;
    nlohmann::json old_value;
    nlohmann::json new_value;
    std::int64_t created_at = 0;
};

class TaskStore {
public:
    // Hot reads are prepared once per pooled session of `db` (sdk::Query).
    explicit TaskStore(sdk::Database& db) : db_(db), dialect_(db.dialect()) {}

    void insert(soci::session& sql, Task& task);  // sets id
    std::optional<Task> find(soci::session& sql, std::int64_t id, const Viewer& viewer);
    TaskPage list(soci::session& sql, const TaskFilter& filter, const Viewer& viewer);
    // Counts by status, priority and assignee; completions per UTC day since `completed_since`.
    TaskCounts counts(soci::session& sql, const Viewer& viewer, std::int64_t completed_since);
    // Writes every column if the stored version is still `expected_version`
    // (then version becomes expected + 1); false when someone else won.
    // Tags are rewritten only when `tags_changed`.
    bool update_if_version(soci::session& sql, Task& task, std::int64_t expected_version, bool tags_changed);
    void remove(soci::session& sql, std::int64_t id);
    // An import links a task to its parent once both exist (no new version).
    void set_parent(soci::session& sql, std::int64_t id, std::int64_t parent_id);
    std::int64_t count_children(soci::session& sql, std::int64_t id);
    // PostgreSQL: locks the task row until the transaction ends, so
    // concurrent writers queue instead of racing (SQLite's BEGIN IMMEDIATE
    // already serialises writers).
    void lock(soci::session& sql, std::int64_t id);
    // The parent chain above `id`, nearest first (stops at a repeated id).
    std::vector<std::int64_t> ancestors(soci::session& sql, std::int64_t id);
    bool user_exists(soci::session& sql, std::int64_t user_id);

    // Dependencies: task_id cannot be completed while depends_on_id is open.
    // PostgreSQL: serialises changes to the dependency graph until the
    // transaction ends, so two concurrent edges cannot close a cycle. Take it
    // before any row lock.
    void lock_dependency_graph(soci::session& sql);
    void add_dependency(soci::session& sql, std::int64_t task_id, std::int64_t depends_on_id, std::int64_t at_ms);
    bool remove_dependency(soci::session& sql, std::int64_t task_id, std::int64_t depends_on_id);  // false: absent
    // Whether `from` is `to` or depends on it, directly or through other tasks.
    bool depends_transitively(soci::session& sql, std::int64_t from, std::int64_t to);
    std::int64_t count_dependents(soci::session& sql, std::int64_t id);

    void insert_comment(soci::session& sql, Comment& comment);  // sets id
    std::vector<Comment> comments(soci::session& sql, std::int64_t task_id, int page, int per_page);
    std::int64_t count_comments(soci::session& sql, std::int64_t task_id);

    void add_activity(soci::session& sql, std::int64_t task_id, const sdk::Actor& actor, const std::string& action,
                      const std::optional<std::string>& field, const nlohmann::json& old_value,
                      const nlohmann::json& new_value, std::int64_t at_ms);
    std::vector<Activity> activity(soci::session& sql, std::int64_t task_id);

private:
    void write_tags(soci::session& sql, const Task& task);  // replaces them
    void add_tags(soci::session& sql, const Task& task);
    sdk::Database& db_;
    sdk::Dialect dialect_;
};

}  // namespace tasklane::tasks
