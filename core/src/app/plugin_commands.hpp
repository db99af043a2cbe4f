#pragma once
// Subcommands that plugins add to the `tasklane` executable (sdk::Command).
#include "app.hpp"

#include <string>
#include <vector>

namespace tasklane::core {

// Finds the plugin command whose words start `args` (longest match) and runs
// it with a host that has the database but no HTTP server or dispatcher.
// Returns std::nullopt when no plugin offers such a command.
std::optional<int> run_plugin_command(Configuration& configuration, const std::vector<std::string>& args);

// "  user create --username U ...   summary" lines for the usage text.
std::string plugin_commands_usage(const Configuration& configuration);

}  // namespace tasklane::core
