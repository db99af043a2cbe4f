#pragma once
// Prometheus metrics in text exposition format 0.0.4. HTTP metrics are
// recorded per route template (never the raw path, which would explode the
// label set); other components add gauges through collectors.
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace tasklane::core {

class Metrics {
public:
    Metrics();
    void observe_http(const std::string& method, const std::string& route, int status, double seconds);
    // A collector appends complete metric families (HELP, TYPE and samples) to the output.
    void add_collector(std::function<void(std::string&)> collector);
    std::string render() const;

private:
    struct Histogram {
        std::vector<std::uint64_t> buckets;  // cumulative at render time, per-bucket here
        std::uint64_t count = 0;
        double sum = 0;
    };
    mutable std::mutex mutex_;
    std::vector<double> bounds_;
    std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
    std::map<std::pair<std::string, std::string>, Histogram> latency_;
    std::vector<std::function<void(std::string&)>> collectors_;
};

// Appends one metric family with a single unlabelled sample.
void append_metric(std::string& out, const std::string& name, const std::string& help, const std::string& type,
                   double value);

// Escapes a Prometheus label value.
std::string prometheus_label(const std::string& value);

}  // namespace tasklane::core
