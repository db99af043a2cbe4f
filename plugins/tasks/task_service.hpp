#pragma once
// The rules of tasks: validation, workflow, permissions, optimistic
// concurrency, recurrence, and one event plus activity rows per mutation,
// all in the mutation's transaction. No HTTP here; failures are sdk::ApiError.
#include "task_store.hpp"
#include "template.hpp"
#include "workflow.hpp"

#include <tasklane/sdk/database.hpp>
#include <tasklane/sdk/http.hpp>

#include <functional>

namespace tasklane::tasks {

using Clock = std::function<std::int64_t()>;  // epoch milliseconds
struct ImportRecord;                          // task_transfer.hpp

// How TaskService::commit_change writes one change.
struct ChangeOptions {
    std::optional<std::int64_t> if_match = std::nullopt;  // the version the client read (412 when stale)
    // Runs in the same transaction once the change is written.
    std::function<void(sdk::Transaction&, const Task& updated)> after = nullptr;
    bool locks_dependencies = false;  // takes the dependency graph lock first
};

class TaskService {
public:
    TaskService(sdk::Database& database, Workflow workflow, Clock clock);

    Task create(const sdk::Caller& caller, const nlohmann::json& body, const sdk::Actor& actor);
    Task get(const sdk::Caller& caller, std::int64_t id);
    TaskPage list(const sdk::Caller& caller, const TaskFilter& filter);
    // The caller's dashboard: counts, overdue open tasks (most overdue first,
    // up to `overdue_limit`), completions over the last `days` UTC days.
    struct Dashboard {
        TaskCounts counts;
        TaskPage overdue;
        std::int64_t now = 0;
        std::int64_t first_day = 0;  // epoch ms / 86400000
        int days = 0;
    };
    Dashboard dashboard(const sdk::Caller& caller, int days, int overdue_limit);
    // One column per workflow status, in workflow order: the first `limit`
    // tasks matching `filter` by position (then id), and how many match.
    // Takes a viewer, not a caller: a share link shows a board as its
    // creator may see it.
    struct BoardColumn {
        std::string status;
        TaskPage page;
    };
    std::vector<BoardColumn> board(const Viewer& viewer, const TaskFilter& filter, int limit);
    // A partial update. if_match: the version the client read (412 when stale).
    Task update(const sdk::Caller& caller, std::int64_t id, const nlohmann::json& body,
                std::optional<std::int64_t> if_match, const sdk::Actor& actor);
    void remove(const sdk::Caller& caller, std::int64_t id, const sdk::Actor& actor);
    Task assign(const sdk::Caller& caller, std::int64_t id, std::optional<std::int64_t> assignee_id,
                const sdk::Actor& actor);
    // Moves to the workflow's first done status; a recurring task with a due
    // date gets its next occurrence created in the same transaction.
    Task complete(const sdk::Caller& caller, std::int64_t id, const sdk::Actor& actor);
    // Adds `{depends_on_id}` to the task's dependencies (a task.updated event);
    // the bool is false when it was already there (nothing changes). 409
    // dependency_cycle when the other task depends on this one already.
    std::pair<Task, bool> add_dependency(const sdk::Caller& caller, std::int64_t id, const nlohmann::json& body,
                                         const sdk::Actor& actor);
    Task remove_dependency(const sdk::Caller& caller, std::int64_t id, std::int64_t depends_on_id,
                           const sdk::Actor& actor);
    // Creates the template's task (with `overrides`: title, due_date,
    // assignee_id, parent_id) and its subtasks in one transaction, the caller
    // as their creator; one task.created per task, the main task's first.
    struct Instance {
        Task task;
        std::vector<Task> subtasks;
    };
    Instance instantiate(const sdk::Caller& caller, const TaskTemplate& tmpl, const nlohmann::json& overrides,
                         const sdk::Actor& actor);
    std::vector<Activity> activity(const sdk::Caller& caller, std::int64_t id);

    // Hands every task matching `filter` that the caller sees to `on_task`,
    // in id order, reading `batch` rows at a time (never the whole table).
    void export_tasks(const sdk::Caller& caller, TaskFilter filter, const std::function<void(const Task&)>& on_task,
                      int batch = 500);
    // Creates the records' tasks in one transaction: all of them, or none
    // when any row has a problem (422 naming every row and field). A record's
    // id only links parent_id and depends_on within the file; other ids there
    // must be tasks the caller sees. Times, creator (administrators only) and
    // position are kept as given. dry_run: the same checks, then nothing is
    // kept; the problems come back instead of being thrown.
    struct ImportReport {
        std::size_t rows = 0;
        std::vector<sdk::FieldError> problems;
        std::vector<std::pair<std::int64_t, std::int64_t>> ids;  // (id in the file or 0, new id)
    };
    ImportReport import_tasks(const sdk::Caller& caller, const std::vector<ImportRecord>& records, bool dry_run,
                              const sdk::Actor& actor);
    // Anyone who may see the task may comment (comment.created event).
    Comment add_comment(const sdk::Caller& caller, std::int64_t task_id, const nlohmann::json& body,
                        const sdk::Actor& actor);
    std::pair<std::vector<Comment>, std::int64_t> comments(const sdk::Caller& caller, std::int64_t task_id, int page,
                                                           int per_page);

    const Workflow& workflow() const { return workflow_; }

private:
    // Applies `body` onto `task`, collecting every problem. A parent must be
    // visible to `parent_viewer`.
    void apply(soci::session& sql, const Viewer& parent_viewer, Task& task, const nlohmann::json& body, bool creating);
    // Reads the visible task, applies `change` (which returns the event type),
    // writes it if the version still matches, records activity and the event;
    // `after` runs in the same transaction once the change is written.
    Task commit_change(const sdk::Caller& caller, std::int64_t id, const sdk::Actor& actor,
                       const std::function<std::string(soci::session&, Task&)>& change,
                       const ChangeOptions& options = {});
    // Inserts a task created by `creator_id` with its activity and
    // task.created event in `tx`; its parent must be visible to `parent_viewer`.
    void insert_new(sdk::Transaction& tx, const Viewer& parent_viewer, std::int64_t creator_id, Task& task,
                    const nlohmann::json& body, const sdk::Actor& actor);

    sdk::Database& database_;
    Workflow workflow_;
    Clock clock_;
    TaskStore store_;
};

Viewer viewer_of(const sdk::Caller& caller);

// {"columns": [{status, tasks: [card(task)...], total}]}: the body of a board
// (GET /api/v1/board, and a share link's with its own cards).
nlohmann::json board_json(const std::vector<TaskService::BoardColumn>& columns,
                          const std::function<nlohmann::json(const Task&)>& card);

}  // namespace tasklane::tasks
