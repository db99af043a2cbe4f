#include "route_helpers.hpp"

#include <charconv>

namespace tasklane::tasks {

using sdk::Request;
using sdk::Response;

std::optional<std::int64_t> parse_int(const std::string& text) {
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return n;
}

std::int64_t path_id(const Request& req, const std::string& name, const std::string& not_found_message) {
    const auto id = parse_int(req.param(name));
    if (!id || *id <= 0) {
        throw sdk::ApiError::not_found(not_found_message);
    }
    return *id;
}

sdk::ApiError bad_query(const std::string& name, const std::string& expected) {
    return sdk::ApiError(400, "bad_request", "query parameter " + name + " must be " + expected);
}

std::optional<std::int64_t> int_query(const Request& req, const std::string& name, std::int64_t min, std::int64_t max) {
    const auto v = req.query_param(name);
    if (!v) {
        return std::nullopt;
    }
    const auto n = parse_int(*v);
    if (!n || *n < min || *n > max) {
        throw bad_query(name, "an integer from " + std::to_string(min) + " to " + std::to_string(max));
    }
    return n;
}

Response task_response(int status, const Task& task) {
    auto r = Response::json(status, to_json(task));
    r.headers["ETag"] = "\"" + std::to_string(task.version) + "\"";
    return r;
}

nlohmann::json object_body(const Request& req) {
    const auto body = req.json();
    if (!body.is_object()) {
        throw sdk::ApiError::bad_request("the body must be a JSON object");
    }
    return body;
}

sdk::Actor actor_of(const Request& req) { return sdk::Actor::user(req.require_caller().user_id); }

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
