// The tasklane executable: serve, migrate, check-config, rules check, version.
#include "app/app.hpp"
#include "app/logging.hpp"
#include "app/plugin_commands.hpp"
#include "db/migrator.hpp"
#include "db/session_pool.hpp"

#include <rule_runtime.hpp>
#include <tasklane/core/config.hpp>
#include <tasklane/sdk/version.hpp>

#include <soci/sqlite3/soci-sqlite3.h>

#include <sys/resource.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

namespace {

using namespace tasklane::core;

constexpr const char* kUsage = R"(usage:
  tasklane serve [--config FILE]            run the server (embedded default config without --config)
  tasklane migrate [--config FILE] [--status]
                                            apply pending migrations, or list them
  tasklane check-config FILE                validate a config file without starting
  tasklane config-reference [--config FILE] print every config key (core and enabled plugins) as Markdown
  tasklane rules check FILE...              validate rule files offline (Lua syntax, rule table, schedule)
  tasklane version                          print versions
  tasklane <plugin command> [--config FILE] ...
                                            a command a plugin adds (listed by `tasklane help`)
)";

struct Args {
    std::string command;
    std::string config;
    std::string positional;
    bool status = false;
};

std::optional<Args> parse_args(int argc, char** argv) {
    if (argc < 2) {
        return std::nullopt;
    }
    Args a;
    a.command = argv[1];
    for (int i = 2; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--config" && i + 1 < argc) {
            a.config = argv[++i];
        } else if (arg.rfind("--config=", 0) == 0) {
            a.config = arg.substr(9);
        } else if (arg == "--status") {
            a.status = true;
        } else if (!arg.empty() && arg[0] != '-' && a.positional.empty()) {
            a.positional = arg;
        } else {
            std::cerr << "tasklane: unknown argument '" << arg << "'\n";
            return std::nullopt;
        }
    }
    return a;
}

Configuration configure(const std::string& path) {
    auto configuration = load_configuration(path);
    const auto& logging = configuration.settings["logging"];
    configure_logging(logging["level"].get<std::string>(), logging["format"].get<std::string>());
    return configuration;
}

int serve(const std::string& config_path) {
    // Block the stop signals in every thread (threads inherit the mask), then
    // wait for them here: no work happens inside a signal handler.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    auto configuration = configure(config_path);
    auto log = make_logger("tasklane");
    // Each WebSocket client holds a descriptor: take what the supervisor allows
    // (the soft limit is often 1024 while the hard one is far higher).
    rlimit files{};
    if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        setrlimit(RLIMIT_NOFILE, &files);
    }
    for (const auto& p : configuration.plugins) {
        log->info("loaded plugin {} {} from {}", p.info.name, p.info.version, p.file);
    }
    App app(std::move(configuration));
    app.start();
    int received = 0;
    sigwait(&signals, &received);
    log->info("received {}, shutting down", received == SIGTERM ? "SIGTERM" : "SIGINT");
    app.stop();
    return 0;
}

int migrate(const std::string& config_path, bool status_only) {
    auto configuration = configure(config_path);
    const auto& db = configuration.settings["database"];
    SessionPool pool(DatabaseUrl::parse(db["url"].get<std::string>()), 1,
                     std::chrono::milliseconds(db["busy_timeout"].get<long long>()));
    Migrator migrator(pool);
    const auto all = all_migrations(configuration);
    if (status_only) {
        std::size_t pending = 0;
        for (const auto& m : migrator.status(all)) {
            std::cout << (m.applied ? "applied  " : "pending  ") << m.component << "/" << m.version << " " << m.name
                      << "\n";
            pending += m.applied ? 0 : 1;
        }
        std::cout << pending << " pending\n";
        return 0;
    }
    const auto applied = migrator.apply(all);
    for (const auto& m : applied) {
        std::cout << "applied " << m.component << "/" << m.version << " " << m.name << "\n";
    }
    std::cout << applied.size() << " migrations applied\n";
    return 0;
}

int config_reference(const std::string& config_path) {
    auto configuration = load_configuration(config_path);
    std::vector<tasklane::sdk::ConfigKey> sections;
    for (const auto& p : configuration.plugins) {
        sections.push_back(p.plugin->config_schema());
    }
    std::cout << config_reference_markdown(combined_schema(core_config_schema(), sections));
    return 0;
}

int check_config(const std::string& path) {
    auto configuration = load_configuration(path);
    std::cout << path << ": OK (" << configuration.plugins.size() << " plugins)\n";
    return 0;
}

