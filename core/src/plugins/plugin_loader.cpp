#include "plugin_loader.hpp"

#include <boost/dll/shared_library_load_mode.hpp>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>

namespace tasklane::core {

LoadedPlugin load_plugin_file(const std::string& file, const std::string& expected_name) {
    if (!std::filesystem::exists(file)) {
        throw PluginLoadError("plugin '" + expected_name + "': file " + file +
                              " does not exist (check plugins.dir and plugins.enabled)");
    }
    LoadedPlugin loaded;
    loaded.file = file;
    try {
        // rtld_local keeps two plugins' private symbols apart; rtld_now
        // reports unresolved symbols here rather than at the first call.
        loaded.library.load(file, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
    } catch (const std::exception& e) {
        throw PluginLoadError("plugin file " + file + " could not be loaded: " + e.what());
    }
    if (!loaded.library.has("tasklane_sdk_handshake") || !loaded.library.has("tasklane_sdk_create_plugin")) {
        throw PluginLoadError("plugin file " + file +
                              " does not export tasklane_sdk_handshake and tasklane_sdk_create_plugin; "
                              "build it with TASKLANE_PLUGIN(...) from <tasklane/sdk/plugin.hpp>");
    }
    // The handshake is plain data returned by a function with no dependencies:
    // it is the only plugin code that runs before the version is checked.
    auto& handshake = loaded.library.get_alias<sdk::HandshakeFunction>("tasklane_sdk_handshake");
    const sdk::Handshake hs = handshake();
    if (hs.api_version != sdk::kApiVersion) {
        throw PluginLoadError("plugin file " + file + " was built against Tasklane SDK API version " +
                              std::to_string(hs.api_version) + ", but this server expects version " +
                              std::to_string(sdk::kApiVersion) + "; rebuild the plugin against this SDK");
    }
    if (hs.struct_size < sizeof(sdk::Handshake)) {
        throw PluginLoadError("plugin file " + file + " has a truncated handshake (" + std::to_string(hs.struct_size) +
                              " bytes, expected " + std::to_string(sizeof(sdk::Handshake)) + ")");
    }
    const std::string declared = hs.plugin_name ? hs.plugin_name : "";
    if (!expected_name.empty() && declared != expected_name) {
        throw PluginLoadError("plugin file " + file + " declares the name '" + declared + "', expected '" +
                              expected_name + "'");
    }
    auto& create = loaded.library.get_alias<sdk::PluginFactory>("tasklane_sdk_create_plugin");
    try {
        loaded.plugin.reset(create());
        loaded.info = loaded.plugin->info();
    } catch (const std::exception& e) {
        throw PluginLoadError("plugin file " + file + " failed to create its plugin: " + e.what());
    }
    if (loaded.info.name != declared) {
        throw PluginLoadError("plugin file " + file + ": info().name '" + loaded.info.name +
                              "' differs from the exported name '" + declared + "'");
    }
    return loaded;
}

std::vector<LoadedPlugin> load_plugins(const std::string& dir, const std::vector<std::string>& names) {
    std::vector<LoadedPlugin> out;
    std::map<std::string, bool> seen;
    for (const auto& name : names) {
        if (seen[name]) {
            throw PluginLoadError("plugin '" + name + "' is listed twice in plugins.enabled");
        }
        seen[name] = true;
        const auto file = (std::filesystem::path(dir) / (name + ".so")).string();
        out.push_back(load_plugin_file(file, name));
    }
    return out;
}

std::vector<LoadedPlugin> order_by_requirements(std::vector<LoadedPlugin> plugins) {
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < plugins.size(); ++i) {
        index[plugins[i].info.name] = i;
    }
    for (const auto& p : plugins) {
        for (const auto& req : p.info.requires_plugins) {
            if (!index.count(req)) {
                throw PluginLoadError("plugin '" + p.info.name + "' (" + p.file + ") requires plugin '" + req +
                                      "', which is not enabled; add it to plugins.enabled");
            }
        }
    }
    enum class Mark { None, Visiting, Done };
    std::vector<Mark> marks(plugins.size(), Mark::None);
    std::vector<std::size_t> order;
    std::vector<std::string> path;
    std::function<void(std::size_t)> visit = [&](std::size_t i) {
        if (marks[i] == Mark::Done) {
            return;
        }
        path.push_back(plugins[i].info.name);
        if (marks[i] == Mark::Visiting) {
            std::string cycle;
            const auto start = std::find(path.begin(), path.end(), plugins[i].info.name);
            for (auto it = start; it != path.end(); ++it) {
                cycle += (cycle.empty() ? "" : " -> ") + *it;
            }
            throw PluginLoadError("plugins require each other in a cycle: " + cycle);
        }
        marks[i] = Mark::Visiting;
        for (const auto& req : plugins[i].info.requires_plugins) {
            visit(index.at(req));
        }
        marks[i] = Mark::Done;
        path.pop_back();
        order.push_back(i);
    };
    for (std::size_t i = 0; i < plugins.size(); ++i) {
        visit(i);
    }
    std::vector<LoadedPlugin> sorted;
    for (auto i : order) {
        sorted.push_back(std::move(plugins[i]));
    }
    return sorted;
}

}  // namespace tasklane::core
