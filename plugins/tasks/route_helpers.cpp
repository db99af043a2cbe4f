#include "route_helpers.hpp"

namespace tasklane::tasks {

using sdk::Request;
using sdk::Response;

Response task_response(int status, const Task& task) {
    auto r = Response::json(status, to_json(task));
    r.headers["ETag"] = "\"" + std::to_string(task.version) + "\"";
    return r;
}



const nlohmann::json& task_schema() {
    static const nlohmann::json schema = {
    {"type", "object"},
    {"properties",
     {{"id", {{"type", "integer"}}},
      {"title", {{"type", "string"}, {"minLength", 1}, {"maxLength", 200}}},
      {"description", {{"type", "string"}, {"maxLength", 10000}}},
      {"status", {{"type", "string"}}},
      {"priority", {{"type", "string"}, {"enum", {"low", "medium", "high", "urgent"}}}},
      {"due_date", {{"type", "string"}, {"format", "date-time"}, {"nullable", true}}},
      {"creator_id", {{"type", "integer"}}},
      {"assignee_id", {{"type", "integer"}, {"nullable", true}}},
      {"parent_id", {{"type", "integer"}, {"nullable", true}}},
      {"tags", {{"type", "array"}, {"items", {{"type", "string"}}}}},
      {"recurrence", {{"type", "string"}, {"nullable", true}}},
      {"depends_on", {{"type", "array"}, {"items", {{"type", "integer"}}}}},
      {"blocked_by", {{"type", "array"}, {"items", {{"type", "integer"}}}}},
      {"created_at", {{"type", "string"}, {"format", "date-time"}}},
      {"updated_at", {{"type", "string"}, {"format", "date-time"}}},
      {"completed_at", {{"type", "string"}, {"format", "date-time"}, {"nullable", true}}},
      {"version", {{"type", "integer"}}}}}};
    return schema;
}

}  // namespace tasklane::tasks
