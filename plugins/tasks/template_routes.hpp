#pragma once
// HTTP <-> TemplateService and TaskService::instantiate for /api/v1/templates.
#include "task_service.hpp"
#include "template_service.hpp"

#include <tasklane/sdk/http.hpp>

namespace tasklane::tasks {

void register_template_routes(sdk::Routes& routes, TemplateService& templates, TaskService& tasks);

}  // namespace tasklane::tasks
