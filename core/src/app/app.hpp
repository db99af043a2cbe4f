#pragma once
// The host process: owns the database pool, the dispatcher, the HTTP server
// and the plugins, and starts and stops them in order.
#include "../db/migrator.hpp"
#include "../plugins/plugin_loader.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tasklane::core {

class Dispatcher;
class SessionPool;

// The validated configuration and the plugins it enables, loaded and ordered.
struct Configuration {
    std::string file;         // "(embedded default)" or the path given
    nlohmann::json settings;  // resolved: every key present with its default
    std::vector<LoadedPlugin> plugins;
};

// Reads the file (or the embedded default when path is empty), loads the
// enabled plugins to learn their config schemas, validates everything.
// Throws ConfigInvalid or PluginLoadError.
Configuration load_configuration(const std::string& path);

// Every migration: the core's first, then each plugin's in start order.
std::vector<ComponentMigrations> all_migrations(const Configuration& configuration);

class App {
public:
    explicit App(Configuration configuration);
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    // Migrates (when database.migrate is auto), starts plugins in order, the
    // dispatcher and the HTTP server. Throws with a message naming the failing part.
    void start();
    // Stops accepting, finishes in-flight requests, flushes the dispatcher,
    // stops plugins in reverse order.
    void stop();

    std::uint16_t http_port() const;
    // The WebSocket server's port (realtime.port may be 0 in tests).
    std::uint16_t realtime_port() const;
    Dispatcher& dispatcher();

private:
    void start_feeds();
    void start_realtime();
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tasklane::core
