#pragma once
// HTTP <-> TaskService for GET /api/v1/tasks/export and POST /api/v1/tasks/import.
#include "task_service.hpp"

#include <tasklane/sdk/http.hpp>

namespace tasklane::tasks {

void register_transfer_routes(sdk::Routes& routes, TaskService& service);

}  // namespace tasklane::tasks
