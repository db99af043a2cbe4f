#pragma once
// Loads plugins through Boost.DLL: checks the SDK handshake before running
// any plugin code, creates the plugin, and orders plugins by what they
// require. Every refusal names the file and what was expected.
#include <tasklane/sdk/plugin.hpp>

#include <boost/dll/shared_library.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace tasklane::core {

class PluginLoadError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A plugin object and the library its code lives in. Member order matters:
// the plugin is destroyed before the library is unloaded.
struct LoadedPlugin {
    std::string file;
    boost::dll::shared_library library;
    std::unique_ptr<sdk::Plugin> plugin;
    sdk::PluginInfo info;

    LoadedPlugin() = default;
    LoadedPlugin(LoadedPlugin&&) = default;
    LoadedPlugin& operator=(LoadedPlugin&&) = default;
    ~LoadedPlugin() { plugin.reset(); }
};

// Loads <dir>/<name>.so for each name. Throws PluginLoadError naming the file
// for a missing file, a missing entry point, a version mismatch or a name
// that does not match the handshake.
std::vector<LoadedPlugin> load_plugins(const std::string& dir, const std::vector<std::string>& names);
LoadedPlugin load_plugin_file(const std::string& file, const std::string& expected_name);

// Orders plugins so each comes after what it requires; throws PluginLoadError
// naming a missing requirement or the plugins of a cycle.
std::vector<LoadedPlugin> order_by_requirements(std::vector<LoadedPlugin> plugins);

}  // namespace tasklane::core