// `tasklane rules check FILE...`: each file compiled in the rule sandbox with
// the default limits, as the server would load it; exit 1 if any fails.
int rules_check(int argc, char** argv) {
    if (argc < 4) {
        std::cerr << "usage: tasklane rules check FILE...\n";
        return 2;
    }
    int failed = 0;
    for (int i = 3; i < argc; ++i) {
        const std::filesystem::path path(argv[i]);
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            std::cerr << path.string() << ": cannot read the file\n";
            ++failed;
            continue;
        }
        std::stringstream source;
        source << in.rdbuf();
        tasklane::rules::RuleRuntime runtime(tasklane::rules::RunLimitsConfig{});
        try {
            const auto spec = runtime.add("check", source.str(), path.filename().string());
            std::string trigger;
            for (const auto& type : spec.on) {
                trigger += (trigger.empty() ? "on " : ", ") + type;
            }
            if (spec.schedule) {
                trigger = "schedule \"" + *spec.schedule + "\"";
            }
            std::cout << path.string() << ": OK, rule '" << spec.name << "' (" << trigger << ")\n";
        } catch (const tasklane::rules::RuleCompileError& e) {
            std::cerr << path.string() << ":" << (e.line() ? std::to_string(*e.line()) + ":" : "") << " " << e.what()
                      << "\n";
            ++failed;
        }
    }
    return failed == 0 ? 0 : 1;
}

bool is_core_command(const std::string& command) {
    static const std::vector<std::string> core = {"serve", "migrate", "check-config", "config-reference",
                                                  "version", "help", "--help", "-h"};
    return std::find(core.begin(), core.end(), command) != core.end();
}

// `tasklane <words...> [--config FILE] args...`: a command offered by a plugin.
int plugin_command(int argc, char** argv) {
    std::string config;
    std::vector<std::string> rest;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--config" && i + 1 < argc) {
            config = argv[++i];
        } else if (arg.rfind("--config=", 0) == 0) {
            config = arg.substr(9);
        } else {
            rest.push_back(arg);
        }
    }
    std::optional<Configuration> configuration;
    std::string why_no_plugins;
    try {
        configuration = configure(config);
    } catch (const std::exception& e) {
        why_no_plugins = e.what();
    }
    if (configuration) {
        if (auto code = run_plugin_command(*configuration, rest)) {
            return *code;
        }
    }
    std::cerr << "tasklane: unknown command '" << (rest.empty() ? "" : rest.front()) << "'\n" << kUsage;
    if (configuration) {
        std::cerr << plugin_commands_usage(*configuration);
    } else {
        std::cerr << "(plugin commands unavailable: " << why_no_plugins << ")\n";
    }
    return 2;
}

int run(int argc, char** argv) {
    if (argc >= 3 && std::string(argv[1]) == "rules" && std::string(argv[2]) == "check") {
        return rules_check(argc, argv);
    }
    if (argc >= 2 && !is_core_command(argv[1])) {
        return plugin_command(argc, argv);
    }
    const auto args = parse_args(argc, argv);
    if (!args) {
        std::cerr << kUsage;
        return 2;
    }
    if (args->command == "serve") {
        return serve(args->config);
    }
    if (args->command == "migrate") {
        return migrate(args->config, args->status);
    }
    if (args->command == "check-config") {
        const auto& file = args->positional.empty() ? args->config : args->positional;
        if (file.empty()) {
            std::cerr << "tasklane check-config: name the file to check\n";
            return 2;
        }
        return check_config(file);
    }
    if (args->command == "config-reference") {
        return config_reference(args->config);
    }
    if (args->command == "version") {
        std::cout << "tasklane " << TASKLANE_VERSION << " (plugin SDK API " << tasklane::sdk::kApiVersion << ")\n";
        return 0;
    }
    // help: the core's commands, and the plugins' when the config loads.
    std::cout << kUsage;
    try {
        std::cout << plugin_commands_usage(load_configuration(args->config));
    } catch (const std::exception&) {
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    // Before any connection opens: each pooled SQLite connection is used by
    // one thread at a time, so SQLite's own per-call mutexes (serialized mode)
    // and its global allocation statistics are pure contention (bench/RESULTS.md).
    sqlite_api::sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    sqlite_api::sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    try {
        return run(argc, argv);
    } catch (const ConfigInvalid& e) {
        std::cerr << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "tasklane: " << e.what() << "\n";
        return 1;
    }
}
