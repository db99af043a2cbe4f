#pragma once
// The core's operational routes: /health, /health/ready, /health/detailed, /metrics.
#include "../db/migrator.hpp"
#include "../events/dispatcher.hpp"
#include "../http/http_pipeline.hpp"
#include "../http/metrics.hpp"
#include "../jobs/job_routes.hpp"

#include <atomic>
#include <functional>

namespace tasklane::core {

struct HealthSources {
    SessionPool* pool = nullptr;
    Dispatcher* dispatcher = nullptr;
    JobQueue* jobs = nullptr;
    std::function<std::vector<ComponentMigrations>()> migrations;
    std::vector<std::pair<std::string, std::string>> plugins;  // name, version
    const std::atomic<bool>* plugins_started = nullptr;
    std::string data_dir;  // for disk space; empty when not on local disk
    std::function<nlohmann::json()> websocket;  // the WebSocket server's component, once it runs
};

void register_health_routes(HttpPipeline& pipeline, Metrics& metrics, HealthSources sources);
// Process, pool and dispatcher gauges for /metrics.
void register_core_metrics(Metrics& metrics, HealthSources sources);

}  // namespace tasklane::core
