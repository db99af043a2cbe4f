#include "app.hpp"

#include "../db/sql_database.hpp"
#include "../events/dispatcher.hpp"
#include "../jobs/job_routes.hpp"
#include "../http/http_server.hpp"
#include "../http/static_files.hpp"
#include "../realtime/realtime_metrics.hpp"
#include "../realtime/realtime_server.hpp"
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

RateLimit rate_limit_from(const nlohmann::json& section) {
    RateLimit limit;
    limit.requests = section["requests"].get<double>();
    limit.per = std::chrono::milliseconds(section["per"].get<long long>());
    limit.burst = section["burst"].get<double>();
    if (limit.requests < 0 || limit.per.count() < 1) {
        throw std::runtime_error("security.rate_limits: requests must be 0 or more and per at least 1ms");
    }
    return limit;
}

// The security section as the HTTP pipeline applies it. The route groups'
// paths are fixed here so operators tune numbers, not patterns.
HttpPolicies http_policies(const nlohmann::json& security) {
    HttpPolicies p;
    p.trusted_proxies =
        sdk::AddressList::parse(security["trusted_proxies"].get<std::vector<std::string>>(), "security.trusted_proxies");
    p.cors.allowed_origins = security["cors"]["allowed_origins"].get<std::vector<std::string>>();
    p.cors.allow_credentials = security["cors"]["allow_credentials"].get<bool>();
    p.cors.max_age_seconds = security["cors"]["max_age"].get<long>() / 1000;
    p.headers.frame_options = security["headers"]["frame_options"].get<std::string>();
    p.headers.referrer_policy = security["headers"]["referrer_policy"].get<std::string>();
    p.headers.content_security_policy = security["headers"]["content_security_policy"].get<std::string>();
    p.headers.hsts_max_age_seconds = security["headers"]["hsts_max_age"].get<long>() / 1000;
    const auto& limits = security["rate_limits"];
    if (limits["enabled"].get<bool>()) {
        const auto group = [&](const std::string& name, std::vector<std::string> prefixes) {
            RateGroup g{name, std::move(prefixes), rate_limit_from(limits[name]["per_ip"]), {}};
            if (limits[name].contains("per_user")) {
                g.per_user = rate_limit_from(limits[name]["per_user"]);
            }
            return g;
        };
        p.rate_limiter = std::make_shared<RateLimiter>(std::vector<RateGroup>{
            group("auth", {"/api/v1/auth/login", "/api/v1/auth/register", "/api/v1/auth/refresh"}),
            group("public", {"/public/", "/api/v1/integrations/inbound/"}),
            group("operations", {"/health", "/metrics", "/openapi.json", "/docs"}),
            group("default", {}),
        });
    }
    return p;
}

realtime::ConnectionLimits connection_limits(const nlohmann::json& realtime_section) {
    realtime::ConnectionLimits limits;
    limits.max_connections = realtime_section["max_connections"].get<std::size_t>();
    limits.max_per_user = realtime_section["max_connections_per_user"].get<std::size_t>();
    return limits;
}

