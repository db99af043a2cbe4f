#include "rule_routes.hpp"

#include <charconv>

namespace tasklane::rules {

namespace {

using sdk::Access;
using sdk::Request;
using sdk::Response;

std::int64_t rule_id(const Request& req) {
    const auto& text = req.param("id");
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || end != text.data() + text.size() || id < 1) {
        throw sdk::ApiError::not_found("rule not found");
    }
    return id;
}

int int_query(const Request& req, const std::string& name, int fallback, int min, int max) {
    const auto v = req.query_param(name);
    if (!v) {
        return fallback;
    }
    int n = 0;
    const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc() || end != v->data() + v->size() || n < min || n > max) {
        throw sdk::ApiError::bad_request("query parameter '" + name + "' must be an integer from " +
                                         std::to_string(min) + " to " + std::to_string(max));
    }
    return n;
}

nlohmann::json object_body(const Request& req) {
    auto body = req.json();
    if (!body.is_object()) {
        throw sdk::ApiError::bad_request("the body must be a JSON object");
    }
    return body;
}

Response dry_run_response(const DryRun& run) {
    nlohmann::json body = {{"matched", run.matched},
                           {"actions", run.actions},
                           {"logs", run.logs},
                           {"duration_us", run.duration_us},
                           {"outcome", run.outcome},
                           {"error", run.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(run.error)}};
    return Response::json(200, body);
}

const nlohmann::json& rule_schema() {
    static const nlohmann::json schema = {
        {"type", "object"},
        {"properties",
         {{"id", {{"type", "integer"}}},
          {"name", {{"type", "string"}}},
          {"source", {{"type", "string"}}},
          {"enabled", {{"type", "boolean"}}},
          {"origin", {{"type", "string"}, {"enum", {"api", "file"}}}},
          {"on", {{"type", "array"}, {"items", {{"type", "string"}}}}},
          {"schedule", {{"type", "string"}, {"nullable", true}}},
          {"error", {{"type", "string"}, {"nullable", true}}}}}};
    return schema;
}

const nlohmann::json& dry_run_schema() {
    static const nlohmann::json schema = {{"type", "object"},
                                          {"properties",
                                           {{"matched", {{"type", "boolean"}}},
                                            {"actions", {{"type", "array"}}},
                                            {"logs", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                                            {"duration_us", {{"type", "integer"}}}}}};
    return schema;
}

}  // namespace

void register_rule_routes(sdk::Routes& routes, RuleEngine& engine) {
    const std::vector<std::string> tags = {"rules"};
    const nlohmann::json write_schema = {{"type", "object"},
                                         {"required", {"source"}},
                                         {"properties",
                                          {{"name", {{"type", "string"}}},
                                           {"source", {{"type", "string"}}},
                                           {"enabled", {{"type", "boolean"}}}}}};
    const nlohmann::json event_schema = {{"type", "object"},
                                         {"required", {"event"}},
                                         {"properties",
                                          {{"source", {{"type", "string"}}},
                                           {"event", {{"type", "object"},
                                                      {"properties",
                                                       {{"type", {{"type", "string"}}}, {"data", {{"type", "object"}}}}}}}}}};
    routes.add({.method = "GET", .path = "/api/v1/rules", .access = Access::Admin,
                .summary = "Every rule (API and rules.dir files), with what it listens to and any compile error",
                .tags = tags, .response_schema = rule_schema()},
               [&engine](const Request& req) {
                   return Response::json(200, engine.list(int_query(req, "page", 1, 1, 1000000),
                                                          int_query(req, "per_page", 20, 1, 100)));
               });
    routes.add({.method = "POST", .path = "/api/v1/rules", .access = Access::Admin,
                .summary = "Create a rule {source, enabled}; a source that does not compile is 422 with its Lua line",
                .tags = tags, .request_schema = write_schema, .response_schema = rule_schema(), .success_status = 201},
               [&engine](const Request& req) {
                   return Response::json(201, engine.create(req.require_caller(), object_body(req)));
               });
    routes.add({.method = "GET", .path = "/api/v1/rules/{id}", .access = Access::Admin, .summary = "One rule",
                .tags = tags, .response_schema = rule_schema()},
               [&engine](const Request& req) { return Response::json(200, engine.get(rule_id(req))); });
    routes.add({.method = "PUT", .path = "/api/v1/rules/{id}", .access = Access::Admin,
                .summary = "Change source and/or enabled (file rules: enabled only)", .tags = tags,
                .request_schema = write_schema, .response_schema = rule_schema()},
               [&engine](const Request& req) {
                   return Response::json(200, engine.update(req.require_caller(), rule_id(req), object_body(req)));
               });
    routes.add({.method = "DELETE", .path = "/api/v1/rules/{id}", .access = Access::Admin,
                .summary = "Delete an API rule and its run log", .tags = tags, .success_status = 204},
               [&engine](const Request& req) {
                   engine.remove(rule_id(req));
                   return Response::no_content();
               });
    routes.add({.method = "GET", .path = "/api/v1/rules/{id}/runs", .access = Access::Admin,
                .summary = "The rule's run log, newest first: event, outcome, error, duration, actions, logs",
                .tags = tags},
               [&engine](const Request& req) {
                   return Response::json(200, engine.runs(rule_id(req), int_query(req, "page", 1, 1, 1000000),
                                                          int_query(req, "per_page", 20, 1, 100)));
               });
    routes.add({.method = "POST", .path = "/api/v1/rules/test", .access = Access::Admin,
                .summary = "Dry run {source, event}: what the rule would do, with no side effects",
                .tags = tags, .request_schema = event_schema, .response_schema = dry_run_schema()},
               [&engine](const Request& req) {
                   const auto body = object_body(req);
                   if (!body.contains("source") || !body["source"].is_string()) {
                       throw sdk::ApiError::validation({{"source", "required: the rule's Lua source"}});
                   }
                   return dry_run_response(engine.test(req.require_caller(), body["source"].get<std::string>(),
                                                       body.value("event", nlohmann::json())));
               });
    routes.add({.method = "POST", .path = "/api/v1/rules/{id}/test", .access = Access::Admin,
                .summary = "Dry run of a stored rule against {event}", .tags = tags, .request_schema = event_schema,
                .response_schema = dry_run_schema()},
               [&engine](const Request& req) {
                   const auto body = object_body(req);
                   return dry_run_response(
                       engine.test_rule(req.require_caller(), rule_id(req), body.value("event", nlohmann::json())));
               });
}

}  // namespace tasklane::rules
