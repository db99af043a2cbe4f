#include "http/metrics.hpp"

#include <gtest/gtest.h>

namespace tasklane::core {
namespace {

TEST(Metrics, CountsRequestsByRouteTemplateAndStatus) {
    Metrics m;
    m.observe_http("GET", "/api/v1/tasks/{id}", 200, 0.002);
    m.observe_http("GET", "/api/v1/tasks/{id}", 200, 0.004);
    m.observe_http("GET", "/api/v1/tasks/{id}", 404, 0.001);
    const auto text = m.render();
    EXPECT_NE(text.find("http_requests_total{method=\"GET\",route=\"/api/v1/tasks/{id}\",status=\"200\"} 2\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("http_requests_total{method=\"GET\",route=\"/api/v1/tasks/{id}\",status=\"404\"} 1\n"),
              std::string::npos);
    // Buckets are cumulative: everything is under 5 ms.
    EXPECT_NE(text.find("http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/tasks/{id}\",le=\"0.005\"} 3\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("http_request_duration_seconds_count{method=\"GET\",route=\"/api/v1/tasks/{id}\"} 3\n"),
              std::string::npos);
}

TEST(Metrics, LabelValuesAreEscaped) { EXPECT_EQ(prometheus_label("a\"b\\c\n"), "a\\\"b\\\\c\\n"); }

TEST(Metrics, CollectorsAppendTheirFamilies) {
    Metrics m;
    m.add_collector([](std::string& out) { out += "# TYPE custom gauge\ncustom 7\n"; });
    EXPECT_NE(m.render().find("custom 7\n"), std::string::npos);
}

}  // namespace
}  // namespace tasklane::core
