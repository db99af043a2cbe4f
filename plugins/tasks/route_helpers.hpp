#pragma once
// What the task and template routes share: the request helpers of every
// plugin (plugins/common), the task response and its schema.
#include "request_params.hpp"
#include "task.hpp"

#include <tasklane/sdk/events.hpp>
#include <tasklane/sdk/http.hpp>

#include <optional>
#include <string>

namespace tasklane::tasks {

// Ids from the path, query integers and flags, object bodies, the caller as actor.
using params::actor_of;
using params::bad_query;
using params::bool_query;
using params::int_query;
using params::object_body;
using params::parse_int;
using params::path_id;

// The task with its version as ETag.
sdk::Response task_response(int status, const Task& task);
const nlohmann::json& task_schema();

}  // namespace tasklane::tasks
