#pragma once
// HTTP <-> AuthService for the auth and users endpoints of DESIGN.md section 5.
#include "auth_service.hpp"

#include <tasklane/sdk/http.hpp>

namespace tasklane::auth {

void register_auth_routes(sdk::Routes& routes, AuthService& service);

// "Authorization: Bearer <token>" -> the token, or nullopt when absent.
std::optional<std::string> bearer_token(const sdk::Request& request);

}  // namespace tasklane::auth
