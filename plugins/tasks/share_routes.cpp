#include "share_routes.hpp"

#include "route_helpers.hpp"

namespace tasklane::tasks {

using sdk::Access;
using sdk::Request;
using sdk::Response;

void register_share_routes(sdk::Routes& routes, ShareService& shares) {
    const std::vector<std::string> tags = {"shares"};
    const nlohmann::json scope_schema = {
        {"type", "object"},
        {"description", "exactly one of tag, assignee_id, task_ids"},
        {"properties",
         {{"tag", {{"type", "string"}}},
          {"assignee_id", {{"type", "integer"}}},
          {"task_ids", {{"type", "array"}, {"items", {{"type", "integer"}}}, {"maxItems", 500}}}}}};
    routes.add({.method = "POST", .path = "/api/v1/shares", .access = Access::Authenticated,
                .summary = "Create a read-only share link of a scope of tasks; the token is in this answer only",
                .tags = tags,
                .request_schema = {{"type", "object"},
                                   {"required", {"scope"}},
                                   {"properties",
                                    {{"scope", scope_schema},
                                     {"expires_at", {{"type", "string"}, {"format", "date-time"}}},
                                     {"include_comments", {{"type", "boolean"}}}}}},
                .success_status = 201},
               [&shares](const Request& req) {
                   const auto created = shares.create(req.require_caller(), object_body(req));
                   auto body = to_json(created.share);
                   body["token"] = created.token;
                   body["url"] = "/public/shares/" + created.token;
                   auto r = Response::json(201, body);
                   r.headers["Location"] = "/api/v1/shares/" + std::to_string(created.share.id);
                   return r;
               });
    routes.add({.method = "GET", .path = "/api/v1/shares", .access = Access::Authenticated,
                .summary = "Your share links (an administrator's: everyone's), newest first, without tokens",
                .tags = tags},
               [&shares](const Request& req) {
                   nlohmann::json items = nlohmann::json::array();
                   for (const auto& s : shares.list(req.require_caller())) {
                       items.push_back(to_json(s));
                   }
                   return Response::json(200, {{"items", items}});
               });
    routes.add({.method = "DELETE", .path = "/api/v1/shares/{id}", .access = Access::Authenticated,
                .summary = "Revoke a share link (its creator or an administrator)", .tags = tags,
                .success_status = 204},
               [&shares](const Request& req) {
                   shares.revoke(req.require_caller(), path_id(req, "id", "share not found"));
                   return Response::no_content();
               });
    routes.add({.method = "GET", .path = "/public/shares/{token}", .access = Access::Public,
                .summary = "The read-only board of a share link: one column per status, cards without people; 404 "
                           "once it is revoked or expired",
                .tags = tags},
               [&shares](const Request& req) {
                   const auto limit = static_cast<int>(int_query(req, "limit", 1, 200).value_or(50));
                   auto r = Response::json(200, shares.public_board(req.param("token"), limit));
                   r.headers["Cache-Control"] = "no-store";
                   return r;
               });
}

}  // namespace tasklane::tasks
