// The HTTP core end to end through a real socket: health, readiness, the
// example plugin, error bodies, request ids, limits, keep-alive and metrics,
// on SQLite and on PostgreSQL.
#include "../support/api_assertions.hpp"
#include "../support/http_client.hpp"
#include "../support/test_env.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace tasklane::test {
namespace {

class ServerTest : public ::testing::TestWithParam<sdk::Dialect> {
protected:
    void SetUp() override {
        db_ = std::make_unique<TestDatabase>(GetParam(), dir_);
        server_ = std::make_unique<TestServer>(write_config(dir_, db_->url(), plugin_dir(), "hello",
                                                            "hello:\n  greeting: Howdy\n"
                                                            "server:\n  host: 127.0.0.1\n  port: 0\n  threads: 2\n"
                                                            "  max_body_bytes: 1KiB\n"));
    }
    void TearDown() override {
        server_.reset();
        db_.reset();
    }
    std::uint16_t port() const { return server_->port(); }

    TempDir dir_;
    std::unique_ptr<TestDatabase> db_;
    std::unique_ptr<TestServer> server_;
};

TEST_P(ServerTest, HealthAndReadinessAnswer200) {
    auto health = http(port(), "GET", "/health");
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(health.json()["status"], "ok");
    auto ready = http(port(), "GET", "/health/ready");
    EXPECT_EQ(ready.status, 200) << ready.body;
    const auto body = ready.json();
    EXPECT_EQ(body["status"], "ready");
    EXPECT_EQ(body["components"]["database"]["status"], "ok");
    EXPECT_EQ(body["components"]["migrations"]["pending"], 0);
    EXPECT_EQ(body["components"]["plugins"]["loaded"][0]["name"], "hello");
    EXPECT_EQ(http(port(), "GET", "/health/detailed").status, 200);
}

TEST_P(ServerTest, ExamplePluginServesItsRouteWithItsConfig) {
    auto r = http(port(), "GET", "/api/v1/hello?name=Ada%20Lovelace");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("content-type"), "application/json");
    EXPECT_EQ(r.json()["message"], "Howdy, Ada Lovelace!");
}

TEST_P(ServerTest, UnknownRouteIs404WithErrorBody) {
    expect_error(http(port(), "GET", "/api/v1/nothing-here"), 404, "not_found");
}

TEST_P(ServerTest, WrongMethodIs405WithAllowHeader) {
    auto r = http(port(), "DELETE", "/api/v1/hello");
    expect_error(r, 405, "method_not_allowed");
    EXPECT_EQ(r.header("allow"), "GET");
}

TEST_P(ServerTest, SaneClientRequestIdIsEchoedAndOtherwiseReplaced) {
    auto r = http(port(), "GET", "/api/nope", "", {{"X-Request-ID", "client-id.42"}});
    EXPECT_EQ(r.header("x-request-id"), "client-id.42");
    EXPECT_EQ(r.json()["error"]["request_id"], "client-id.42");
    auto insane = http(port(), "GET", "/health", "", {{"X-Request-ID", "bad id with spaces"}});
    EXPECT_NE(insane.header("x-request-id"), "bad id with spaces");
    EXPECT_FALSE(insane.header("x-request-id").empty());
}

TEST_P(ServerTest, BodyOverTheLimitIs413AndChangesNothing) {
    const std::string big = "{\"name\":\"" + std::string(2000, 'x') + "\"}";
    expect_error(http(port(), "POST", "/api/v1/hello/greetings", big), 413, "payload_too_large");
    expect_error(http(port(), "GET", "/api/v1/hello/greetings/" + std::string(10, 'x')), 404, "not_found");
}

TEST_P(ServerTest, MalformedJsonIs400AndInvalidFieldIs422) {
    expect_error(http(port(), "POST", "/api/v1/hello/greetings", "{not json"), 400, "bad_request");
    auto r = http(port(), "POST", "/api/v1/hello/greetings", "{\"name\": 5}");
    expect_error(r, 422, "validation_failed");
    EXPECT_EQ(r.json()["error"]["details"][0]["field"], "name");
}

