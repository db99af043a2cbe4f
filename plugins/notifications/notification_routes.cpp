#include "notification_routes.hpp"

#include "request_params.hpp"

namespace tasklane::notifications {

namespace {

using sdk::Request;
using sdk::Response;

using params::bool_query;
using params::int_query;
using params::parse_int;

const nlohmann::json& notification_schema() {
    static const nlohmann::json schema = {
        {"type", "object"},
        {"properties",
         {{"id", {{"type", "integer"}}},
          {"type", {{"type", "string"}}},
          {"title", {{"type", "string"}}},
          {"body", {{"type", "string"}}},
          {"data", {{"type", "object"}}},
          {"read", {{"type", "boolean"}}},
          {"read_at", {{"type", "string"}, {"format", "date-time"}, {"nullable", true}}},
          {"created_at", {{"type", "string"}, {"format", "date-time"}}}}}};
    return schema;
}

const nlohmann::json& preferences_schema() {
    static const nlohmann::json schema = [] {
        nlohmann::json email = {{"type", "object"}, {"additionalProperties", false}, {"properties", nlohmann::json::object()}};
        for (const auto& [type, on] : EmailDefaults::all()) {
            email["properties"][type] = {{"type", "boolean"}, {"default", on}};
        }
        return nlohmann::json{{"type", "object"}, {"additionalProperties", false}, {"properties", {{"email", email}}}};
    }();
    return schema;
}

}  // namespace

void register_notification_routes(sdk::Routes& routes, NotificationService& service) {
    const std::vector<std::string> tags = {"notifications"};
    routes.add({.method = "GET",
                .path = "/api/v1/notifications",
                .access = sdk::Access::Authenticated,
                .summary = "The caller's notifications, newest first (?unread=true, page, per_page)",
                .tags = tags,
                .response_schema = {{"type", "object"},
                                    {"properties",
                                     {{"items", {{"type", "array"}, {"items", notification_schema()}}},
                                      {"total", {{"type", "integer"}}},
                                      {"page", {{"type", "integer"}}},
                                      {"per_page", {{"type", "integer"}}},
                                      {"unread_count", {{"type", "integer"}}}}}}},
               [&service](const Request& req) {
                   const auto& caller = req.require_caller();
                   const bool unread = bool_query(req, "unread");
                   const auto page = int_query(req, "page", 1, 1'000'000).value_or(1);
                   const auto per_page = int_query(req, "per_page", 1, 100).value_or(20);
                   const auto result = service.list(caller.user_id, unread, page, per_page);
                   nlohmann::json items = nlohmann::json::array();
                   for (const auto& n : result.items) {
                       items.push_back(to_json(n));
                   }
                   return Response::json(200, {{"items", items},
                                               {"total", result.total},
                                               {"page", page},
                                               {"per_page", per_page},
                                               {"unread_count", result.unread_count}});
               });
    routes.add({.method = "POST",
                .path = "/api/v1/notifications/{id}/read",
                .access = sdk::Access::Authenticated,
                .summary = "Marks one of the caller's notifications read",
                .tags = tags,
                .success_status = 204},
               [&service](const Request& req) {
                   const auto& caller = req.require_caller();
                   const auto id = parse_int(req.param("id"));
                   if (!id || *id <= 0) {
                       throw sdk::ApiError::not_found("no such notification");
                   }
                   service.mark_read(caller.user_id, *id);
                   return Response::no_content();
               });
    routes.add({.method = "POST",
                .path = "/api/v1/notifications/read-all",
                .access = sdk::Access::Authenticated,
                .summary = "Marks all the caller's notifications read",
                .tags = tags,
                .success_status = 204},
               [&service](const Request& req) {
                   service.mark_all_read(req.require_caller().user_id);
                   return Response::no_content();
               });
    routes.add({.method = "GET",
                .path = "/api/v1/notifications/preferences",
                .access = sdk::Access::Authenticated,
                .summary = "Which notification types also go by email",
                .tags = tags,
                .response_schema = preferences_schema()},
               [&service](const Request& req) {
                   return Response::json(200, service.preferences(req.require_caller().user_id));
               });
    routes.add({.method = "PUT",
                .path = "/api/v1/notifications/preferences",
                .access = sdk::Access::Authenticated,
                .summary = "Changes the given email preferences; the others keep their value",
                .tags = tags,
                .request_schema = preferences_schema(),
                .response_schema = preferences_schema()},
               [&service](const Request& req) {
                   const auto& caller = req.require_caller();
                   return Response::json(200, service.update_preferences(caller.user_id, req.json()));
               });
}

}  // namespace tasklane::notifications
