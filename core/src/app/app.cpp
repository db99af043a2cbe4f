#include "app.hpp"

#include "../db/sql_database.hpp"
#include "../events/dispatcher.hpp"
#include "../jobs/job_routes.hpp"
#include "../http/http_server.hpp"
#include "health_routes.hpp"
#include "logging.hpp"
#include "plugin_host.hpp"

#include <rule_engine.hpp>
#include <rule_routes.hpp>

#include <tasklane/core/config.hpp>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

namespace tasklane::core {

// Generated from schema/ by tasklane_embed_migrations.
std::vector<sdk::Migration> core_migrations(sdk::Dialect dialect);
}  // namespace tasklane::core
namespace tasklane::rules {
std::vector<sdk::Migration> rules_migrations(sdk::Dialect dialect);
}  // namespace tasklane::rules
namespace tasklane::core {

Configuration load_configuration(const std::string& path) {
    auto document = path.empty() ? ConfigDocument::from_text(embedded_default_config(), "(embedded default)")
                                 : ConfigDocument::from_file(path);
    const auto core_schema = core_config_schema();
    // First pass: only the plugins section matters, to know which schemas to add.
    const auto bootstrap = document.resolve(core_schema, /*allow_unknown_top_level=*/true);
    Configuration configuration;
    configuration.file = document.file();
    configuration.plugins = load_plugins(bootstrap["plugins"]["dir"].get<std::string>(),
                                         bootstrap["plugins"]["enabled"].get<std::vector<std::string>>());
    std::vector<sdk::ConfigKey> sections;
    for (const auto& p : configuration.plugins) {
        sections.push_back(p.plugin->config_schema());
    }
    configuration.settings = document.resolve(combined_schema(core_schema, sections));
    configuration.plugins = order_by_requirements(std::move(configuration.plugins));
    return configuration;
}

std::vector<ComponentMigrations> all_migrations(const Configuration& configuration) {
    const auto dialect = DatabaseUrl::parse(configuration.settings["database"]["url"].get<std::string>()).dialect;
    std::vector<ComponentMigrations> all{{"core", core_migrations(dialect)}, {"rules", rules::rules_migrations(dialect)}};
    for (const auto& p : configuration.plugins) {
        all.push_back({p.info.name, p.plugin->migrations(dialect)});
    }
    return all;
}

JobQueueOptions job_options(const nlohmann::json& section) {
    JobQueueOptions o;
    o.workers = section["workers"].get<int>();
    o.poll_interval = std::chrono::milliseconds(section["poll_interval"].get<long long>());
    o.lease = std::chrono::milliseconds(section["lease"].get<long long>());
    o.max_attempts = section["max_attempts"].get<int>();
    o.backoff_base = std::chrono::milliseconds(section["backoff_base"].get<long long>());
    o.backoff_max = std::chrono::milliseconds(section["backoff_max"].get<long long>());
    o.retention = std::chrono::milliseconds(section["retention"].get<long long>());
    if (o.workers < 0 || o.workers > 64) {
        throw std::runtime_error("jobs.workers must be from 0 to 64");
    }
    if (o.max_attempts < 1 || o.max_attempts > 100) {
        throw std::runtime_error("jobs.max_attempts must be from 1 to 100");
    }
    if (o.lease.count() < 1000) {
        throw std::runtime_error("jobs.lease must be at least 1s");
    }
    return o;
}

struct App::Impl {
    // Declared first so it is destroyed last: routes and subscriptions hold
    // code from the plugin libraries.
    Configuration configuration;
    std::shared_ptr<spdlog::logger> log = make_logger("tasklane");
    Metrics metrics;
    std::unique_ptr<SessionPool> pool;
    std::unique_ptr<Dispatcher> dispatcher;
    std::unique_ptr<SqlDatabase> database;
    std::unique_ptr<JobQueue> jobs;
    ServiceRegistry services;
    LocalUserFeed user_feed{log};
    std::unique_ptr<HttpPipeline> pipeline;
    std::unique_ptr<HttpServer> server;
    std::vector<std::unique_ptr<PluginHost>> hosts;
    // The rule engine runs as a component of its own on the SDK, after the
    // plugins whose services its rules call, and stops before them.
    std::unique_ptr<PluginHost> rules_host;
    std::unique_ptr<rules::RuleEngine> rules;
    std::vector<LoadedPlugin*> started;
    std::atomic<bool> plugins_started{false};
    // GET /api/v1/meta; plugins add keys during start(), read-only afterwards.
    nlohmann::json meta = nlohmann::json::object();
    bool stopped = false;