// Pistache 0.0.5 closes HTTP/1.1 connections that carry no Connection header;
// RFC 9112 says they persist. Two requests must travel on one socket.
TEST_P(ServerTest, Http11ConnectionPersistsWithoutConnectionHeader) {
    HttpConnection connection(port());
    const std::string request = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    connection.send_raw(request);
    auto first = connection.read_response();
    EXPECT_EQ(first.status, 200);
    EXPECT_NE(first.header("connection"), "Close");
    EXPECT_FALSE(connection.closed_by_peer(std::chrono::milliseconds(200)));
    connection.send_raw(request);
    auto second = connection.read_response();
    EXPECT_EQ(second.status, 200);
}

TEST_P(ServerTest, ConnectionCloseIsHonouredInTheResponse) {
    HttpConnection connection(port());
    connection.send_raw("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    auto r = connection.read_response();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("connection"), "Close");
}

TEST_P(ServerTest, MetricsCountRequestsByRouteTemplate) {
    http(port(), "GET", "/api/v1/hello/greetings/nobody");
    http(port(), "GET", "/api/v1/hello/greetings/nobody");
    auto r = http(port(), "GET", "/metrics");
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.header("content-type").find("text/plain"), std::string::npos);
    EXPECT_NE(r.body.find("http_requests_total{method=\"GET\",route=\"/api/v1/hello/greetings/{name}\",status=\"404\"} 2"),
              std::string::npos)
        << r.body;
    EXPECT_NE(r.body.find("# TYPE http_request_duration_seconds histogram"), std::string::npos);
    EXPECT_NE(r.body.find("process_resident_memory_bytes"), std::string::npos);
}

TEST_P(ServerTest, ServesConcurrentClients) {
    std::vector<std::thread> clients;
    std::atomic<int> ok{0};
    for (int c = 0; c < 8; ++c) {
        clients.emplace_back([&] {
            HttpConnection connection(port());
            for (int i = 0; i < 25; ++i) {
                ok += connection.request("GET", "/api/v1/hello").status == 200 ? 1 : 0;
            }
        });
    }
    for (auto& t : clients) {
        t.join();
    }
    EXPECT_EQ(ok.load(), 200);
}

TEST_P(ServerTest, OpenApiDocumentListsEveryRegisteredRoute) {
    auto r = http(port(), "GET", "/openapi.json");
    ASSERT_EQ(r.status, 200);
    const auto doc = r.json();
    EXPECT_EQ(doc["openapi"], "3.0.3");
    EXPECT_TRUE(doc["paths"]["/health"].contains("get"));
    EXPECT_TRUE(doc["paths"]["/api/v1/hello"].contains("get"));
    const auto& post = doc["paths"]["/api/v1/hello/greetings"]["post"];
    EXPECT_TRUE(post["requestBody"]["content"].contains("application/json"));
    EXPECT_TRUE(post["responses"].contains("201"));
    const auto& param = doc["paths"]["/api/v1/hello/greetings/{name}"]["get"]["parameters"][0];
    EXPECT_EQ(param["name"], "name");
    EXPECT_EQ(param["in"], "path");
    EXPECT_TRUE(doc["components"]["schemas"].contains("Error"));
    // Admin-only routes carry the bearer security requirement.
    EXPECT_TRUE(doc["paths"]["/api/v1/plugins"]["get"].contains("security"));
}

TEST_P(ServerTest, MetaTellsClientsTheVersionAndRealtimeEndpoint) {
    auto r = http(port(), "GET", "/api/v1/meta");
    ASSERT_EQ(r.status, 200);
    const auto meta = r.json();
    EXPECT_EQ(meta["version"], TASKLANE_VERSION);
    EXPECT_EQ(meta["realtime"]["port"], server_->realtime_port());
    EXPECT_GT(server_->realtime_port(), 0);
    EXPECT_EQ(meta["realtime"]["path_prefix"], "/ws");
    EXPECT_TRUE(meta["realtime"]["url"].is_null());
}

TEST_P(ServerTest, AdminRouteWithoutAnAuthenticatorIs401) {
    expect_error(http(port(), "GET", "/api/v1/plugins"), 401, "unauthorized");
}

INSTANTIATE_TEST_SUITE_P(Dialects, ServerTest, ::testing::Values(sdk::Dialect::Sqlite, sdk::Dialect::Postgresql),
                         [](const auto& info) { return dialect_name(info.param); });

}  // namespace
}  // namespace tasklane::test
