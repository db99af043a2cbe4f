#pragma once
// The plugin interface and the macro that exports it.
//
// Lifecycle (all calls on the host's main thread, never concurrently):
//   1. the host loads the library and reads its Handshake: a plugin built
//      against another kApiVersion is refused before any of its code runs;
//   2. create() builds the object; info(), config_schema() and migrations()
//      must be cheap and side-effect free (check-config and migrate call them
//      without starting anything);
//   3. the host validates config and applies migrations of every plugin, then
//      calls start() in dependency order (a plugin starts after everything it
//      requires); register routes and subscriptions there;
//   4. stop() in reverse order at shutdown, after the HTTP server stopped
//      accepting and in-flight requests finished; the Host is still alive.
// An exception from start() aborts the host's start with the plugin's name.
#include "config_schema.hpp"
#include "database.hpp"
#include "export.hpp"
#include "host.hpp"
#include "version.hpp"

#include <boost/dll/alias.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tasklane::sdk {

struct PluginInfo {
    std::string name{};     // stable dotted or plain name: "auth", "tasks", "acme.slack"
    std::string version{};  // the plugin's own version, "1.2.0"
    std::string description{};
    std::vector<std::string> requires_plugins{};  // names that must be loaded and started first
};

// A subcommand of the `tasklane` executable, e.g. `tasklane user create
// --admin ...`. It runs with the database migrated (pending migrations are
// applied when database.migrate is auto, refused otherwise), without the HTTP
// server or the event dispatcher: events it publishes are delivered by the
// next running server. Print to stdout/stderr; return the exit code.
struct Command {
    std::vector<std::string> words{};  // {"user", "create"}
    std::string usage{};               // "--username U --email E --password P [--admin]"
    std::string summary{};
    std::function<int(const std::vector<std::string>& args, Host& host)> run{};  // args after the words
};

class TASKLANE_SDK_VISIBLE Plugin {
public:
    virtual ~Plugin() = default;
    virtual PluginInfo info() const = 0;
    // The plugin's top-level config section (a ConfigKey::section whose name
    // is the YAML key, usually the plugin's name). The default, a key with an
    // empty name, means the plugin reads no configuration.
    virtual ConfigKey config_schema() const { return {}; }
    virtual std::vector<Migration> migrations(Dialect /*dialect*/) const { return {}; }
    // CLI subcommands this plugin adds; called without start().
    virtual std::vector<Command> commands() const { return {}; }
    virtual void start(Host& host) = 0;
    virtual void stop() {}
};

using PluginFactory = Plugin* ();
using HandshakeFunction = Handshake();

}  // namespace tasklane::sdk

// Exports the handshake and the factory of PluginClass. Use once per plugin
// library, at namespace scope in one .cpp file:
//   TASKLANE_PLUGIN(acme::SlackPlugin, "acme.slack")
#define TASKLANE_PLUGIN(PluginClass, plugin_name_literal)                                   \
    namespace tasklane_plugin_entry {                                                       \
    inline ::tasklane::sdk::Handshake handshake() {                                         \
        return {::tasklane::sdk::kApiVersion,                                                \
                static_cast<std::uint32_t>(sizeof(::tasklane::sdk::Handshake)),              \
                plugin_name_literal};                                                        \
    }                                                                                       \
    inline ::tasklane::sdk::Plugin* create() { return new PluginClass(); }                   \
    }                                                                                       \
    BOOST_DLL_ALIAS(tasklane_plugin_entry::handshake, tasklane_sdk_handshake)               \
    BOOST_DLL_ALIAS(tasklane_plugin_entry::create, tasklane_sdk_create_plugin)
