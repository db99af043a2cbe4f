// The security middleware through the running server: rate limits per client
// address and user, trusted proxies, CORS, security headers, body and JSON
// limits (issue 8, acceptance 1).
#include "tasks_fixture.hpp"

#include <algorithm>

namespace tasklane::test::tasks {
namespace {

// Two server set-ups: behind a trusted local proxy (X-Forwarded-For names
// the client), and exposed directly (X-Forwarded-For is anyone's to write).
class SecurityTest : public TasksFixture {
protected:
    virtual std::string trusted_proxies() { return "[127.0.0.1]"; }
    std::string extra_yaml() override {
        return "security:\n"
               "  trusted_proxies: " + trusted_proxies() + "\n"
               "  cors:\n    allowed_origins: [\"https://app.example.com\"]\n    allow_credentials: true\n"
               "  headers:\n    hsts_max_age: 365d\n"
               "  rate_limits:\n"
               "    default:\n      per_ip: {requests: 5, per: 1m, burst: 5}\n"
               "      per_user: {requests: 1000, per: 1s, burst: 1000}\n"
               "    auth:\n      per_ip: {requests: 1000, per: 1s, burst: 1000}\n";
    }

    HttpResult from(const std::string& address, const std::string& target, std::map<std::string, std::string> headers = {}) {
        headers["X-Forwarded-For"] = address;
        return http(port(), "GET", target, "", headers);
    }
};

class DirectlyExposedTest : public SecurityTest {
protected:
    std::string trusted_proxies() override { return "[10.0.0.0/8]"; }
};

void expect_security_headers(const HttpResult& r) {
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff") << r.status;
    EXPECT_EQ(r.header("x-frame-options"), "DENY") << r.status;
    EXPECT_EQ(r.header("referrer-policy"), "no-referrer") << r.status;
    EXPECT_EQ(r.header("strict-transport-security"), "max-age=31536000; includeSubDomains") << r.status;
    EXPECT_FALSE(r.header("x-request-id").empty()) << r.status;
}

TEST_P(SecurityTest, AFloodedRouteAnswers429WithRetryAfterWhileAnotherClientIsUnaffected) {
    for (int i = 0; i < 5; ++i) {
        const auto r = from("203.0.113.5", "/api/v1/meta");
        ASSERT_EQ(r.status, 200) << i;
        EXPECT_EQ(r.header("ratelimit-limit"), "5");
        EXPECT_EQ(r.header("ratelimit-remaining"), std::to_string(4 - i));
    }
    const auto refused = from("203.0.113.5", "/api/v1/meta");
    expect_error(refused, 429, "rate_limited");
    const auto retry_after = std::stol(refused.header("retry-after").empty() ? "0" : refused.header("retry-after"));
    EXPECT_GE(retry_after, 1);
    EXPECT_LE(retry_after, 12);  // one request refills in 60 s / 5
    EXPECT_EQ(refused.header("ratelimit-remaining"), "0");
    expect_security_headers(refused);

    const auto other = from("198.51.100.7", "/api/v1/meta");
    EXPECT_EQ(other.status, 200) << other.body;
    // Through two trusted hops, the client is still the first untrusted address.
    EXPECT_EQ(from("203.0.113.5, 127.0.0.1", "/api/v1/meta").status, 429);
}

TEST_P(DirectlyExposedTest, ASpoofedForwardedForFromAnUntrustedPeerIsIgnored) {
    int allowed = 0;
    for (int i = 0; i < 8; ++i) {
        // Each request claims another address; they all come from 127.0.0.1.
        allowed += from("198.51.100." + std::to_string(i + 1), "/api/v1/meta").status == 200;
    }
    EXPECT_EQ(allowed, 5);
}

TEST_P(SecurityTest, CorsPreflightSucceedsForAnAllowedOriginOnly) {
    const auto preflight = [&](const std::string& origin) {
        return http(port(), "OPTIONS", "/api/v1/tasks", "",
                    {{"Origin", origin},
                     {"Access-Control-Request-Method", "POST"},
                     {"Access-Control-Request-Headers", "authorization, content-type"}});
    };
    const auto ok = preflight("https://app.example.com");
    EXPECT_EQ(ok.status, 204);
    EXPECT_EQ(ok.header("access-control-allow-origin"), "https://app.example.com");
    EXPECT_EQ(ok.header("access-control-allow-credentials"), "true");
    EXPECT_NE(ok.header("access-control-allow-methods").find("POST"), std::string::npos);
    EXPECT_EQ(ok.header("access-control-allow-headers"), "authorization, content-type");
    expect_security_headers(ok);

    const auto foreign = preflight("https://evil.example");
    EXPECT_EQ(foreign.status, 204);
    EXPECT_EQ(foreign.header("access-control-allow-origin"), "");
    EXPECT_EQ(foreign.header("access-control-allow-credentials"), "");
    EXPECT_EQ(foreign.header("access-control-allow-methods"), "");

    // The actual request: CORS headers for the allowed origin, errors included.
    const auto actual = http(port(), "GET", "/api/v1/tasks", "", {{"Origin", "https://app.example.com"}});
    EXPECT_EQ(actual.status, 401);
    EXPECT_EQ(actual.header("access-control-allow-origin"), "https://app.example.com");
    EXPECT_EQ(http(port(), "GET", "/api/v1/meta", "", {{"Origin", "https://evil.example"}}).header(
                  "access-control-allow-origin"),
              "");
}

TEST_P(SecurityTest, EveryResponseCarriesTheSecurityHeaders) {
    const auto alice = member("alice");
    expect_security_headers(http(port(), "GET", "/health"));
    expect_security_headers(get(alice, "/api/v1/tasks"));
    EXPECT_EQ(get(alice, "/api/v1/tasks").header("cache-control"), "no-store");
    expect_security_headers(http(port(), "GET", "/api/v1/nope"));
    expect_security_headers(http(port(), "GET", "/api/v1/tasks"));
    expect_security_headers(post(alice, "/api/v1/tasks", {{"title", ""}}));
}

TEST_P(SecurityTest, OversizedDeeplyNestedAndNonJsonBodiesAreRefusedAndChangeNothing) {
    const auto alice = member("alice");
    const auto before = list(alice, "/api/v1/tasks")["total"];

    // Over server.max_body_bytes (1 MiB) but within what Pistache buffers: our error body.
    const std::string big = R"({"title":")" + std::string((1 << 20) + 100, 'x') + R"("})";
    const auto r413 = http(port(), "POST", "/api/v1/tasks", big, {{"Authorization", "Bearer " + alice.token}});
    expect_error(r413, 413, "payload_too_large");
    expect_security_headers(r413);
    // Beyond the largest body any route takes (the 12 MiB of an import):
    // refused by Pistache before it is buffered (with its own plain 413).
    const auto huge = http(port(), "POST", "/api/v1/tasks", std::string(14 << 20, 'x'),
                           {{"Authorization", "Bearer " + alice.token}});
    EXPECT_EQ(huge.status, 413);

    std::string nested(10000, '[');
    nested += std::string(10000, ']');
    const auto deep = http(port(), "POST", "/api/v1/tasks", nested, {{"Authorization", "Bearer " + alice.token}});
    expect_error(deep, 400, "bad_request");
    const auto deep_object = http(port(), "POST", "/api/v1/auth/login", R"({"a":)" + nested + "}");
    expect_error(deep_object, 400, "bad_request");

    const auto text = http(port(), "POST", "/api/v1/tasks", "title=hello",
                           {{"Authorization", "Bearer " + alice.token}, {"Content-Type", "text/plain"}});
    expect_error(text, 415, "unsupported_media_type");

    EXPECT_EQ(list(alice, "/api/v1/tasks")["total"], before);
    EXPECT_EQ(http(port(), "GET", "/health").status, 200);  // and the server is still there
}

// server.tls: Pistache's own TLS with a throwaway certificate.
class TlsTest : public TasksFixture {
protected:
    std::string extra_yaml() override {
        const auto cert = dir_.file("cert.pem");
        const auto key = dir_.file("key.pem");
        const auto made = run_command("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout " +
                                      key + " -out " + cert + " 2>&1");
        EXPECT_EQ(made.exit_code, 0) << made.output;
        return "server:\n  host: 127.0.0.1\n  port: 0\n  threads: 2\n  tls:\n    certificate: " + cert +
               "\n    key: " + key + "\n";
    }
};

TEST_P(TlsTest, TheApiIsServedOverHttpsWithItsHeaders) {
    auto https = run_command("curl -sk -D - https://127.0.0.1:" + std::to_string(port()) + "/health");
    std::transform(https.output.begin(), https.output.end(), https.output.begin(), ::tolower);
    EXPECT_EQ(https.exit_code, 0) << https.output;
    EXPECT_NE(https.output.find("200"), std::string::npos) << https.output;
    EXPECT_NE(https.output.find("\"status\":\"ok\""), std::string::npos) << https.output;
    EXPECT_NE(https.output.find("x-content-type-options: nosniff"), std::string::npos) << https.output;
    // Plain HTTP on the TLS port gets no API answer.
    const auto plain = run_command("curl -s -m 5 -o /dev/null -w '%{http_code}' http://127.0.0.1:" +
                                   std::to_string(port()) + "/health");
    EXPECT_EQ(plain.output.find("200"), std::string::npos) << plain.output;
}

INSTANTIATE_TEST_SUITE_P(Sqlite, TlsTest, ::testing::Values(sdk::Dialect::Sqlite), [](const auto&) { return "Sqlite"; });

INSTANTIATE_TEST_SUITE_P(Sqlite, SecurityTest, ::testing::Values(sdk::Dialect::Sqlite),
                         [](const auto&) { return "Sqlite"; });
INSTANTIATE_TEST_SUITE_P(Sqlite, DirectlyExposedTest, ::testing::Values(sdk::Dialect::Sqlite),
                         [](const auto&) { return "Sqlite"; });

}  // namespace
}  // namespace tasklane::test::tasks
