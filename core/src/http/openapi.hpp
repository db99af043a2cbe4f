#pragma once
// The OpenAPI 3.0 document, built from the routes the core and the plugins
// registered (so it cannot drift from what is served).
#include "route_table.hpp"

#include <nlohmann/json.hpp>

namespace tasklane::core {

nlohmann::json openapi_document(const RouteTable& routes, const std::string& version);

}  // namespace tasklane::core
