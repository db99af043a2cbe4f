#include "attachment_routes.hpp"

#include "download.hpp"
#include "request_params.hpp"

namespace tasklane::attachments {

namespace {

using sdk::Request;
using sdk::Response;

using params::actor_of;
using params::int_query;
using params::path_id;

nlohmann::json list_schema() {
    return {{"type", "object"},
            {"properties",
             {{"items", {{"type", "array"}, {"items", attachment_schema()}}},
              {"total", {{"type", "integer"}}},
              {"page", {{"type", "integer"}}},
              {"per_page", {{"type", "integer"}}}}}};
}

}  // namespace

void register_attachment_routes(sdk::Routes& routes, AttachmentService& service) {
    const std::vector<std::string> tags = {"attachments"};
    routes.add({.method = "POST",
                .path = "/api/v1/tasks/{id}/attachments",
                .access = sdk::Access::Authenticated,
                .summary = "Attaches a file to a task: multipart/form-data with one file part, or the raw body "
                           "with its Content-Type and ?filename=. 413 over attachments.max_bytes or the "
                           "uploader's quota, 415 for a type not in attachments.allowed_types",
                .tags = tags,
                .response_schema = attachment_schema(),
                .success_status = 201,
                .max_body_bytes = service.settings().request_body_limit()},
               [&service](const Request& req) {
                   const auto& caller = req.require_caller();
                   const auto task_id = path_id(req, "id", "task not found");
                   const auto attachment = service.upload(caller, task_id, upload_body(req), actor_of(req));
                   auto response = Response::json(201, to_json(attachment));
                   response.headers["Location"] = "/api/v1/attachments/" + std::to_string(attachment.id);
                   return response;
               });
    routes.add({.method = "GET",
                .path = "/api/v1/tasks/{id}/attachments",
                .access = sdk::Access::Authenticated,
                .summary = "The task's attachments, newest first (page, per_page)",
                .tags = tags,
                .response_schema = list_schema()},
               [&service](const Request& req) {
                   const auto& caller = req.require_caller();
                   const auto task_id = path_id(req, "id", "task not found");
                   const auto page = int_query(req, "page", 1, 1'000'000).value_or(1);
                   const auto per_page = int_query(req, "per_page", 1, 100).value_or(20);
                   const auto result = service.list(caller, task_id, page, per_page);
                   nlohmann::json items = nlohmann::json::array();
                   for (const auto& a : result.items) {
                       items.push_back(to_json(a));
                   }
                   return Response::json(
                       200, {{"items", items}, {"total", result.total}, {"page", page}, {"per_page", per_page}});
               });
    routes.add({.method = "GET",
                .path = "/api/v1/attachments/{id}",
                .access = sdk::Access::Authenticated,
                .summary = "Downloads an attachment: its bytes with the stored Content-Type, Content-Disposition: "
                           "attachment and ETag \"<sha256>\" (If-None-Match -> 304)",
                .tags = tags},
               [&service](const Request& req) {
                   const auto& caller = req.require_caller();
                   const auto found = service.find(caller, path_id(req, "id", "no such attachment"));
                   const auto if_none_match = req.header("If-None-Match");
                   if (if_none_match && if_none_match_hits(*if_none_match, etag_of(found.attachment))) {
                       return not_modified_response(found.attachment);
                   }
                   return download_response(found.attachment, service.content(found.attachment));
               });
    routes.add({.method = "DELETE",
                .path = "/api/v1/attachments/{id}",
                .access = sdk::Access::Authenticated,
                .summary = "Deletes an attachment (its uploader or an administrator)",
                .tags = tags,
                .success_status = 204},
               [&service](const Request& req) {
                   const auto& caller = req.require_caller();
                   service.remove(caller, path_id(req, "id", "no such attachment"), actor_of(req));
                   return Response::no_content();
               });
}

}  // namespace tasklane::attachments
