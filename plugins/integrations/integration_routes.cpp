#include "integration_routes.hpp"

#include "request_params.hpp"

namespace tasklane::integrations {

namespace {

using nlohmann::json;
using sdk::Access;
using sdk::Request;
using sdk::Response;

using params::int_query;
using params::object_body;
using params::path_id;

struct Page {
    std::int64_t page = 1;
    std::int64_t per_page = 20;
};
Page page_of(const Request& req) {
    return {int_query(req, "page", 1, 1'000'000).value_or(1), int_query(req, "per_page", 1, 100).value_or(20)};
}


const json& webhook_schema() {
    static const json schema = {
        {"type", "object"},
        {"properties",
         {{"id", {{"type", "integer"}}},
          {"url", {{"type", "string"}, {"format", "uri"}}},
          {"events", {{"type", "array"}, {"items", {{"type", "string"}}}}},
          {"secret", {{"type", "string"}, {"writeOnly", true}, {"minLength", 16}}},
          {"active", {{"type", "boolean"}}},
          {"has_secret", {{"type", "boolean"}, {"readOnly", true}}},
          {"created_at", {{"type", "string"}, {"format", "date-time"}}},
          {"updated_at", {{"type", "string"}, {"format", "date-time"}}}}}};
    return schema;
}

}  // namespace

void register_webhook_routes(sdk::Routes& routes, WebhookService& service) {
    const std::vector<std::string> tags = {"webhooks"};
    routes.add({.method = "POST", .path = "/api/v1/webhooks", .access = Access::Admin,
                .summary = "Create a webhook (the secret is returned this once)", .tags = tags,
                .request_schema = webhook_schema(), .response_schema = webhook_schema(), .success_status = 201},
               [&service](const Request& req) {
                   return Response::json(201, service.create(object_body(req), req.require_caller()));
               });
    routes.add({.method = "GET", .path = "/api/v1/webhooks", .access = Access::Admin, .summary = "List webhooks",
                .tags = tags},
               [&service](const Request& req) {
                   const auto p = page_of(req);
                   return Response::json(200, service.list(p.page, p.per_page));
               });
    routes.add({.method = "GET", .path = "/api/v1/webhooks/{id}", .access = Access::Admin,
                .summary = "One webhook (never its secret)", .tags = tags, .response_schema = webhook_schema()},
               [&service](const Request& req) {
                   return Response::json(200, service.get(path_id(req, "id", "webhook not found")));
               });
    for (const std::string method : {"PATCH", "PUT"}) {
        routes.add({.method = method, .path = "/api/v1/webhooks/{id}", .access = Access::Admin,
                    .summary = method == "PUT" ? "Replace a webhook (url and events required)" : "Change a webhook",
                    .tags = tags, .request_schema = webhook_schema(), .response_schema = webhook_schema()},
                   [&service, method](const Request& req) {
                       return Response::json(
                           200, service.update(path_id(req, "id", "webhook not found"), object_body(req), method == "PUT"));
                   });
    }
    routes.add({.method = "DELETE", .path = "/api/v1/webhooks/{id}", .access = Access::Admin,
                .summary = "Delete a webhook and its delivery log", .tags = tags, .success_status = 204},
               [&service](const Request& req) {
                   service.remove(path_id(req, "id", "webhook not found"));
                   return Response::no_content();
               });
    routes.add({.method = "GET", .path = "/api/v1/webhooks/{id}/deliveries", .access = Access::Admin,
                .summary = "Deliveries of a webhook, newest first, each with its attempts", .tags = tags},
               [&service](const Request& req) {
                   const auto id = path_id(req, "id", "webhook not found");
                   const auto p = page_of(req);
                   return Response::json(200, service.deliveries(id, p.page, p.per_page));
               });
    routes.add({.method = "POST", .path = "/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver",
                .access = Access::Admin, .summary = "Send a delivery again (same delivery id)", .tags = tags,
                .success_status = 202},
               [&service](const Request& req) {
                   return Response::json(
                       202, service.redeliver(path_id(req, "id", "webhook not found"), req.param("delivery_id")));
               });
}

void register_inbound_routes(sdk::Routes& routes, InboundService& service) {
    const std::vector<std::string> tags = {"integrations"};
    routes.add({.method = "POST", .path = "/api/v1/integrations/inbound-tokens", .access = Access::Admin,
                .summary = "Create an inbound token (token and secret are returned this once)", .tags = tags,
                .success_status = 201},
               [&service](const Request& req) {
                   return Response::json(201, service.create_token(object_body(req), req.require_caller()));
               });
    routes.add({.method = "GET", .path = "/api/v1/integrations/inbound-tokens", .access = Access::Admin,
                .summary = "List inbound tokens (without token or secret)", .tags = tags},
               [&service](const Request& req) {
                   const auto p = page_of(req);
                   return Response::json(200, service.list_tokens(p.page, p.per_page));
               });
    routes.add({.method = "DELETE", .path = "/api/v1/integrations/inbound-tokens/{id}", .access = Access::Admin,
                .summary = "Revoke an inbound token", .tags = tags, .success_status = 204},
               [&service](const Request& req) {
                   service.delete_token(path_id(req, "id", "inbound token not found"));
                   return Response::no_content();
               });
    // Public: the token in the path and the signature are the credentials.
    routes.add({.method = "POST", .path = "/api/v1/integrations/inbound/{token}", .access = Access::Public,
                .summary = "Create a task from a signed JSON payload", .tags = tags, .success_status = 201},
               [&service](const Request& req) {
                   return Response::json(201, service.receive(req.param("token"), req.header("X-Tasklane-Timestamp"),
                                                              req.header("X-Tasklane-Signature"), req.body,
                                                              [&req] { return req.json(); }));
               });
}

}  // namespace tasklane::integrations
