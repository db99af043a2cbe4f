#pragma once
// Hermetic test environment: a temp directory, a fresh database per test
// (a SQLite file, or a new database on the PostgreSQL cluster the suite
// started), a config file, and the real server running in-process.
#include "../../core/src/app/app.hpp"

#include <tasklane/sdk/database.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <ostream>
#include <memory>
#include <string>

namespace tasklane::sdk {
// GoogleTest prints parameters in test names: "Sqlite" reads better than bytes.
inline void PrintTo(const Dialect& dialect, std::ostream* os) {
    *os << (dialect == Dialect::Sqlite ? "Sqlite" : "Postgresql");
}
}  // namespace tasklane::sdk

namespace tasklane::test {

class TempDir {
public:
    TempDir();
    ~TempDir();
    const std::filesystem::path& path() const { return path_; }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

// A database of its own for one test; dropped afterwards.
class TestDatabase {
public:
    TestDatabase(sdk::Dialect dialect, const TempDir& dir);
    ~TestDatabase();
    const std::string& url() const { return url_; }
    sdk::Dialect dialect() const { return dialect_; }

private:
    sdk::Dialect dialect_;
    std::string url_;
    std::string pg_name_;
};

std::string dialect_name(sdk::Dialect dialect);

// Admin URL of the suite's PostgreSQL cluster (TASKLANE_TEST_PG_URL).
std::string postgres_admin_url();

// Where the build put the core plugins and the test-only plugins.
std::string plugin_dir();
std::string test_plugin_dir();
std::string tasklane_binary();

// A config file: server on an ephemeral port, the given database, the given
// plugins from `plugins_dir`, plus extra YAML appended verbatim; a top-level
// section in extra_yaml replaces the default of the same name.
std::string write_config(const TempDir& dir, const std::string& database_url, const std::string& plugins_dir,
                         const std::string& enabled_plugins, const std::string& extra_yaml = "");

// The real server, in this process, on an ephemeral port.
class TestServer {
public:
    explicit TestServer(const std::string& config_file);
    ~TestServer();
    std::uint16_t port() const { return port_; }
    std::uint16_t realtime_port() const { return realtime_port_; }
    core::App& app() { return *app_; }
    void stop();

private:
    std::unique_ptr<core::App> app_;
    std::uint16_t port_ = 0;
    std::uint16_t realtime_port_ = 0;
};

// Polls until `condition` holds or the deadline passes; returns whether it held.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds deadline = std::chrono::seconds(10));

struct CommandResult {
    int exit_code = -1;
    std::string output;  // stdout and stderr together
};
CommandResult run_command(const std::string& command);

}  // namespace tasklane::test
