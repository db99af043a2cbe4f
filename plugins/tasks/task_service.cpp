#include "task_service.hpp"

#include "field_checks.hpp"
#include "recurrence.hpp"

#include <algorithm>
#include <set>

namespace tasklane::tasks {

namespace {

using Problems = std::vector<sdk::FieldError>;

// Fields a client may send back unchanged from a GET (ignored on write).
const std::set<std::string> kReadOnly = {"id",      "creator_id", "created_at", "updated_at",
                                         "completed_at", "version", "blocked_by", "depends_on"};
const std::set<std::string> kWritable = {"title",     "description", "status", "priority",   "due_date",
                                         "assignee_id", "parent_id", "tags",   "recurrence", "position"};

std::optional<std::int64_t> optional_id(const nlohmann::json& value, const std::string& field, Problems& problems) {
    if (value.is_null()) {
        return std::nullopt;
    }
    if (!value.is_number_integer() || value.get<std::int64_t>() <= 0) {
        problems.push_back({field, "must be a positive integer or null"});
        return std::nullopt;
    }
    return value.get<std::int64_t>();
}

// {field: [old, new]} for every field that differs.
nlohmann::json diff(const Task& before, const Task& after) {
    const auto a = to_json(before);
    const auto b = to_json(after);
    nlohmann::json changes = nlohmann::json::object();
    for (const auto& field : kWritable) {
        if (a.at(field) != b.at(field)) {
            changes[field] = {a.at(field), b.at(field)};
        }
    }
    for (const char* derived : {"completed_at", "depends_on"}) {
        if (a.at(derived) != b.at(derived)) {
            changes[derived] = {a.at(derived), b.at(derived)};
        }
    }
    return changes;
}

sdk::ApiError not_found() { return sdk::ApiError::not_found("task not found"); }

// Completion waits for every dependency (409 blocked).
void refuse_if_blocked(const Task& task) {
    if (task.blocked_by.empty()) {
        return;
    }
    std::string ids;
    for (auto id : task.blocked_by) {
        ids += (ids.empty() ? "" : ", ") + std::to_string(id);
    }
    throw sdk::ApiError::conflict("blocked", "the task waits for open dependencies: " + ids + "; complete them first");
}

void insert_sorted(std::vector<std::int64_t>& ids, std::int64_t id) {
    ids.insert(std::upper_bound(ids.begin(), ids.end(), id), id);
}

void erase_id(std::vector<std::int64_t>& ids, std::int64_t id) {
    ids.erase(std::remove(ids.begin(), ids.end(), id), ids.end());
}

}  // namespace

Viewer viewer_of(const sdk::Caller& caller) { return {caller.user_id, caller.is_admin()}; }

TaskService::TaskService(sdk::Database& database, Workflow workflow, Clock clock)
    : database_(database), workflow_(std::move(workflow)), clock_(std::move(clock)), store_(database) {}

void TaskService::apply(soci::session& sql, const Viewer& parent_viewer, Task& task, const nlohmann::json& body,
                        bool creating) {
    if (!body.is_object()) {
        throw sdk::ApiError::bad_request("the body must be a JSON object");
    }
    Problems problems;
    for (const auto& [key, value] : body.items()) {
        if (!kWritable.count(key) && !kReadOnly.count(key)) {
            problems.push_back({key, "is not a task field"});
        }
    }
    auto string_of = [&](const std::string& field) -> std::optional<std::string> {
        if (!body.contains(field)) {
            return std::nullopt;
        }
        if (!body[field].is_string()) {
            problems.push_back({field, "must be a string"});
            return std::nullopt;
        }
        return body[field].get<std::string>();
    };
    if (auto title = string_of("title")) {
        task.title = trim(*title);
        if (task.title.empty() || utf8_length(task.title) > 200) {
            problems.push_back({"title", "must be 1 to 200 characters after trimming"});
        }
    } else if (creating && !body.contains("title")) {
        problems.push_back({"title", "required"});
    }
    if (auto description = string_of("description")) {
        task.description = *description;
        if (utf8_length(task.description) > 10000) {
            problems.push_back({"description", "must be at most 10000 characters"});
        }
    }
    if (auto priority = string_of("priority")) {
        task.priority = *priority;
        if (!is_priority(task.priority)) {
            problems.push_back({"priority", "must be low, medium, high or urgent"});
        }
    }
    if (auto status = string_of("status")) {
        if (!workflow_.has(*status)) {
            problems.push_back({"status", "unknown status '" + *status + "'"});
        } else if (!creating && *status != task.status && !workflow_.allows(task.status, *status)) {
            std::string allowed;
            for (const auto& n : workflow_.next(task.status)) {
                allowed += (allowed.empty() ? "" : ", ") + n;
            }
            throw sdk::ApiError(422, "invalid_transition",
                                "cannot move from " + task.status + " to " + *status +
                                    " (allowed: " + (allowed.empty() ? "none" : allowed) + ")",
                                {{"status", "allowed next statuses: " + (allowed.empty() ? "none" : allowed)}});
        }
        if (workflow_.has(*status)) {
            if (workflow_.is_done(*status) && !workflow_.is_done(task.status)) {
                if (!creating) {
                    refuse_if_blocked(task);
                }
                task.completed_at = clock_();
            } else if (!workflow_.is_done(*status)) {
                task.completed_at.reset();
            }
            task.status = *status;
        }
    }
    if (body.contains("due_date")) {
        const auto& v = body["due_date"];
        if (v.is_null()) {
            task.due_date.reset();
        } else if (!v.is_string() || !parse_timestamp(v.get<std::string>())) {
            problems.push_back({"due_date", "must be an ISO 8601 time such as 2026-11-22T18:00:00Z, a date, or null"});
        } else {
            task.due_date = parse_timestamp(v.get<std::string>());
        }
    }
    if (body.contains("assignee_id")) {
        task.assignee_id = optional_id(body["assignee_id"], "assignee_id", problems);
        if (task.assignee_id && !store_.user_exists(sql, *task.assignee_id)) {
            problems.push_back({"assignee_id", "no active user with this id"});
        }
    }
    if (body.contains("parent_id")) {
        task.parent_id = optional_id(body["parent_id"], "parent_id", problems);
        if (task.parent_id) {
            if (*task.parent_id == task.id) {
                problems.push_back({"parent_id", "a task cannot be its own parent"});
            } else if (!store_.find(sql, *task.parent_id, parent_viewer)) {
                problems.push_back({"parent_id", "no such task"});
            } else if (task.id != 0) {
                const auto above = store_.ancestors(sql, *task.parent_id);
                if (std::find(above.begin(), above.end(), task.id) != above.end()) {
                    problems.push_back({"parent_id", "would make the task a subtask of its own subtask"});
                }
            }
        }
    }
    if (body.contains("tags")) {
        const auto& v = body["tags"];
        std::set<std::string> tags;
        if (!v.is_array() || v.size() > 20) {
            problems.push_back({"tags", "must be an array of at most 20 tags"});
        } else {
            for (const auto& t : v) {
                if (!t.is_string() || !valid_tag(t.get<std::string>())) {
                    problems.push_back({"tags", kTagRule});
                    break;
                }
                tags.insert(t.get<std::string>());
            }
        }
        task.tags.assign(tags.begin(), tags.end());
    }
    if (body.contains("position")) {
        const auto& v = body["position"];
        if (!v.is_number_integer()) {
            problems.push_back({"position", "must be an integer (the card's place in its board column, ascending)"});
        } else {
            task.position = v.get<std::int64_t>();
        }
    }
    if (body.contains("recurrence")) {
        const auto& v = body["recurrence"];
        if (v.is_null()) {
            task.recurrence.reset();
        } else if (!v.is_string()) {
            problems.push_back({"recurrence", "must be a string or null"});
        } else if (auto problem = recurrence_problem(v.get<std::string>())) {
            problems.push_back({"recurrence", *problem});
        } else {
            task.recurrence = v.get<std::string>();
        }
    }
    if (!problems.empty()) {
        throw sdk::ApiError::validation(problems);
    }
}

void TaskService::insert_new(sdk::Transaction& tx, const Viewer& parent_viewer, std::int64_t creator_id, Task& task,
                             const nlohmann::json& body, const sdk::Actor& actor) {
    task.status = workflow_.initial();
    task.creator_id = creator_id;
    task.created_at = task.updated_at = clock_();
    task.position = task.created_at;  // last in its column unless the body says where
    apply(tx.sql(), parent_viewer, task, body, /*creating=*/true);
    if (workflow_.is_done(task.status)) {
        task.completed_at = task.created_at;
    }
    store_.insert(tx.sql(), task);
    store_.add_activity(tx.sql(), task.id, actor, "created", std::nullopt, nullptr, to_json(task), task.created_at);
    tx.publish("task.created", actor, {{"task", to_json(task)}});
}

Task TaskService::create(const sdk::Caller& caller, const nlohmann::json& body, const sdk::Actor& actor) {
    Task task;
    auto tx = database_.begin();
    insert_new(*tx, viewer_of(caller), caller.user_id, task, body, actor);
    tx->commit();
    return task;
}

TaskService::Instance TaskService::instantiate(const sdk::Caller& caller, const TaskTemplate& tmpl,
                                               const nlohmann::json& overrides, const sdk::Actor& actor) {
    static const std::set<std::string> kOverrides = {"title", "due_date", "assignee_id", "parent_id"};
    if (!overrides.is_object()) {
        throw sdk::ApiError::bad_request("the body must be a JSON object");
    }
    Problems problems;
    for (const auto& [key, value] : overrides.items()) {
        if (!kOverrides.count(key)) {
            problems.push_back({key, "cannot be set when instantiating (title, due_date, assignee_id, parent_id can)"});
        }
    }
    if (!problems.empty()) {
        throw sdk::ApiError::validation(problems);
    }
    const auto now = clock_();
    auto body = task_body_of(tmpl.task, now);
    for (const auto& [key, value] : overrides.items()) {
        body[key] = value;
    }
    Instance out;
    auto tx = database_.begin();
    insert_new(*tx, viewer_of(caller), caller.user_id, out.task, body, actor);
    for (std::size_t i = 0; i < tmpl.subtasks.size(); ++i) {
        auto sub_body = task_body_of(tmpl.subtasks[i], now);
        sub_body["parent_id"] = out.task.id;
        Task sub;
        try {
            insert_new(*tx, viewer_of(caller), caller.user_id, sub, sub_body, actor);
        } catch (const sdk::ApiError& e) {
            // A template stays valid on its own, but its assignee may have left.
            auto details = e.details();
            for (auto& d : details) {
                d.field = "subtasks[" + std::to_string(i) + "]." + d.field;
            }
            throw sdk::ApiError(e.status(), e.code(), e.what(), details);
        }
        out.subtasks.push_back(std::move(sub));
    }
    tx->commit();
    return out;
}

Task TaskService::get(const sdk::Caller& caller, std::int64_t id) {
    auto session = database_.session();
    auto task = store_.find(session->sql(), id, viewer_of(caller));
    if (!task) {
        throw not_found();
    }
    return *task;
}

TaskPage TaskService::list(const sdk::Caller& caller, const TaskFilter& filter) {
    auto session = database_.session();
    return store_.list(session->sql(), filter, viewer_of(caller));
}

TaskService::Dashboard TaskService::dashboard(const sdk::Caller& caller, int days, int overdue_limit) {
    constexpr std::int64_t kDay = 86400000;
    Dashboard d;
    d.now = clock_();
    d.days = days;
    d.first_day = d.now / kDay - (days - 1);
    TaskFilter overdue;
    overdue.due_before = d.now;
    overdue.open_only = true;
    overdue.sort = "due_date";
    overdue.per_page = overdue_limit;
    auto session = database_.session();
    const auto viewer = viewer_of(caller);
    d.counts = store_.counts(session->sql(), viewer, d.first_day * kDay);
    d.overdue = store_.list(session->sql(), overdue, viewer);
    return d;
}

std::vector<TaskService::BoardColumn> TaskService::board(const Viewer& viewer, const TaskFilter& filter, int limit) {
    std::vector<BoardColumn> columns;
    auto session = database_.session();
    for (const auto& status : workflow_.statuses()) {
        TaskFilter column = filter;
        column.status = status;
        column.sort = "position";
        column.page = 1;
        column.per_page = limit;
        columns.push_back({status, store_.list(session->sql(), column, viewer)});
    }
    return columns;
}

nlohmann::json board_json(const std::vector<TaskService::BoardColumn>& columns,
                          const std::function<nlohmann::json(const Task&)>& card) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& c : columns) {
        nlohmann::json tasks = nlohmann::json::array();
        for (const auto& t : c.page.items) {
            tasks.push_back(card(t));
        }
        out.push_back({{"status", c.status}, {"tasks", std::move(tasks)}, {"total", c.page.total}});
    }
    return {{"columns", std::move(out)}};
}

