#include <tasklane/core/config.hpp>

#include <rule_engine.hpp>

#include <optional>
#include <stdexcept>

namespace tasklane::core {

namespace {

using sdk::ConfigKey;
using sdk::ConfigType;

ConfigKey server_section() {
    return ConfigKey::section(
        "server", "The REST server.",
        {
            ConfigKey::value("host", ConfigType::String, "0.0.0.0", "Address the REST server listens on."),
            ConfigKey::value("port", ConfigType::Integer, 8080, "TCP port of the REST server."),
            ConfigKey::value("threads", ConfigType::Integer, 4, "Worker threads serving HTTP requests."),
            ConfigKey::value("max_body_bytes", ConfigType::ByteSize, 1048576,
                             "Largest request body accepted; larger ones get 413."),
            ConfigKey::value("max_header_bytes", ConfigType::ByteSize, "16KiB",
                             "Largest request header block accepted."),
            ConfigKey::value("header_timeout", ConfigType::Duration, "10s",
                             "Time a client has to send the request headers."),
            ConfigKey::value("body_timeout", ConfigType::Duration, "30s",
                             "Time a client has to send the request body."),
            ConfigKey::value("keepalive_timeout", ConfigType::Duration, "30s",
                             "Idle time after which a kept-alive connection is closed."),
            ConfigKey::value("shutdown_timeout", ConfigType::Duration, "10s",
                             "Time in-flight requests get to finish on shutdown."),
            ConfigKey::section("tls", "HTTPS on server.port with Pistache's TLS (behind nginx, leave it off).",
                               {ConfigKey::value("certificate", ConfigType::String, "",
                                                 "PEM certificate chain file; with `key`, the API is served over HTTPS."),
                                ConfigKey::value("key", ConfigType::String, "", "PEM private key file.")}),
            ConfigKey::value("web_dir", ConfigType::String, "",
                             "Built browser assets (the web app at /, the API docs at /docs); empty: the web/ directory next to the "
                             "executable."),
        });
}

ConfigKey realtime_section() {
    return ConfigKey::section(
        "realtime", "The WebSocket server pushing task events to clients.",
        {
            ConfigKey::value("host", ConfigType::String, "0.0.0.0", "Address the WebSocket server binds."),
            ConfigKey::value("port", ConfigType::Integer, 8081, "TCP port of the WebSocket server (0: any free port)."),
            ConfigKey::value("threads", ConfigType::Integer, 2, "Asio threads serving the WebSocket connections."),
            ConfigKey::value("public_url", ConfigType::String, "",
                             "What clients open, when not ws://<the API's host>:<port>/ws (behind nginx: "
                             "wss://tasks.example.com/ws). Published in GET /api/v1/meta."),
            ConfigKey::value("allowed_origins", ConfigType::StringList, nlohmann::json::array(),
                             "Browser origins that may open a feed besides the server's own host (\"*\": any)."),
            ConfigKey::value("max_connections", ConfigType::Integer, 10000, "Open feed connections in all."),
            ConfigKey::value("max_connections_per_user", ConfigType::Integer, 20, "Open feed connections per user."),
            ConfigKey::value("max_message_bytes", ConfigType::ByteSize, "64KiB",
                             "Largest client frame; a larger one closes the connection (1009)."),
            ConfigKey::value("send_queue", ConfigType::Integer, 1024,
                             "Frames queued for a client before it counts as too slow and is closed (1013)."),
            ConfigKey::value("ping_interval", ConfigType::Duration, "30s",
                             "Server pings; a peer silent for two intervals is dropped."),
            ConfigKey::value("reauth_interval", ConfigType::Duration, "60s",
                             "How often an open connection's token is checked again (expired or revoked: close 1008)."),
            ConfigKey::value("replay_max_events", ConfigType::Integer, 10000,
                             "Outbox events a since= resume may scan; past it the client is told to reload "
                             "(resync_required). Events are kept for events.retention."),
        });
}

ConfigKey rate_limit(const std::string& name, const std::string& description, double requests,
                     const std::string& per, double burst) {
    return ConfigKey::section(
        name, description,
        {
            ConfigKey::value("requests", ConfigType::Number, requests, "Requests allowed per `per` (0: no limit)."),
            ConfigKey::value("per", ConfigType::Duration, per, "The period of `requests`."),
            ConfigKey::value("burst", ConfigType::Number, burst, "Requests a client may make at once (bucket size)."),
        });
}

ConfigKey security_section() {
    return ConfigKey::section(
        "security", "What stands between the internet and the handlers.",
        {
            ConfigKey::value("trusted_proxies", ConfigType::StringList, nlohmann::json::array(),
                             "Addresses or CIDRs of reverse proxies whose X-Forwarded-For names the client "
                             "(e.g. 127.0.0.1 for a local nginx). Anyone else's is ignored."),
            ConfigKey::value("max_json_depth", ConfigType::Integer, 64,
                             "Deepest nesting of arrays and objects a JSON body may have (400 beyond)."),
            ConfigKey::section(
                "cors", "Cross-origin browser access to the API.",
                {
                    ConfigKey::value("allowed_origins", ConfigType::StringList, nlohmann::json::array(),
                                     "Origins (https://app.example.com) whose pages may call the API; \"*\": any "
                                     "(then without credentials). Empty: same-origin only."),
                    ConfigKey::value("allow_credentials", ConfigType::Boolean, false,
                                     "Send Access-Control-Allow-Credentials to listed origins (never with \"*\")."),
                    ConfigKey::value("max_age", ConfigType::Duration, "10m", "How long browsers may cache a preflight."),
                }),
            ConfigKey::section(
                "headers", "Security headers on every response.",
                {
                    ConfigKey::value("frame_options", ConfigType::String, "DENY", "X-Frame-Options.",
                                     {"DENY", "SAMEORIGIN"}),
                    ConfigKey::value("referrer_policy", ConfigType::String, "no-referrer", "Referrer-Policy."),
                    ConfigKey::value("content_security_policy", ConfigType::String,
                                     "default-src 'self'; img-src 'self' data: blob:; style-src 'self' "
                                     "'unsafe-inline'; connect-src 'self' ws: wss:; object-src 'none'; "
                                     "frame-ancestors 'none'; base-uri 'self'",
                                     "Content-Security-Policy of HTML responses (the web app, /docs)."),
                    ConfigKey::value("hsts_max_age", ConfigType::Duration, "0s",
                                     "Strict-Transport-Security max-age; set it (e.g. 365d) when clients reach "
                                     "Tasklane over HTTPS only. 0: not sent."),
                }),
            ConfigKey::section(
                "rate_limits", "Token buckets per client address and per user, by route group; 429 with Retry-After.",
                {
                    ConfigKey::value("enabled", ConfigType::Boolean, true, "Whether requests are rate limited."),
                    ConfigKey::section("default", "Every route not in another group.",
                                       {rate_limit("per_ip", "Per client address.", 100, "1s", 200),
                                        rate_limit("per_user", "Per authenticated user.", 50, "1s", 100)}),
                    ConfigKey::section("auth", "POST /api/v1/auth/login, /register and /refresh: password guessing.",
                                       {rate_limit("per_ip", "Per client address.", 30, "1m", 10)}),
                    ConfigKey::section("public", "/public/ (share links) and inbound webhooks.",
                                       {rate_limit("per_ip", "Per client address.", 60, "1m", 30)}),
                    ConfigKey::section("operations", "/health, /metrics, /openapi.json, /docs.",
                                       {rate_limit("per_ip", "Per client address.", 20, "1s", 40)}),
                }),
        });
}

ConfigKey database_section() {
    return ConfigKey::section(
        "database", "The SQL database holding every plugin's tables.",
        {
            ConfigKey::value("url", ConfigType::String, "sqlite://./data/tasklane.db",
                             "sqlite://PATH or postgresql://user:pass@host:5432/db."),
            ConfigKey::value("pool_size", ConfigType::Integer, 8, "Connections kept open in the pool."),
            ConfigKey::value("migrate", ConfigType::String, "auto",
                             "auto applies pending migrations at start; manual leaves them to `tasklane migrate`.",
                             {"auto", "manual"}),
            ConfigKey::value("busy_timeout", ConfigType::Duration, "5s",
                             "How long a statement waits for a locked database."),
        });
}

ConfigKey plugins_section() {
    return ConfigKey::section(
        "plugins", "Which plugin libraries are loaded.",
        {
            ConfigKey::value("dir", ConfigType::String, "./build/plugins", "Directory searched for plugin libraries."),
            ConfigKey::value("enabled", ConfigType::StringList,
                             nlohmann::json::array({"auth", "tasks", "notifications", "integrations", "attachments"}),
                             "Names of the plugins to load from plugins.dir."),
        });
}

ConfigKey events_section() {
    return ConfigKey::section(
        "events", "The outbox that delivers domain events to subscribers.",
        {
            ConfigKey::value("poll_interval", ConfigType::Duration, "500ms",
                             "How often the outbox is polled for undelivered events."),
            ConfigKey::value("batch_size", ConfigType::Integer, 200, "Most events delivered per poll."),
            ConfigKey::value("retention", ConfigType::Duration, "7d",
                             "How long delivered events are kept for replay (WebSocket since=)."),
        });
}

ConfigKey jobs_section() {
    return ConfigKey::section(
        "jobs", "The durable job queue (emails, webhooks): workers, retries, leases.",
        {
            ConfigKey::value("workers", ConfigType::Integer, 2, "Job worker threads on this node (0: run no jobs here)."),
            ConfigKey::value("poll_interval", ConfigType::Duration, "500ms",
                             "How often idle workers look for due jobs (a commit on this node wakes them at once)."),
            ConfigKey::value("lease", ConfigType::Duration, "5m",
                             "How long a started job belongs to its worker; after that (a crash) another takes it over."),
            ConfigKey::value("max_attempts", ConfigType::Integer, 8, "Runs before a failing job is dead (per job overridable)."),
            ConfigKey::value("backoff_base", ConfigType::Duration, "2s",
                             "Delay before the 2nd run; it doubles per failure, with jitter."),
            ConfigKey::value("backoff_max", ConfigType::Duration, "1h", "Longest delay between two runs."),
            ConfigKey::value("retention", ConfigType::Duration, "7d", "How long done jobs are kept for the admin API."),
        });
}

ConfigKey logging_section() {
    return ConfigKey::section("logging", "Log output on stderr.",
                              {
                                  ConfigKey::value("level", ConfigType::String, "info", "Lowest level written.",
                                                   {"trace", "debug", "info", "warn", "error", "critical", "off"}),
                                  ConfigKey::value("format", ConfigType::String, "text",
                                                   "text for people, json for log collectors.", {"text", "json"}),
                              });
}

}  // namespace

sdk::ConfigKey core_config_schema() {
    return ConfigKey::section("", "The Tasklane configuration file.",
                              {server_section(), realtime_section(), security_section(), database_section(), plugins_section(),
                               events_section(), jobs_section(), rules::rules_config_schema(),
                               logging_section()});
}

sdk::ConfigKey combined_schema(const sdk::ConfigKey& core, const std::vector<sdk::ConfigKey>& plugin_sections) {
    sdk::ConfigKey combined = core;
    for (const auto& section : plugin_sections) {
        if (section.name.empty()) {
            continue;
        }
        for (const auto& taken : combined.children) {
            if (taken.name == section.name) {
                throw std::invalid_argument("config section '" + section.name +
                                            "' is declared twice (by the core or another plugin)");
            }
        }
        combined.children.push_back(section);
    }
    return combined;
}

}  // namespace tasklane::core
