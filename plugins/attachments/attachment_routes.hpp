#pragma once
// REST: POST/GET /api/v1/tasks/{id}/attachments, GET/DELETE /api/v1/attachments/{id}.
#include "attachment_service.hpp"

#include <tasklane/sdk/http.hpp>

namespace tasklane::attachments {

void register_attachment_routes(sdk::Routes& routes, AttachmentService& service);

}  // namespace tasklane::attachments