Task TaskService::commit_change(const sdk::Caller& caller, std::int64_t id, const sdk::Actor& actor,
                                const std::function<std::string(soci::session&, Task&)>& change,
                                const ChangeOptions& options) {
    const auto& if_match = options.if_match;
    // Without If-Match a lost race is retried on fresh data; with it, a stale
    // version is the client's to resolve (412).
    for (int attempt = 0; attempt < 3; ++attempt) {
        auto tx = database_.begin();
        auto& sql = tx->sql();
        if (options.locks_dependencies) {
            store_.lock_dependency_graph(sql);
        }
        store_.lock(sql, id);
        auto current = store_.find(sql, id, viewer_of(caller));
        if (!current) {
            throw not_found();
        }
        if (if_match && *if_match != current->version) {
            throw sdk::ApiError(412, "precondition_failed",
                                "the task changed since version " + std::to_string(*if_match) + " (now " +
                                    std::to_string(current->version) + "); reload it and retry");
        }
        Task updated = *current;
        const std::string event_type = change(sql, updated);
        const auto changes = diff(*current, updated);
        if (changes.empty()) {
            return *current;  // nothing changed: no version bump, no event
        }
        updated.updated_at = clock_();
        if (!store_.update_if_version(sql, updated, current->version, changes.contains("tags"))) {
            if (if_match) {
                throw sdk::ApiError(412, "precondition_failed", "the task changed concurrently; reload it and retry");
            }
            continue;
        }
        for (const auto& [field, values] : changes.items()) {
            if (field != "position") {  // a card's place in its column is layout, not history
                store_.add_activity(sql, id, actor, event_type.substr(5), field, values[0], values[1],
                                    updated.updated_at);
            }
        }
        nlohmann::json data = {{"task", to_json(updated)}, {"changes", changes}};
        std::string type = event_type;
        // A move between statuses alone (completed_at follows it; a board move
        // also sets the card's position) is its own event type.
        const bool status_only =
            changes.contains("status") && changes.size() == 1 + (changes.contains("completed_at") ? 1u : 0u) +
                                                              (changes.contains("position") ? 1u : 0u);
        if (type == "task.updated" && status_only) {
            type = "task.status_changed";
        }
        tx->publish(type, actor, data);
        if (options.after) {
            options.after(*tx, updated);
        }
        tx->commit();
        return updated;
    }
    throw sdk::ApiError(409, "conflict", "the task is being changed by others; retry");
}

