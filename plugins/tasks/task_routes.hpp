#pragma once
// HTTP <-> TaskService for the task endpoints of DESIGN.md section 5.
#include "task_service.hpp"

#include <tasklane/sdk/http.hpp>

namespace tasklane::tasks {

void register_task_routes(sdk::Routes& routes, TaskService& service);

}  // namespace tasklane::tasks
