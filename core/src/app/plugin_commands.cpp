#include "plugin_commands.hpp"

#include "../db/sql_database.hpp"
#include "../events/dispatcher.hpp"
#include "../jobs/job_queue.hpp"
#include "logging.hpp"
#include "plugin_host.hpp"

#include <iostream>

namespace tasklane::core {

namespace {

struct Found {
    LoadedPlugin* plugin = nullptr;
    sdk::Command command;
};

Found find_command(Configuration& configuration, const std::vector<std::string>& args) {
    Found best;
    std::size_t best_len = 0;
    for (auto& p : configuration.plugins) {
        for (auto& c : p.plugin->commands()) {
            const auto& w = c.words;
            if (w.empty() || w.size() > args.size() || w.size() <= best_len) {
                continue;
            }
            if (std::equal(w.begin(), w.end(), args.begin())) {
                best_len = w.size();
                best = {&p, std::move(c)};
            }
        }
    }
    return best;
}

}  // namespace

std::optional<int> run_plugin_command(Configuration& configuration, const std::vector<std::string>& args) {
    auto found = find_command(configuration, args);
    if (!found.plugin) {
        return std::nullopt;
    }
    const auto& cfg = configuration.settings;
    const auto url = DatabaseUrl::parse(cfg["database"]["url"].get<std::string>());
    SessionPool pool(url, 2, std::chrono::milliseconds(cfg["database"]["busy_timeout"].get<long long>()));
    Migrator migrator(pool);
    const auto migrations = all_migrations(configuration);
    if (cfg["database"]["migrate"] == "auto") {
        migrator.apply(migrations);
    } else if (migrator.pending(migrations) > 0) {
        std::cerr << "tasklane: migrations are pending; run `tasklane migrate` first\n";
        return 1;
    }
    // The command's host: routes and subscriptions go nowhere (no server, no dispatcher thread).
    Metrics metrics;
    HttpPipeline unused_routes(metrics, make_logger("http"), HttpLimits{});
    Dispatcher unused_dispatcher(pool, DispatcherOptions{}, make_logger("events"));
    SqlDatabase database(pool, nullptr);
    JobQueueOptions no_workers;  // a command enqueues; the servers' workers run the jobs
    no_workers.workers = 0;
    JobQueue jobs(database, no_workers, make_logger("jobs"));
    auto& plugin = *found.plugin;
    const auto& section_name = plugin.plugin->config_schema().name;
    nlohmann::json unused_meta = nlohmann::json::object();
    ServiceRegistry no_services;  // a command runs without the other plugins started
    LocalUserFeed no_listeners(make_logger("feed"));
    PluginHost host(plugin.info.name, unused_routes, unused_dispatcher, database, jobs, no_services, no_listeners,
                    section_name.empty() ? nlohmann::json::object() : cfg.value(section_name, nlohmann::json::object()),
                    make_logger(plugin.info.name), unused_meta);
    const std::vector<std::string> rest(args.begin() + static_cast<std::ptrdiff_t>(found.command.words.size()),
                                        args.end());
    return found.command.run(rest, host);
}

std::string plugin_commands_usage(const Configuration& configuration) {
    std::string out;
    for (const auto& p : configuration.plugins) {
        for (const auto& c : p.plugin->commands()) {
            std::string words;
            for (const auto& w : c.words) {
                words += (words.empty() ? "" : " ") + w;
            }
            out += "  tasklane " + words + " [--config FILE] " + c.usage + "\n      " + c.summary + " (plugin " +
                   p.info.name + ")\n";
        }
    }
    return out;
}

}  // namespace tasklane::core
