#pragma once
// What every first-party plugin's routes read from a request: ids from the
// path, integers from the query, the caller as the actor of a change.
#include <tasklane/sdk/errors.hpp>
#include <tasklane/sdk/events.hpp>
#include <tasklane/sdk/http.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tasklane::params {

// The whole of `text` as a decimal integer, or nullopt.
std::optional<std::int64_t> parse_int(std::string_view text);
// A positive id from the path parameter `name`; anything else names nothing:
// 404 with `not_found_message`.
std::int64_t path_id(const sdk::Request& req, const std::string& name, const std::string& not_found_message);
// 400: "query parameter <name> must be <expected>".
sdk::ApiError bad_query(const std::string& name, const std::string& expected);
// An optional integer query parameter within [min, max]; 400 otherwise.
std::optional<std::int64_t> int_query(const sdk::Request& req, const std::string& name, std::int64_t min,
                                      std::int64_t max);
// An optional boolean query parameter: absent, false or 0 is false; true or
// 1 is true; anything else 400.
bool bool_query(const sdk::Request& req, const std::string& name);
// The JSON body, which must be an object (400), of a JSON type (415).
nlohmann::json object_body(const sdk::Request& req);
// The authenticated caller as the actor of the change it asks for.
sdk::Actor actor_of(const sdk::Request& req);

}  // namespace tasklane::params