Task TaskService::update(const sdk::Caller& caller, std::int64_t id, const nlohmann::json& body,
                         std::optional<std::int64_t> if_match, const sdk::Actor& actor) {
    return commit_change(
        caller, id, actor,
        [&](soci::session& sql, Task& task) {
            apply(sql, viewer_of(caller), task, body, /*creating=*/false);
            return std::string("task.updated");
        },
        {.if_match = if_match});
}

Task TaskService::assign(const sdk::Caller& caller, std::int64_t id, std::optional<std::int64_t> assignee_id,
                         const sdk::Actor& actor) {
    return commit_change(caller, id, actor, [&](soci::session& sql, Task& task) {
        if (assignee_id && !store_.user_exists(sql, *assignee_id)) {
            throw sdk::ApiError::validation({{"assignee_id", "no active user with this id"}});
        }
        task.assignee_id = assignee_id;
        return std::string("task.assigned");
    });
}

Task TaskService::complete(const sdk::Caller& caller, std::int64_t id, const sdk::Actor& actor) {
    bool completed_now = false;
    auto mark_done = [&](soci::session&, Task& task) {
        completed_now = !workflow_.is_done(task.status);
        if (completed_now) {
            refuse_if_blocked(task);
            task.status = workflow_.completed_status();
            task.completed_at = clock_();
        }
        return std::string("task.completed");
    };
    // A recurring task's next occurrence is created in the completion's
    // transaction, its task.created right after the task.completed event.
    auto create_next = [&](sdk::Transaction& tx, const Task& done) {
        if (!completed_now || !done.recurrence || !done.due_date) {
            return;
        }
        nlohmann::json body = {{"title", done.title},
                               {"description", done.description},
                               {"priority", done.priority},
                               {"tags", done.tags},
                               {"recurrence", *done.recurrence},
                               {"assignee_id", done.assignee_id ? nlohmann::json(*done.assignee_id) : nlohmann::json()},
                               {"due_date", sdk::iso8601_utc(next_occurrence(*done.recurrence, *done.due_date))}};
        if (done.parent_id) {
            body["parent_id"] = *done.parent_id;
        }
        // Keeps the original creator, so the same people see it; the parent was
        // valid for the completed task, whoever completes it.
        Task next;
        insert_new(tx, Viewer{done.creator_id, true}, done.creator_id, next, body, actor);
    };
    return commit_change(caller, id, actor, mark_done, {.after = create_next});
}

