#include "test_env.hpp"

#include <libpq-fe.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

namespace tasklane::test {

namespace {

std::string random_suffix() {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
    return buf;
}

void pg_admin_exec(const std::string& sql) {
    PGconn* conn = PQconnectdb(postgres_admin_url().c_str());
    if (PQstatus(conn) != CONNECTION_OK) {
        std::string error = PQerrorMessage(conn);
        PQfinish(conn);
        throw std::runtime_error("cannot reach the test PostgreSQL at " + postgres_admin_url() + ": " + error +
                                 " (tests/pg/start.sh starts it; ctest runs it as a fixture)");
    }
    PGresult* r = PQexec(conn, sql.c_str());
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    std::string error = PQresultErrorMessage(r);
    PQclear(r);
    PQfinish(conn);
    if (!ok) {
        throw std::runtime_error(sql + ": " + error);
    }
}

}  // namespace

TempDir::TempDir() {
    path_ = std::filesystem::temp_directory_path() / ("tasklane-test-" + random_suffix());
    std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

std::string dialect_name(sdk::Dialect dialect) { return dialect == sdk::Dialect::Sqlite ? "Sqlite" : "Postgresql"; }

std::string postgres_admin_url() {
    const char* url = std::getenv("TASKLANE_TEST_PG_URL");
    return url ? url : "postgresql://postgres@127.0.0.1:55432/postgres";
}

TestDatabase::TestDatabase(sdk::Dialect dialect, const TempDir& dir) : dialect_(dialect) {
    if (dialect == sdk::Dialect::Sqlite) {
        url_ = "sqlite://" + dir.file("data/tasklane.db");
        return;
    }
    pg_name_ = "tl_" + random_suffix();
    pg_admin_exec("CREATE DATABASE " + pg_name_);
    auto admin = postgres_admin_url();
    url_ = admin.substr(0, admin.rfind('/') + 1) + pg_name_;
}

TestDatabase::~TestDatabase() {
    if (!pg_name_.empty()) {
        try {
            pg_admin_exec("DROP DATABASE IF EXISTS " + pg_name_ + " WITH (FORCE)");
        } catch (...) {
        }
    }
}

std::string plugin_dir() { return TASKLANE_TEST_PLUGIN_DIR; }
std::string test_plugin_dir() { return TASKLANE_TEST_EXTRA_PLUGIN_DIR; }
std::string tasklane_binary() { return TASKLANE_TEST_BINARY; }

std::string write_config(const TempDir& dir, const std::string& database_url, const std::string& plugins_dir,
                         const std::string& enabled_plugins, const std::string& extra_yaml) {
    // A section given in extra_yaml replaces the default one (YAML forbids duplicate keys).
    auto overridden = [&](const std::string& section) {
        return extra_yaml.rfind(section + ":", 0) == 0 || extra_yaml.find("\n" + section + ":") != std::string::npos;
    };
    const std::vector<std::pair<std::string, std::string>> defaults = {
        {"server", "server:\n  host: 127.0.0.1\n  port: 0\n  threads: 2\n  shutdown_timeout: 5s\n"},
        {"realtime", "realtime:\n  host: 127.0.0.1\n  port: 0\n"},
        {"database", "database:\n  url: \"" + database_url + "\"\n  pool_size: 4\n"},
        {"plugins", "plugins:\n  dir: \"" + plugins_dir + "\"\n  enabled: [" + enabled_plugins + "]\n"},
        {"events", "events:\n  poll_interval: 100ms\n"},
        {"logging", "logging:\n  level: warn\n"},
        // Tests fire requests faster than any person; the security tests turn limits on.
        {"security", "security:\n  rate_limits:\n    enabled: false\n"},
    };
    const auto path = dir.file("tasklane.yaml");
    std::ofstream out(path);
    for (const auto& [section, text] : defaults) {
        if (!overridden(section)) {
            out << text;
        }
    }
    out << extra_yaml;
    return path;
}

TestServer::TestServer(const std::string& config_file) {
    app_ = std::make_unique<core::App>(core::load_configuration(config_file));
    app_->start();
    port_ = app_->http_port();
    realtime_port_ = app_->realtime_port();
}

TestServer::~TestServer() { stop(); }

void TestServer::stop() {
    if (app_) {
        app_->stop();
        app_.reset();
    }
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds deadline) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < until) {
        if (condition()) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return condition();
}

CommandResult run_command(const std::string& command) {
    CommandResult result;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (!pipe) {
        throw std::runtime_error("popen failed for " + command);
    }
    std::array<char, 4096> buf{};
    while (auto n = std::fread(buf.data(), 1, buf.size(), pipe)) {
        result.output.append(buf.data(), n);
    }
    const int status = ::pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

}  // namespace tasklane::test
