#pragma once
// HTTP <-> ShareService: /api/v1/shares and the public /public/shares/{token}.
#include "share_service.hpp"

#include <tasklane/sdk/http.hpp>

namespace tasklane::tasks {

void register_share_routes(sdk::Routes& routes, ShareService& shares);

}  // namespace tasklane::tasks
