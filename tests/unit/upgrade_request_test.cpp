// What the WebSocket server reads from an upgrade request before accepting it.
#include "../../core/src/realtime/upgrade_request.hpp"

#include <gtest/gtest.h>

namespace tasklane::core::realtime {
namespace {

UpgradeRefusal refusal_of(const std::string& target, const std::string& protocol = "") {
    try {
        parse_upgrade_request(target, protocol);
    } catch (const UpgradeRefusal& r) {
        return r;
    }
    return {0, "", ""};
}

TEST(UpgradeRequestTest, ReadsTheFeedTokenAndResumePoint) {
    const auto r = parse_upgrade_request("/ws/tasks?since=42&token=a.b%2Dc", "");
    EXPECT_EQ(r.channel, "tasks");
    EXPECT_EQ(r.token, "a.b-c");
    EXPECT_EQ(r.since, 42);
    EXPECT_FALSE(r.token_in_protocol);
}

TEST(UpgradeRequestTest, TakesTheTokenFromTheBearerSubProtocol) {
    const auto r = parse_upgrade_request("/ws/notifications", "Bearer ,  eyJ.x.y ");
    EXPECT_EQ(r.channel, "notifications");
    EXPECT_EQ(r.token, "eyJ.x.y");
    EXPECT_TRUE(r.token_in_protocol);
    EXPECT_FALSE(r.since.has_value());
}

TEST(UpgradeRequestTest, RefusesBadPathsResumePointsAndMissingTokens) {
    EXPECT_EQ(refusal_of("/api/v1/tasks?token=t").status, 404);
    EXPECT_EQ(refusal_of("/ws/?token=t").status, 404);
    EXPECT_EQ(refusal_of("/ws/tasks/extra?token=t").status, 404);
    EXPECT_EQ(refusal_of("/ws/tasks?token=t&since=-1").status, 400);
    EXPECT_EQ(refusal_of("/ws/tasks?token=t&since=12abc").status, 400);
    EXPECT_EQ(refusal_of("/ws/tasks?token=t&since=").status, 400);
    EXPECT_EQ(refusal_of("/ws/tasks").status, 401);
    EXPECT_EQ(refusal_of("/ws/tasks?token=").status, 401);
    EXPECT_EQ(refusal_of("/ws/tasks", "chat, something").status, 401);
}

TEST(UpgradeRequestTest, QueryValuesArePercentDecodedKeepingMalformedEscapes) {
    EXPECT_EQ(parse_upgrade_request("/ws/tasks?token=a%20b+c%2B", "").token, "a b c+");
    EXPECT_EQ(parse_upgrade_request("/ws/tasks?token=100%", "").token, "100%");
    EXPECT_EQ(parse_upgrade_request("/ws/tasks?token=%zz%4", "").token, "%zz%4");
}

TEST(UpgradeRequestTest, BrowsersConnectFromTheSameHostOrAListedOrigin) {
    EXPECT_TRUE(origin_allowed("", "example.com:8081", {}));  // not a browser
    EXPECT_TRUE(origin_allowed("http://example.com:8080", "example.com:8081", {}));
    EXPECT_TRUE(origin_allowed("https://EXAMPLE.com", "example.com", {}));
    EXPECT_TRUE(origin_allowed("http://[::1]:8080", "[::1]:8081", {}));
    EXPECT_FALSE(origin_allowed("https://evil.example", "example.com:8081", {}));
    EXPECT_FALSE(origin_allowed("https://example.com.evil.example", "example.com:8081", {}));
    EXPECT_FALSE(origin_allowed("null", "example.com:8081", {}));
    EXPECT_TRUE(origin_allowed("https://app.example.org", "api.example.com", {"https://app.example.org"}));
    EXPECT_TRUE(origin_allowed("https://anything.example", "api.example.com", {"*"}));
}

}  // namespace
}  // namespace tasklane::core::realtime
