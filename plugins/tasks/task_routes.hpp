#pragma once
// HTTP <-> TaskService for the task endpoints of DESIGN.md section 5.
#include "task_service.hpp"

#include <tasklane/sdk/http.hpp>

namespace tasklane::tasks {

void register_task_routes(sdk::Routes& routes, TaskService& service);

// GET /api/v1/tasks' query parameters; 400 naming the one that is wrong.
TaskFilter filter_from(const sdk::Request& req, const Workflow& workflow);
// The list body: {items, total, page, per_page}.
nlohmann::json to_json(const TaskPage& page, const TaskFilter& filter);

}  // namespace tasklane::tasks
