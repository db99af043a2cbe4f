#pragma once
// What the task and template routes share: ids from the path, query
// integers, bodies, the caller as actor, the task response and its schema.
#include "task.hpp"

#include <tasklane/sdk/events.hpp>
#include <tasklane/sdk/http.hpp>

#include <optional>
#include <string>

namespace tasklane::tasks {

std::optional<std::int64_t> parse_int(const std::string& text);
// A positive id from the path parameter `name`; 404 with the message otherwise.
std::int64_t path_id(const sdk::Request& req, const std::string& name, const std::string& not_found_message);
sdk::ApiError bad_query(const std::string& name, const std::string& expected);
// An optional integer query parameter within [min, max]; 400 otherwise.
std::optional<std::int64_t> int_query(const sdk::Request& req, const std::string& name, std::int64_t min,
                                      std::int64_t max);
// The JSON body, which must be an object (400), of a JSON type (415).
nlohmann::json object_body(const sdk::Request& req);
sdk::Actor actor_of(const sdk::Request& req);
// The task with its version as ETag.
sdk::Response task_response(int status, const Task& task);
const nlohmann::json& task_schema();

}  // namespace tasklane::tasks