    std::thread migration_retry;
    std::mutex retry_mutex;
    std::condition_variable retry_cv;
    bool retry_stop = false;

    explicit Impl(Configuration c) : configuration(std::move(c)) {}

    void apply_migrations() {
        for (const auto& m : Migrator(*pool).apply(all_migrations(configuration))) {
            log->info("applied migration {}/{} {}", m.component, m.version, m.name);
        }
    }

    void retry_migrations() {
        std::unique_lock lock(retry_mutex);
        while (!retry_cv.wait_for(lock, std::chrono::seconds(2), [this] { return retry_stop; })) {
            try {
                apply_migrations();
                log->info("database reachable again; migrations applied");
                return;
            } catch (const DatabaseUnavailable&) {
                // still away; the next attempt is in 2 s
            } catch (const std::exception& e) {
                log->error("migrations failed: {}", e.what());
                return;
            }
        }
    }

    void stop_migration_retry() {
        {
            std::lock_guard lock(retry_mutex);
            retry_stop = true;
        }
        retry_cv.notify_all();
        if (migration_retry.joinable()) {
            migration_retry.join();
        }
    }
};

App::App(Configuration configuration) : impl_(std::make_unique<Impl>(std::move(configuration))) {}

App::~App() {
    stop();
    // Everything holding plugin code goes before the libraries unload.
    impl_->server.reset();
    impl_->pipeline.reset();
    impl_->dispatcher.reset();
    impl_->jobs.reset();
    impl_->hosts.clear();
}

void App::start() {
    auto& s = *impl_;
    const auto& cfg = s.configuration.settings;
    configure_logging(cfg["logging"]["level"].get<std::string>(), cfg["logging"]["format"].get<std::string>());
    const auto url = DatabaseUrl::parse(cfg["database"]["url"].get<std::string>());
    s.log->info("configuration from {}; database {}", s.configuration.file,
                DatabaseUrl::redact(cfg["database"]["url"].get<std::string>()));
    s.pool = std::make_unique<SessionPool>(url, cfg["database"]["pool_size"].get<std::size_t>(),
                                           std::chrono::milliseconds(cfg["database"]["busy_timeout"].get<long long>()));

    if (cfg["database"]["migrate"] == "auto") {
        try {
            s.apply_migrations();
        } catch (const DatabaseUnavailable& e) {
            // Start anyway and report not-ready: in a fleet the database may
            // come up after the nodes, and a supervisor restart loop helps nobody.
            s.log->error("{}; retrying migrations every 2 s, /health/ready answers 503 until they apply", e.what());
            s.migration_retry = std::thread([&s] { s.retry_migrations(); });
        }
    } else {
        try {
            if (const auto pending = Migrator(*s.pool).pending(all_migrations(s.configuration)); pending > 0) {
                s.log->warn("{} migrations are pending and database.migrate is manual: run `tasklane migrate`; "
                            "/health/ready answers 503 until then",
                            pending);
            }
        } catch (const DatabaseUnavailable& e) {
            s.log->error("{}; /health/ready answers 503 until it is reachable", e.what());
        }
    }

    DispatcherOptions dopts;
    dopts.poll_interval = std::chrono::milliseconds(cfg["events"]["poll_interval"].get<long long>());
    dopts.batch_size = cfg["events"]["batch_size"].get<int>();
    dopts.retention = std::chrono::milliseconds(cfg["events"]["retention"].get<long long>());
    s.dispatcher = std::make_unique<Dispatcher>(*s.pool, dopts, make_logger("events"));
    s.database = std::make_unique<SqlDatabase>(*s.pool, [d = s.dispatcher.get()] { d->wake(); });
    s.jobs = std::make_unique<JobQueue>(*s.database, job_options(cfg["jobs"]), make_logger("jobs"));

    HttpLimits limits;
    limits.max_body_bytes = cfg["server"]["max_body_bytes"].get<std::size_t>();
    s.pipeline = std::make_unique<HttpPipeline>(s.metrics, make_logger("http"), limits);

    HealthSources sources;
    sources.pool = s.pool.get();
    sources.dispatcher = s.dispatcher.get();
    sources.jobs = s.jobs.get();
    sources.migrations = [this] { return all_migrations(impl_->configuration); };
    for (const auto& p : s.configuration.plugins) {
        sources.plugins.emplace_back(p.info.name, p.info.version);
    }
    sources.plugins_started = &s.plugins_started;
    if (url.dialect == sdk::Dialect::Sqlite) {
        const auto dir = std::filesystem::path(url.sqlite_path).parent_path();
        sources.data_dir = dir.empty() ? "." : dir.string();
    }
    register_health_routes(*s.pipeline, s.metrics, sources);
    s.meta["version"] = TASKLANE_VERSION;
    s.meta["realtime"] = {{"port", cfg["realtime"]["port"]}, {"path_prefix", "/ws"}};
    s.pipeline->add({.method = "GET", .path = "/api/v1/meta",
                     .summary = "Version, realtime endpoint and what plugins publish (e.g. the task workflow)",
                     .tags = {"operations"}},
                    [&meta = s.meta](const sdk::Request&) { return sdk::Response::json(200, meta); });
    register_core_metrics(s.metrics, sources);
    register_job_routes(*s.pipeline, *s.jobs);

    for (auto& p : s.configuration.plugins) {
        const auto& schema_name = p.plugin->config_schema().name;
        nlohmann::json section = schema_name.empty() ? nlohmann::json::object() : cfg.value(schema_name, nlohmann::json::object());
        s.hosts.push_back(std::make_unique<PluginHost>(p.info.name, *s.pipeline, *s.dispatcher, *s.database,
                                                       *s.jobs, s.services, s.user_feed, std::move(section),
                                                       make_logger(p.info.name), s.meta));
        try {
            p.plugin->start(*s.hosts.back());
        } catch (const std::exception& e) {
            s.services.withdraw(p.info.name);
            throw std::runtime_error("plugin '" + p.info.name + "' (" + p.file + ") failed to start: " + e.what());
        }
        s.started.push_back(&p);
        s.log->info("plugin {} {} started from {}", p.info.name, p.info.version, p.file);
    }
    s.rules_host = std::make_unique<PluginHost>("rules", *s.pipeline, *s.dispatcher, *s.database, *s.jobs, s.services,
                                                s.user_feed, cfg["rules"], make_logger("rules"), s.meta);
    s.rules = std::make_unique<rules::RuleEngine>(*s.rules_host, rules::RuleEngineOptions::from_config(cfg["rules"]));
    rules::register_rule_routes(s.rules_host->routes(), *s.rules);
    s.rules->start();
    s.plugins_started = true;
    s.dispatcher->start();
    s.jobs->start();

    HttpServerOptions hopts;
    hopts.host = cfg["server"]["host"].get<std::string>();
    hopts.port = cfg["server"]["port"].get<std::uint16_t>();
    hopts.threads = cfg["server"]["threads"].get<int>();
    hopts.max_body_bytes = limits.max_body_bytes;
    hopts.max_header_bytes = cfg["server"]["max_header_bytes"].get<std::size_t>();
    hopts.header_timeout = std::chrono::milliseconds(cfg["server"]["header_timeout"].get<long long>());
    hopts.body_timeout = std::chrono::milliseconds(cfg["server"]["body_timeout"].get<long long>());
    hopts.keepalive_timeout = std::chrono::milliseconds(cfg["server"]["keepalive_timeout"].get<long long>());
    s.server = std::make_unique<HttpServer>(*s.pipeline, hopts);
    try {
        s.server->start();
    } catch (const std::exception& e) {
        throw std::runtime_error("cannot listen on " + hopts.host + ":" + std::to_string(hopts.port) + ": " + e.what());
    }
    s.log->info("listening on http://{}:{} with {} threads", hopts.host, s.server->port(), hopts.threads);
}

void App::stop() {
    auto& s = *impl_;
    if (s.stopped) {
        return;
    }
    s.stopped = true;
    s.stop_migration_retry();
    if (s.server) {
        s.server->stop();  // in-flight handlers finish on their reactor threads first
    }
    if (s.dispatcher) {
        const auto deadline = s.configuration.settings["server"]["shutdown_timeout"].get<long long>();
        s.dispatcher->stop(std::chrono::milliseconds(deadline));
    }
    if (s.rules) {
        s.rules->stop();  // before the plugins whose services rules call
    }
    if (s.jobs) {
        s.jobs->stop();  // running jobs finish and are marked first
    }
    for (auto it = s.started.rbegin(); it != s.started.rend(); ++it) {
        try {
            (*it)->plugin->stop();
        } catch (const std::exception& e) {
            s.log->error("plugin {} failed to stop cleanly: {}", (*it)->info.name, e.what());
        }
        s.services.withdraw((*it)->info.name);
    }
    s.started.clear();
    if (s.pool) {
        s.pool->clear_statements();  // their destructors live in the plugins' libraries
    }
    s.log->info("stopped");
}

std::uint16_t App::http_port() const { return impl_->server ? impl_->server->port() : 0; }

Dispatcher& App::dispatcher() { return *impl_->dispatcher; }

}  // namespace tasklane::core