void TaskService::remove(const sdk::Caller& caller, std::int64_t id, const sdk::Actor& actor) {
    auto tx = database_.begin();
    store_.lock_dependency_graph(tx->sql());  // no dependency on it may appear meanwhile
    auto task = store_.find(tx->sql(), id, viewer_of(caller));
    if (!task) {
        throw not_found();
    }
    if (!caller.is_admin() && task->creator_id != caller.user_id) {
        throw sdk::ApiError::forbidden("only the creator or an administrator may delete this task");
    }
    if (store_.count_children(tx->sql(), id) > 0) {
        throw sdk::ApiError::conflict("has_subtasks", "delete or move the subtasks first");
    }
    if (store_.count_dependents(tx->sql(), id) > 0) {
        throw sdk::ApiError::conflict("has_dependents", "other tasks depend on this task; remove those dependencies first");
    }
    store_.remove(tx->sql(), id);
    tx->publish("task.deleted", actor, {{"task", to_json(*task)}});
    tx->commit();
}

Comment TaskService::add_comment(const sdk::Caller& caller, std::int64_t task_id, const nlohmann::json& body,
                                 const sdk::Actor& actor) {
    if (!body.is_object() || !body.contains("body") || !body["body"].is_string()) {
        throw sdk::ApiError::validation({{"body", "required, a string"}});
    }
    Comment comment;
    comment.task_id = task_id;
    comment.author_id = caller.user_id;
    comment.body = trim(body["body"].get<std::string>());
    if (comment.body.empty() || utf8_length(comment.body) > 10000) {
        throw sdk::ApiError::validation({{"body", "must be 1 to 10000 characters after trimming"}});
    }
    comment.created_at = clock_();
    auto tx = database_.begin();
    const auto task = store_.find(tx->sql(), task_id, viewer_of(caller));
    if (!task) {
        throw not_found();
    }
    store_.insert_comment(tx->sql(), comment);
    store_.add_activity(tx->sql(), task_id, actor, "commented", std::nullopt, nullptr, to_json(comment),
                        comment.created_at);
    tx->publish("comment.created", actor, {{"comment", to_json(comment)}, {"task", to_json(*task)}});
    tx->commit();
    return comment;
}

