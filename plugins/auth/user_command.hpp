#pragma once
// `tasklane user create [--admin] --username U --email E --password P`:
// the way to create the first administrator (no open endpoint can).
#include "auth_service.hpp"

#include <tasklane/sdk/plugin.hpp>

namespace tasklane::auth {

sdk::Command user_create_command();

// Shared with the plugin: config section -> service pieces.
AuthSettings settings_from(const nlohmann::json& config);
PasswordCost cost_from(const nlohmann::json& config);

}  // namespace tasklane::auth
