#pragma once
// HTTP <-> NotificationService for DESIGN.md section 10.
#include "notification_service.hpp"

#include <tasklane/sdk/http.hpp>

namespace tasklane::notifications {

void register_notification_routes(sdk::Routes& routes, NotificationService& service);

}  // namespace tasklane::notifications