std::pair<std::vector<Comment>, std::int64_t> TaskService::comments(const sdk::Caller& caller, std::int64_t task_id,
                                                                    int page, int per_page) {
    auto session = database_.session();
    if (!store_.find(session->sql(), task_id, viewer_of(caller))) {
        throw not_found();
    }
    return {store_.comments(session->sql(), task_id, page, per_page), store_.count_comments(session->sql(), task_id)};
}

std::vector<Activity> TaskService::activity(const sdk::Caller& caller, std::int64_t id) {
    auto session = database_.session();
    if (!store_.find(session->sql(), id, viewer_of(caller))) {
        throw not_found();
    }
    return store_.activity(session->sql(), id);
}


std::pair<Task, bool> TaskService::add_dependency(const sdk::Caller& caller, std::int64_t id,
                                                  const nlohmann::json& body, const sdk::Actor& actor) {
    if (!body.is_object() || !body.contains("depends_on_id") || !body["depends_on_id"].is_number_integer() ||
        body["depends_on_id"].get<std::int64_t>() <= 0) {
        throw sdk::ApiError::validation({{"depends_on_id", "required: the id of a task"}});
    }
    const auto depends_on_id = body["depends_on_id"].get<std::int64_t>();
    bool added = false;
    auto task = commit_change(
        caller, id, actor,
        [&](soci::session& sql, Task& task) {
            const auto other = store_.find(sql, depends_on_id, viewer_of(caller));
            if (!other) {
                throw sdk::ApiError::validation({{"depends_on_id", "no such task"}});
            }
            if (std::find(task.depends_on.begin(), task.depends_on.end(), depends_on_id) != task.depends_on.end()) {
                return std::string("task.updated");  // already there: no change, no event
            }
            if (store_.depends_transitively(sql, depends_on_id, task.id)) {
                throw sdk::ApiError::conflict("dependency_cycle", "task " + std::to_string(depends_on_id) +
                                                                      " already depends on task " +
                                                                      std::to_string(task.id) +
                                                                      " (directly or through other tasks)");
            }
            store_.add_dependency(sql, task.id, depends_on_id, clock_());
            insert_sorted(task.depends_on, depends_on_id);
            if (!other->completed_at) {
                insert_sorted(task.blocked_by, depends_on_id);
            }
            added = true;
            return std::string("task.updated");
        },
        {.locks_dependencies = true});
    return {task, added};
}

Task TaskService::remove_dependency(const sdk::Caller& caller, std::int64_t id, std::int64_t depends_on_id,
                                    const sdk::Actor& actor) {
    return commit_change(caller, id, actor, [&](soci::session& sql, Task& task) {
        if (!store_.remove_dependency(sql, task.id, depends_on_id)) {
            throw sdk::ApiError::not_found("dependency not found");
        }
        erase_id(task.depends_on, depends_on_id);
        erase_id(task.blocked_by, depends_on_id);
        return std::string("task.updated");
    });
}

}  // namespace tasklane::tasks
