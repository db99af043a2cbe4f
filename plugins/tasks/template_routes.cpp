#include "template_routes.hpp"

#include "route_helpers.hpp"

namespace tasklane::tasks {

namespace {

using sdk::Access;
using sdk::Request;
using sdk::Response;

std::int64_t template_id(const Request& req) { return path_id(req, "id", "template not found"); }

const nlohmann::json& template_schema() {
    static const nlohmann::json item = {
        {"type", "object"},
        {"required", {"title"}},
        {"properties",
         {{"title", {{"type", "string"}, {"minLength", 1}, {"maxLength", 200}}},
          {"description", {{"type", "string"}, {"maxLength", 10000}}},
          {"priority", {{"type", "string"}, {"enum", {"low", "medium", "high", "urgent"}}}},
          {"tags", {{"type", "array"}, {"items", {{"type", "string"}}}}},
          {"recurrence", {{"type", "string"}, {"nullable", true}}},
          {"assignee_id", {{"type", "integer"}, {"nullable", true}}},
          {"due_in_days", {{"type", "integer"}, {"minimum", 0}, {"maximum", 3650}, {"nullable", true}}}}}};
    static const nlohmann::json schema = {
        {"type", "object"},
        {"properties",
         {{"id", {{"type", "integer"}}},
          {"name", {{"type", "string"}, {"minLength", 1}, {"maxLength", 100}}},
          {"description", {{"type", "string"}, {"maxLength", 10000}}},
          {"task", item},
          {"subtasks", {{"type", "array"}, {"maxItems", 50}, {"items", item}}},
          {"creator_id", {{"type", "integer"}}},
          {"created_at", {{"type", "string"}, {"format", "date-time"}}},
          {"updated_at", {{"type", "string"}, {"format", "date-time"}}}}}};
    return schema;
}

Response template_response(int status, const TaskTemplate& tmpl) { return Response::json(status, to_json(tmpl)); }

}  // namespace

void register_template_routes(sdk::Routes& routes, TemplateService& templates, TaskService& tasks) {
    const std::vector<std::string> tags = {"templates"};
    routes.add({.method = "POST", .path = "/api/v1/templates", .access = Access::Authenticated,
                .summary = "Create a template: a task and its subtasks to instantiate later", .tags = tags,
                .request_schema = template_schema(), .response_schema = template_schema(), .success_status = 201},
               [&templates](const Request& req) {
                   const auto tmpl = templates.create(req.require_caller(), object_body(req));
                   auto r = template_response(201, tmpl);
                   r.headers["Location"] = "/api/v1/templates/" + std::to_string(tmpl.id);
                   return r;
               });
    routes.add({.method = "GET", .path = "/api/v1/templates", .access = Access::Authenticated,
                .summary = "Every template, by name (page, per_page)", .tags = tags},
               [&templates](const Request& req) {
                   const int page = static_cast<int>(int_query(req, "page", 1, 1000000).value_or(1));
                   const int per_page = static_cast<int>(int_query(req, "per_page", 1, 100).value_or(20));
                   const auto [items, total] = templates.list(page, per_page);
                   nlohmann::json list = nlohmann::json::array();
                   for (const auto& t : items) {
                       list.push_back(to_json(t));
                   }
                   return Response::json(200, {{"items", list}, {"total", total}, {"page", page}, {"per_page", per_page}});
               });
    routes.add({.method = "GET", .path = "/api/v1/templates/{id}", .access = Access::Authenticated,
                .summary = "One template", .tags = tags, .response_schema = template_schema()},
               [&templates](const Request& req) { return template_response(200, templates.get(template_id(req))); });
    for (const char* method : {"PUT", "PATCH"}) {
        routes.add({.method = method, .path = "/api/v1/templates/{id}", .access = Access::Authenticated,
                    .summary = "Partial update (name, description, task, subtasks) by its creator or an admin",
                    .tags = tags, .request_schema = template_schema(), .response_schema = template_schema()},
                   [&templates](const Request& req) {
                       return template_response(
                           200, templates.update(req.require_caller(), template_id(req), object_body(req)));
                   });
    }
    routes.add({.method = "DELETE", .path = "/api/v1/templates/{id}", .access = Access::Authenticated,
                .summary = "Delete (its creator or an admin); tasks made from it stay", .tags = tags,
                .success_status = 204},
               [&templates](const Request& req) {
                   templates.remove(req.require_caller(), template_id(req));
                   return Response::no_content();
               });
    routes.add({.method = "POST", .path = "/api/v1/templates/{id}/instantiate", .access = Access::Authenticated,
                .summary = "Create the task and its subtasks in one transaction; optional {title, due_date, "
                           "assignee_id, parent_id} for the main task",
                .tags = tags,
                .request_schema = {{"type", "object"},
                                   {"properties",
                                    {{"title", {{"type", "string"}}},
                                     {"due_date", {{"type", "string"}, {"format", "date-time"}}},
                                     {"assignee_id", {{"type", "integer"}, {"nullable", true}}},
                                     {"parent_id", {{"type", "integer"}, {"nullable", true}}}}}},
                .response_schema = task_schema(),
                .success_status = 201},
               [&templates, &tasks](const Request& req) {
                   const auto tmpl = templates.get(template_id(req));
                   const auto overrides = req.body.empty() ? nlohmann::json::object() : object_body(req);
                   const auto instance = tasks.instantiate(req.require_caller(), tmpl, overrides, actor_of(req));
                   auto r = task_response(201, instance.task);
                   auto body = to_json(instance.task);
                   body["subtasks"] = nlohmann::json::array();
                   for (const auto& sub : instance.subtasks) {
                       body["subtasks"].push_back(to_json(sub));
                   }
                   r.body = body.dump();
                   r.headers["Location"] = "/api/v1/tasks/" + std::to_string(instance.task.id);
                   return r;
               });
}

}  // namespace tasklane::tasks
