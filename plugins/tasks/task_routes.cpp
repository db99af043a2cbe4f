#include "task_routes.hpp"

#include "route_helpers.hpp"

#include <algorithm>

namespace tasklane::tasks {

namespace {

using sdk::Access;
using sdk::Request;
using sdk::Response;

std::int64_t task_id(const Request& req) { return path_id(req, "id", "task not found"); }

std::optional<std::int64_t> time_query(const Request& req, const std::string& name) {
    const auto v = req.query_param(name);
    if (!v) {
        return std::nullopt;
    }
    const auto t = parse_timestamp(*v);
    if (!t) {
        throw bad_query(name, "an ISO 8601 time or date");
    }
    return t;
}

Response page_response(const TaskPage& page, const TaskFilter& f) { return Response::json(200, to_json(page, f)); }

// Every workflow status and priority appears (0 when none), in their order;
// days without completions too, so a client draws the series as it comes.
nlohmann::json dashboard_json(const TaskService::Dashboard& d, const Workflow& workflow) {
    const auto count_in = [](const std::vector<std::pair<std::string, std::int64_t>>& counts, const std::string& key) {
        for (const auto& [k, n] : counts) {
            if (k == key) {
                return n;
            }
        }
        return std::int64_t{0};
    };
    nlohmann::json by_status = nlohmann::json::array();
    for (const auto& status : workflow.statuses()) {
        by_status.push_back({{"status", status}, {"count", count_in(d.counts.by_status, status)}});
    }
    for (const auto& [status, n] : d.counts.by_status) {
        if (!workflow.has(status)) {  // a status the workflow no longer lists still holds tasks
            by_status.push_back({{"status", status}, {"count", n}});
        }
    }
    nlohmann::json by_priority = nlohmann::json::array();
    for (const std::string priority : {"urgent", "high", "medium", "low"}) {
        by_priority.push_back({{"priority", priority}, {"count", count_in(d.counts.by_priority, priority)}});
    }
    auto assignees = d.counts.by_assignee;
    std::stable_sort(assignees.begin(), assignees.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    nlohmann::json by_assignee = nlohmann::json::array();
    for (const auto& [id, n] : assignees) {
        by_assignee.push_back({{"assignee_id", id ? nlohmann::json(*id) : nlohmann::json()}, {"count", n}});
    }
    nlohmann::json per_day = nlohmann::json::array();
    for (int i = 0; i < d.days; ++i) {
        const auto day = d.first_day + i;
        std::int64_t n = 0;
        for (const auto& [k, count] : d.counts.completed_by_day) {
            n += k == day ? count : 0;
        }
        per_day.push_back({{"date", sdk::iso8601_utc(day * 86400000).substr(0, 10)}, {"count", n}});
    }
    nlohmann::json overdue = nlohmann::json::array();
    for (const auto& t : d.overdue.items) {
        overdue.push_back(to_json(t));
    }
    return {{"total", d.counts.total},
            {"by_status", by_status},
            {"by_priority", by_priority},
            {"by_assignee", by_assignee},
            {"overdue", {{"total", d.overdue.total}, {"items", overdue}}},
            {"completed_per_day", per_day},
            {"generated_at", sdk::iso8601_utc(d.now)}};
}

// If-Match: "3", W/"3" or 3; "*" means any version. Anything else can never
// match a version, so it is stale by definition (412).
std::optional<std::int64_t> if_match(const Request& req) {
    auto v = req.header("If-Match");
    if (!v) {
        return std::nullopt;
    }
    std::string text = *v;
    if (text == "*") {
        return std::nullopt;
    }
    if (text.rfind("W/", 0) == 0) {
        text = text.substr(2);
    }
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
        text = text.substr(1, text.size() - 2);
    }
    return parse_int(text).value_or(-1);
}

}  // namespace

nlohmann::json to_json(const TaskPage& page, const TaskFilter& f) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& t : page.items) {
        items.push_back(to_json(t));
    }
    return {{"items", items}, {"total", page.total}, {"page", f.page}, {"per_page", f.per_page}};
}

TaskFilter filter_from(const sdk::Request& req, const Workflow& workflow) {
    TaskFilter f;
    f.status = req.query_param("status");
    if (f.status && !workflow.has(*f.status)) {
        throw bad_query("status", "one of the workflow's statuses");
    }
    f.priority = req.query_param("priority");
    if (f.priority && !is_priority(*f.priority)) {
        throw bad_query("priority", "low, medium, high or urgent");
    }
    f.tag = req.query_param("tag");
    f.query = req.query_param("q");
    f.assignee_id = int_query(req, "assignee_id", 1, INT64_MAX);
    f.creator_id = int_query(req, "creator_id", 1, INT64_MAX);
    f.parent_id = int_query(req, "parent_id", 1, INT64_MAX);
    f.due_before = time_query(req, "due_before");
    f.due_after = time_query(req, "due_after");
    if (auto sort = req.query_param("sort")) {
        const std::string key = !sort->empty() && (*sort)[0] == '-' ? sort->substr(1) : *sort;
        if (key != "created_at" && key != "due_date" && key != "priority" && key != "updated_at" &&
            key != "position" && key != "relevance") {
            throw bad_query("sort", "created_at, due_date, priority, updated_at, position or relevance, optionally "
                                    "prefixed with '-'");
        }
        f.sort = *sort;
    }
    f.page = static_cast<int>(int_query(req, "page", 1, 1000000).value_or(1));
    f.per_page = static_cast<int>(int_query(req, "per_page", 1, 100).value_or(20));
    return f;
}