// The `realtime` config section; throws for values the server cannot run with.
realtime::RealtimeOptions realtime_options(const nlohmann::json& cfg) {
    realtime::RealtimeOptions o;
    o.host = cfg["host"].get<std::string>();
    o.port = cfg["port"].get<std::uint16_t>();
    o.threads = cfg["threads"].get<int>();
    o.max_message_bytes = cfg["max_message_bytes"].get<std::size_t>();
    o.send_queue = cfg["send_queue"].get<std::size_t>();
    o.ping_interval = std::chrono::milliseconds(cfg["ping_interval"].get<long long>());
    o.reauth_interval = std::chrono::milliseconds(cfg["reauth_interval"].get<long long>());
    o.allowed_origins = cfg["allowed_origins"].get<std::vector<std::string>>();
    o.limits = connection_limits(cfg);
    o.replay_max_events = cfg["replay_max_events"].get<int>();
    if (o.threads < 1 || o.threads > 64 || o.send_queue < 8 || o.ping_interval.count() < 1000) {
        throw std::runtime_error("realtime: threads must be 1-64, send_queue at least 8, ping_interval at least 1s");
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
    // The WebSocket feeds: after everything above, so they go first (the
    // channels hold plugin code); the hub outlives the server for /metrics.
    std::unique_ptr<realtime::FeedHub> feed_hub;
    std::unique_ptr<realtime::RealtimeServer> realtime;
    std::uint64_t feed_listener = 0;
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
    impl_->realtime.reset();
    impl_->feed_hub.reset();
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
    limits.max_json_depth = cfg["security"]["max_json_depth"].get<std::size_t>();
    s.pipeline = std::make_unique<HttpPipeline>(s.metrics, make_logger("http"), limits);
    s.pipeline->set_policies(http_policies(cfg["security"]));

    HealthSources sources;
    sources.pool = s.pool.get();
    sources.dispatcher = s.dispatcher.get();
    sources.jobs = s.jobs.get();
    sources.migrations = [this] { return all_migrations(impl_->configuration); };
    for (const auto& p : s.configuration.plugins) {
        sources.plugins.emplace_back(p.info.name, p.info.version);
    }
    sources.plugins_started = &s.plugins_started;
    sources.websocket = [&s] { return s.feed_hub ? realtime::realtime_health(*s.feed_hub) : nlohmann::json(); };
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
    const auto web_dir = resolve_web_dir(cfg["server"]["web_dir"].get<std::string>());
    register_docs_routes(*s.pipeline, web_dir);
    register_web_app_routes(*s.pipeline, web_dir);

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
    s.metrics.add_collector([&s](std::string& out) {
        out += "# HELP rules_runs_total Rule runs recorded since start, by outcome.\n# TYPE rules_runs_total counter\n";
        const auto counts = s.rules ? s.rules->run_counts() : std::map<std::string, std::uint64_t>{};
        for (const auto* outcome : {"ok", "error", "limit_exceeded"}) {
            const auto it = counts.find(outcome);
            out += std::string("rules_runs_total{outcome=\"") + outcome + "\"} " +
                   std::to_string(it == counts.end() ? 0 : it->second) + "\n";
        }
    });
    s.rules->start();
    s.plugins_started = true;
    start_feeds();
    s.dispatcher->start();
    s.jobs->start();
    start_realtime();

    HttpServerOptions hopts;
    hopts.host = cfg["server"]["host"].get<std::string>();
    hopts.port = cfg["server"]["port"].get<std::uint16_t>();
    hopts.threads = cfg["server"]["threads"].get<int>();
    hopts.max_body_bytes = s.pipeline->largest_body_limit();  // routes that take files may raise it
    hopts.max_header_bytes = cfg["server"]["max_header_bytes"].get<std::size_t>();
    hopts.header_timeout = std::chrono::milliseconds(cfg["server"]["header_timeout"].get<long long>());
    hopts.body_timeout = std::chrono::milliseconds(cfg["server"]["body_timeout"].get<long long>());
    hopts.keepalive_timeout = std::chrono::milliseconds(cfg["server"]["keepalive_timeout"].get<long long>());
    hopts.tls_certificate = cfg["server"]["tls"]["certificate"].get<std::string>();
    hopts.tls_key = cfg["server"]["tls"]["key"].get<std::string>();
    if (hopts.tls_certificate.empty() != hopts.tls_key.empty()) {
        throw std::runtime_error("server.tls needs both certificate and key");
    }
    s.server = std::make_unique<HttpServer>(*s.pipeline, hopts);
    try {
        s.server->start();
    } catch (const std::exception& e) {
        throw std::runtime_error("cannot listen on " + hopts.host + ":" + std::to_string(hopts.port) + ": " + e.what());
    }
    s.log->info("listening on {}://{}:{} with {} threads", hopts.tls_certificate.empty() ? "http" : "https", hopts.host,
                s.server->port(), hopts.threads);
}

void App::stop() {
    auto& s = *impl_;
    if (s.stopped) {
        return;
    }
    s.stopped = true;
    s.stop_migration_retry();
    if (s.realtime) {
        s.realtime->stop();  // clients are told (1001) before the REST side goes
    }
    if (s.feed_listener) {
        s.user_feed.unlisten(s.feed_listener);
        s.feed_listener = 0;
    }
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

// The channels plugins added in start() become the WebSocket feeds: one live
// subscription hands each of their events to the hub.
void App::start_feeds() {
    auto& s = *impl_;
    auto channels = s.user_feed.channels();
    std::vector<std::string> types;
    for (const auto& c : channels) {
        types.insert(types.end(), c.event_types.begin(), c.event_types.end());
    }
    s.feed_hub = std::make_unique<realtime::FeedHub>(
        std::move(channels), connection_limits(s.configuration.settings["realtime"]), make_logger("realtime"));
    if (!types.empty()) {
        s.dispatcher->subscribe({.name = "realtime",
                                 .types = types,
                                 .handler = [hub = s.feed_hub.get()](const sdk::Event& e) { hub->publish(e); },
                                 .durable = false});
    }
    s.feed_listener = s.user_feed.listen(
        [hub = s.feed_hub.get()](std::int64_t user_id, const std::string& channel, const nlohmann::json& message) {
            hub->push(user_id, channel, message);
        });
    realtime::register_realtime_metrics(s.metrics, *s.feed_hub);
}

void App::start_realtime() {
    auto& s = *impl_;
    const auto& cfg = s.configuration.settings["realtime"];
    const auto o = realtime_options(cfg);
    auto authenticate = [pipeline = s.pipeline.get()](const std::string& token, const std::string& remote) {
        sdk::Request request;
        request.method = "GET";
        request.path = "/ws";
        request.headers["Authorization"] = "Bearer " + token;
        request.remote_address = remote;
        const auto caller = pipeline->authenticate(request);
        if (!caller) {
            throw sdk::ApiError::unauthorized();
        }
        return *caller;
    };
    s.realtime = std::make_unique<realtime::RealtimeServer>(
        *s.feed_hub, *s.pool, authenticate, [d = s.dispatcher.get()] { return d->stats().last_seen_id; }, o,
        make_logger("realtime"));
    try {
        s.realtime->start();
    } catch (const std::exception& e) {
        throw std::runtime_error("cannot listen for WebSocket clients on " + o.host + ":" + std::to_string(o.port) +
                                 ": " + e.what());
    }
    const auto public_url = cfg["public_url"].get<std::string>();
    s.meta["realtime"] = {{"port", s.realtime->port()},
                          {"path_prefix", "/ws"},
                          {"url", public_url.empty() ? nlohmann::json() : nlohmann::json(public_url)},
                          {"feeds", s.feed_hub->channel_names()}};
    std::string feeds;
    for (const auto& name : s.feed_hub->channel_names()) {
        feeds += (feeds.empty() ? "" : ", ") + std::string("/ws/") + name;
    }
    s.log->info("WebSocket feeds on {}:{}: {}", o.host, s.realtime->port(), feeds.empty() ? "(none)" : feeds);
}

std::uint16_t App::http_port() const {
    return impl_->server ? impl_->server->port() : 0;
}

std::uint16_t App::realtime_port() const { return impl_->realtime ? impl_->realtime->port() : 0; }

Dispatcher& App::dispatcher() { return *impl_->dispatcher; }

}  // namespace tasklane::core
