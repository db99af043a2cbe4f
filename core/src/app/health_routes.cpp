#include "health_routes.hpp"

#include "../http/openapi.hpp"

#include <sys/statvfs.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace tasklane::core {

namespace {

const auto process_started = std::chrono::steady_clock::now();

double elapsed_ms(std::chrono::steady_clock::time_point since) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since).count();
}

nlohmann::json readiness(const HealthSources& s, bool& ready) {
    nlohmann::json components = nlohmann::json::object();
    ready = true;

    auto started = std::chrono::steady_clock::now();
    try {
        auto lease = s.pool->acquire();
        int one = 0;
        lease->sql() << "SELECT 1", soci::into(one);
        components["database"] = {{"status", "ok"}, {"round_trip_ms", elapsed_ms(started)}};
    } catch (const std::exception& e) {
        ready = false;
        components["database"] = {{"status", "unavailable"}, {"error", e.what()}, {"round_trip_ms", elapsed_ms(started)}};
    }

    started = std::chrono::steady_clock::now();
    try {
        Migrator migrator(*s.pool);
        const auto pending = migrator.pending(s.migrations());
        ready = ready && pending == 0;
        components["migrations"] = {
            {"status", pending == 0 ? "ok" : "pending"}, {"pending", pending}, {"check_ms", elapsed_ms(started)}};
    } catch (const std::exception& e) {
        ready = false;
        components["migrations"] = {{"status", "unknown"}, {"error", e.what()}};
    }

    const bool plugins_ok = s.plugins_started && s.plugins_started->load();
    ready = ready && plugins_ok;
    nlohmann::json plugins = nlohmann::json::array();
    for (const auto& [name, version] : s.plugins) {
        plugins.push_back({{"name", name}, {"version", version}});
    }
    components["plugins"] = {{"status", plugins_ok ? "ok" : "starting"}, {"loaded", plugins}};

    if (s.dispatcher) {
        const auto st = s.dispatcher->stats();
        components["events"] = {{"status", "ok"}, {"last_event_id", st.last_seen_id}, {"delivered", st.delivered},
                                {"handler_errors", st.handler_errors}};
    }
    if (s.jobs) {
        try {
            components["jobs"] = {{"status", "ok"}, {"counts", s.jobs->counts_by_status()}, {"lag_ms", s.jobs->lag_ms()}};
        } catch (const std::exception& e) {
            components["jobs"] = {{"status", "unknown"}, {"error", e.what()}};
        }
    }
    if (s.websocket) {
        if (auto component = s.websocket(); !component.is_null()) {
            components["websocket"] = std::move(component);
        }
    }
    if (!s.data_dir.empty()) {
        struct statvfs fs {};
        if (statvfs(s.data_dir.c_str(), &fs) == 0) {
            const double free_bytes = static_cast<double>(fs.f_bavail) * static_cast<double>(fs.f_frsize);
            components["disk"] = {{"status", free_bytes > 100.0 * 1024 * 1024 ? "ok" : "low"},
                                  {"path", s.data_dir},
                                  {"free_bytes", free_bytes}};
        }
    }
    return {{"status", ready ? "ready" : "not_ready"}, {"components", components}};
}

long resident_bytes() {
    std::ifstream statm("/proc/self/statm");
    long pages_total = 0;
    long pages_resident = 0;
    statm >> pages_total >> pages_resident;
    return pages_resident * sysconf(_SC_PAGESIZE);
}

long open_fds() {
    long n = 0;
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec); !ec && it != std::filesystem::directory_iterator();
         it.increment(ec)) {
        ++n;
    }
    return n;
}

}  // namespace

void register_health_routes(HttpPipeline& pipeline, Metrics& metrics, HealthSources sources) {
    pipeline.add({.method = "GET", .path = "/health", .summary = "Liveness: the process answers", .tags = {"operations"}},
                 [](const sdk::Request&) { return sdk::Response::json(200, {{"status", "ok"}}); });
    auto ready_handler = [sources](const sdk::Request&) {
        bool ready = false;
        auto body = readiness(sources, ready);
        return sdk::Response::json(ready ? 200 : 503, body);
    };
    pipeline.add({.method = "GET",
                  .path = "/health/ready",
                  .summary = "Readiness: database reachable, migrations applied, plugins started",
                  .tags = {"operations"}},
                 ready_handler);
    pipeline.add({.method = "GET", .path = "/health/detailed", .summary = "Same document as /health/ready",
                  .tags = {"operations"}},
                 ready_handler);
    pipeline.add({.method = "GET", .path = "/openapi.json", .summary = "This API as OpenAPI 3.0", .tags = {"operations"}},
                 [&pipeline](const sdk::Request&) {
                     return sdk::Response::json(200, openapi_document(pipeline.table(), TASKLANE_VERSION));
                 });
    pipeline.add({.method = "GET", .path = "/api/v1/plugins", .access = sdk::Access::Admin,
                  .summary = "Loaded plugins and their versions", .tags = {"operations"}},
                 [plugins = sources.plugins](const sdk::Request&) {
                     nlohmann::json items = nlohmann::json::array();
                     for (const auto& [name, version] : plugins) {
                         items.push_back({{"name", name}, {"version", version}});
                     }
                     return sdk::Response::json(200, {{"items", items}});
                 });
    pipeline.add({.method = "GET", .path = "/metrics", .summary = "Prometheus metrics", .tags = {"operations"}},
                 [&metrics](const sdk::Request&) {
                     return sdk::Response::text(200, metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
                 });
}

void register_core_metrics(Metrics& metrics, HealthSources sources) {
    metrics.add_collector([sources](std::string& out) {
        append_metric(out, "process_resident_memory_bytes", "Resident memory size in bytes.", "gauge",
              static_cast<double>(resident_bytes()));
        append_metric(out, "process_open_fds", "Number of open file descriptors.", "gauge", static_cast<double>(open_fds()));
        append_metric(out, "process_uptime_seconds", "Seconds since the process started.", "gauge",
              elapsed_ms(process_started) / 1000.0);
        if (sources.pool) {
            append_metric(out, "db_pool_sessions", "Sessions in the database pool.", "gauge",
                  static_cast<double>(sources.pool->size()));
            append_metric(out, "db_pool_sessions_in_use", "Database sessions leased right now.", "gauge",
                  static_cast<double>(sources.pool->in_use()));
        }
        if (sources.dispatcher) {
            const auto st = sources.dispatcher->stats();
            append_metric(out, "events_delivered_total", "Event deliveries to subscribers that returned.", "counter",
                  static_cast<double>(st.delivered));
            append_metric(out, "events_handler_errors_total", "Event deliveries whose subscriber threw.", "counter",
                  static_cast<double>(st.handler_errors));
            append_metric(out, "events_last_id", "Highest event id the dispatcher has read.", "gauge",
                  static_cast<double>(st.last_seen_id));
        }
        append_metric(out, "plugins_loaded", "Plugins loaded.", "gauge", static_cast<double>(sources.plugins.size()));
        if (sources.jobs) {
            render_job_metrics(*sources.jobs, out);
        }
    });
}

}  // namespace tasklane::core