void register_task_routes(sdk::Routes& routes, TaskService& service) {
    const std::vector<std::string> tags = {"tasks"};
    routes.add({.method = "POST", .path = "/api/v1/tasks", .access = Access::Authenticated, .summary = "Create a task",
                .tags = tags, .request_schema = task_schema(), .response_schema = task_schema(), .success_status = 201},
               [&service](const Request& req) {
                   const auto task = service.create(req.require_caller(), object_body(req), actor_of(req));
                   auto r = task_response(201, task);
                   r.headers["Location"] = "/api/v1/tasks/" + std::to_string(task.id);
                   return r;
               });
    routes.add({.method = "GET", .path = "/api/v1/tasks", .access = Access::Authenticated,
                .summary = "List visible tasks (filters, sort, pagination)", .tags = tags},
               [&service](const Request& req) {
                   const auto f = filter_from(req, service.workflow());
                   return page_response(service.list(req.require_caller(), f), f);
               });
    routes.add({.method = "GET", .path = "/api/v1/dashboard", .access = Access::Authenticated,
                .summary = "Counts by status, priority and assignee, overdue tasks and completions per day over the "
                           "last 30 days, of the tasks the caller may see",
                .tags = tags},
               [&service](const Request& req) {
                   return Response::json(200, dashboard_json(service.dashboard(req.require_caller(), 30, 20),
                                                             service.workflow()));
               });
    routes.add({.method = "GET", .path = "/api/v1/board", .access = Access::Authenticated,
                .summary = "One column per workflow status in workflow order, each {status, tasks, total}: the first "
                           "`limit` (default 50, at most 200) visible tasks by position; filters assignee_id, tag, "
                           "priority, q",
                .tags = tags},
               [&service](const Request& req) {
                   auto f = filter_from(req, service.workflow());
                   if (req.query_param("status") || req.query_param("sort") || req.query_param("page") ||
                       req.query_param("per_page")) {
                       throw sdk::ApiError::bad_request(
                           "the board has a column per status, ordered by position: use limit, not status, sort, "
                           "page or per_page");
                   }
                   const auto limit = static_cast<int>(int_query(req, "limit", 1, 200).value_or(50));
                   return Response::json(200, board_json(service.board(viewer_of(req.require_caller()), f, limit),
                                                         [](const Task& t) { return to_json(t); }));
               });
    routes.add({.method = "GET", .path = "/api/v1/tasks/search", .access = Access::Authenticated,
                .summary = "Full-text search of visible tasks: every word of q, as a prefix, in title or description; "
                           "best match first unless sort is given",
                .tags = tags},
               [&service](const Request& req) {
                   auto f = filter_from(req, service.workflow());
                   if (!f.query || f.query->empty()) {
                       throw bad_query("q", "a non-empty search text");
                   }
                   if (!req.query_param("sort")) {
                       f.sort = "relevance";
                   }
                   return page_response(service.list(req.require_caller(), f), f);
               });
    routes.add({.method = "GET", .path = "/api/v1/tasks/{id}", .access = Access::Authenticated,
                .summary = "One task (ETag: its version)", .tags = tags, .response_schema = task_schema()},
               [&service](const Request& req) { return task_response(200, service.get(req.require_caller(), task_id(req))); });
    for (const char* method : {"PUT", "PATCH"}) {
        routes.add({.method = method, .path = "/api/v1/tasks/{id}", .access = Access::Authenticated,
                    .summary = "Partial update; If-Match: \"<version>\" makes it conditional (412 when stale)",
                    .tags = tags, .request_schema = task_schema(), .response_schema = task_schema()},
                   [&service](const Request& req) {
                       return task_response(200, service.update(req.require_caller(), task_id(req), object_body(req),
                                                                if_match(req), actor_of(req)));
                   });
    }
    routes.add({.method = "DELETE", .path = "/api/v1/tasks/{id}", .access = Access::Authenticated,
                .summary = "Delete (creator or admin; 409 while it has subtasks or other tasks depend on it)", .tags = tags, .success_status = 204},
               [&service](const Request& req) {
                   service.remove(req.require_caller(), task_id(req), actor_of(req));
                   return Response::no_content();
               });
    routes.add({.method = "POST", .path = "/api/v1/tasks/{id}/assign", .access = Access::Authenticated,
                .summary = "Assign ({assignee_id}) or unassign ({assignee_id: null})", .tags = tags,
                .request_schema = {{"type", "object"},
                                   {"required", {"assignee_id"}},
                                   {"properties", {{"assignee_id", {{"type", "integer"}, {"nullable", true}}}}}},
                .response_schema = task_schema()},
               [&service](const Request& req) {
                   const auto body = object_body(req);
                   if (!body.contains("assignee_id") ||
                       !(body["assignee_id"].is_null() ||
                         (body["assignee_id"].is_number_integer() && body["assignee_id"].get<std::int64_t>() > 0))) {
                       throw sdk::ApiError::validation({{"assignee_id", "required: a user id or null"}});
                   }
                   std::optional<std::int64_t> assignee;
                   if (!body["assignee_id"].is_null()) {
                       assignee = body["assignee_id"].get<std::int64_t>();
                   }
                   return task_response(200, service.assign(req.require_caller(), task_id(req), assignee, actor_of(req)));
               });
    routes.add({.method = "POST", .path = "/api/v1/tasks/{id}/complete", .access = Access::Authenticated,
                .summary = "Complete; a recurring task gets its next occurrence", .tags = tags,
                .response_schema = task_schema()},
               [&service](const Request& req) {
                   return task_response(200, service.complete(req.require_caller(), task_id(req), actor_of(req)));
               });
    routes.add({.method = "GET", .path = "/api/v1/tasks/{id}/subtasks", .access = Access::Authenticated,
                .summary = "Visible subtasks of a task", .tags = tags},
               [&service](const Request& req) {
                   const auto& caller = req.require_caller();
                   const auto parent = service.get(caller, task_id(req));  // 404 when not visible
                   TaskFilter f = filter_from(req, service.workflow());
                   f.parent_id = parent.id;
                   return page_response(service.list(caller, f), f);
               });
    routes.add({.method = "POST", .path = "/api/v1/tasks/{id}/dependencies", .access = Access::Authenticated,
                .summary = "Make the task wait for another ({depends_on_id}); 409 dependency_cycle", .tags = tags,
                .request_schema = {{"type", "object"},
                                   {"required", {"depends_on_id"}},
                                   {"properties", {{"depends_on_id", {{"type", "integer"}}}}}},
                .response_schema = task_schema(),
                .success_status = 201},
               [&service](const Request& req) {
                   const auto [task, added] =
                       service.add_dependency(req.require_caller(), task_id(req), object_body(req), actor_of(req));
                   return task_response(added ? 201 : 200, task);
               });
    routes.add({.method = "DELETE", .path = "/api/v1/tasks/{id}/dependencies/{dep_id}",
                .access = Access::Authenticated, .summary = "Remove a dependency", .tags = tags,
                .success_status = 204},
               [&service](const Request& req) {
                   const auto dep = parse_int(req.param("dep_id"));
                   if (!dep || *dep <= 0) {
                       throw sdk::ApiError::not_found("dependency not found");
                   }
                   service.remove_dependency(req.require_caller(), task_id(req), *dep, actor_of(req));
                   return Response::no_content();
               });
    routes.add({.method = "GET", .path = "/api/v1/tasks/{id}/comments", .access = Access::Authenticated,
                .summary = "Comments of a visible task, oldest first (page, per_page)", .tags = tags},
               [&service](const Request& req) {
                   const int page = static_cast<int>(int_query(req, "page", 1, 1000000).value_or(1));
                   const int per_page = static_cast<int>(int_query(req, "per_page", 1, 100).value_or(20));
                   const auto [items, total] = service.comments(req.require_caller(), task_id(req), page, per_page);
                   nlohmann::json list = nlohmann::json::array();
                   for (const auto& c : items) {
                       list.push_back(to_json(c));
                   }
                   return Response::json(200, {{"items", list}, {"total", total}, {"page", page}, {"per_page", per_page}});
               });
    routes.add({.method = "POST", .path = "/api/v1/tasks/{id}/comments", .access = Access::Authenticated,
                .summary = "Comment on a visible task ({body})", .tags = tags,
                .request_schema = {{"type", "object"},
                                   {"required", {"body"}},
                                   {"properties", {{"body", {{"type", "string"}, {"minLength", 1}, {"maxLength", 10000}}}}}},
                .success_status = 201},
               [&service](const Request& req) {
                   const auto comment =
                       service.add_comment(req.require_caller(), task_id(req), object_body(req), actor_of(req));
                   return Response::json(201, to_json(comment));
               });
    routes.add({.method = "GET", .path = "/api/v1/tasks/{id}/activity", .access = Access::Authenticated,
                .summary = "Who changed what, old -> new, when, via a user or a rule", .tags = tags},
               [&service](const Request& req) {
                   nlohmann::json items = nlohmann::json::array();
                   for (const auto& a : service.activity(req.require_caller(), task_id(req))) {
                       items.push_back({{"id", a.id},
                                        {"action", a.action},
                                        {"field", a.field ? nlohmann::json(*a.field) : nlohmann::json()},
                                        {"old", a.old_value},
                                        {"new", a.new_value},
                                        {"via", {{"type", a.actor_type}, {"id", a.actor_id}}},
                                        {"at", sdk::iso8601_utc(a.created_at)}});
                   }
                   return Response::json(200, {{"items", items}});
               });
}

}  // namespace tasklane::tasks
