#include "metrics.hpp"

#include <cstdio>

namespace tasklane::core {

std::string prometheus_label(const std::string& value) {
    std::string out;
    for (char c : value) {
        if (c == '\\' || c == '"') {
            out.push_back('\\');
            out.push_back(c);
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out.push_back(c);
        }
    }
    return out;
}

Metrics::Metrics() : bounds_{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10} {}

void Metrics::observe_http(const std::string& method, const std::string& route, int status, double seconds) {
    std::lock_guard lock(mutex_);
    ++requests_[{method, route, status}];
    auto& h = latency_[{method, route}];
    if (h.buckets.empty()) {
        h.buckets.assign(bounds_.size(), 0);
    }
    for (std::size_t i = 0; i < bounds_.size(); ++i) {
        if (seconds <= bounds_[i]) {
            ++h.buckets[i];
            break;
        }
    }
    ++h.count;
    h.sum += seconds;
}

void Metrics::add_collector(std::function<void(std::string&)> collector) {
    std::lock_guard lock(mutex_);
    collectors_.push_back(std::move(collector));
}

std::string Metrics::render() const {
    std::string out;
    std::vector<std::function<void(std::string&)>> collectors;
    {
        std::lock_guard lock(mutex_);
        out += "# HELP http_requests_total HTTP requests by method, route template and status.\n";
        out += "# TYPE http_requests_total counter\n";
        for (const auto& [key, n] : requests_) {
            const auto& [method, route, status] = key;
            out += "http_requests_total{method=\"" + prometheus_label(method) + "\",route=\"" +
                   prometheus_label(route) + "\",status=\"" + std::to_string(status) + "\"} " + std::to_string(n) +
                   "\n";
        }
        out += "# HELP http_request_duration_seconds Time from request parsed to response built.\n";
        out += "# TYPE http_request_duration_seconds histogram\n";
        char num[64];
        for (const auto& [key, h] : latency_) {
            const std::string labels =
                "method=\"" + prometheus_label(key.first) + "\",route=\"" + prometheus_label(key.second) + "\"";
            std::uint64_t cumulative = 0;
            for (std::size_t i = 0; i < bounds_.size(); ++i) {
                cumulative += h.buckets[i];
                std::snprintf(num, sizeof num, "%g", bounds_[i]);
                out += "http_request_duration_seconds_bucket{" + labels + ",le=\"" + num + "\"} " +
                       std::to_string(cumulative) + "\n";
            }
            out += "http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " + std::to_string(h.count) + "\n";
            std::snprintf(num, sizeof num, "%.9g", h.sum);
            out += "http_request_duration_seconds_sum{" + labels + "} " + num + "\n";
            out += "http_request_duration_seconds_count{" + labels + "} " + std::to_string(h.count) + "\n";
        }
        collectors = collectors_;
    }
    for (const auto& c : collectors) {
        c(out);
    }
    return out;
}

void append_metric(std::string& out, const std::string& name, const std::string& help, const std::string& type,
                   double value) {
    char num[64];
    std::snprintf(num, sizeof num, "%.17g", value);
    out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " + num + "\n";
}

}  // namespace tasklane::core
