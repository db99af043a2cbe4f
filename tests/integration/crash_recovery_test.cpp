// The real `tasklane serve` process, killed with SIGKILL between commit and
// dispatch: after a restart every committed event reaches the subscriber
// exactly once. Also: SIGTERM stops the server cleanly with exit code 0.
#include "../support/http_client.hpp"
#include "../support/server_process.hpp"
#include "../support/test_env.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace tasklane::test {
namespace {

class CrashRecoveryTest : public ::testing::TestWithParam<sdk::Dialect> {
protected:
    void SetUp() override { db_ = std::make_unique<TestDatabase>(GetParam(), dir_); }
    std::string config(bool hang, const std::string& log_format = "text") {
        return write_config(dir_, db_->url(), test_plugin_dir(), "probe",
                            "probe:\n  record_file: \"" + dir_.file("recorded.txt") + "\"\n  hang_on_first_event: " +
                                (hang ? "true" : "false") + "\nlogging:\n  level: info\n  format: " + log_format +
                                "\n");
    }
    TempDir dir_;
    std::unique_ptr<TestDatabase> db_;
};

TEST_P(CrashRecoveryTest, EventsCommittedBeforeSigkillAreDeliveredExactlyOnceAfterRestart) {
    const auto record = dir_.file("recorded.txt");
    std::vector<std::int64_t> committed;
    {
        ServerProcess server(config(/*hang=*/true), dir_.file("first.log"));
        const auto port = server.wait_for_port();
        ASSERT_NE(port, 0) << server.log();
        auto r = http(port, "POST", "/api/v1/probe/events", R"({"count":5})");
        ASSERT_EQ(r.status, 201) << r.body;
        committed = r.json()["ids"].get<std::vector<std::int64_t>>();
        // The subscriber is stuck inside the first event: all five are
        // committed, none has been handled.
        ASSERT_TRUE(eventually([&] { return std::ifstream(record + ".hanging").good(); })) << server.log();
        server.kill_hard();
    }
    EXPECT_TRUE(recorded_ids(record).empty());

    ServerProcess restarted(config(/*hang=*/false), dir_.file("second.log"));
    const auto port = restarted.wait_for_port();
    ASSERT_NE(port, 0) << restarted.log();
    // One more event after the restart: delivery is in id order, so once it is
    // recorded any duplicate of the first five would already be there.
    auto r = http(port, "POST", "/api/v1/probe/events", R"({"count":1})");
    ASSERT_EQ(r.status, 201);
    committed.push_back(r.json()["ids"][0].get<std::int64_t>());
    ASSERT_TRUE(eventually([&] { return recorded_ids(record).size() >= committed.size(); })) << restarted.log();
    EXPECT_EQ(recorded_ids(record), committed);
}

TEST_P(CrashRecoveryTest, SigtermStopsTheServerWithExitZero) {
    ServerProcess server(config(/*hang=*/false, "json"), dir_.file("serve.log"));
    const auto port = server.wait_for_port();
    ASSERT_NE(port, 0) << server.log();
    EXPECT_EQ(http(port, "GET", "/health/ready").status, 200);
    auto r = http(port, "POST", "/api/v1/probe/events", R"({"count":3})");
    ASSERT_EQ(r.status, 201);
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(server.terminate(), 0) << server.log();
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
    // Flushed before exit: what committed was delivered.
    EXPECT_EQ(recorded_ids(dir_.file("recorded.txt")), r.json()["ids"].get<std::vector<std::int64_t>>());
    EXPECT_NE(server.log().find("shutting down"), std::string::npos);
}

TEST_P(CrashRecoveryTest, JsonLogsAreOneObjectPerLineWithTheRequestId) {
    ServerProcess server(config(/*hang=*/false, "json"), dir_.file("serve.log"));
    const auto port = server.wait_for_port();
    ASSERT_NE(port, 0) << server.log();
    EXPECT_EQ(http(port, "GET", "/api/v1/nothing", "", {{"X-Request-ID", "trace-me-1"}}).status, 404);
    EXPECT_EQ(server.terminate(), 0);
    std::istringstream lines(server.log());
    std::string line;
    int request_lines = 0;
    while (std::getline(lines, line)) {
        const auto entry = nlohmann::json::parse(line, nullptr, false);
        ASSERT_FALSE(entry.is_discarded()) << "not JSON: " << line;
        EXPECT_TRUE(entry.contains("ts") && entry.contains("level") && entry.contains("msg")) << line;
        if (entry.value("request_id", "") == "trace-me-1") {
            ++request_lines;
            EXPECT_NE(entry["msg"].get<std::string>().find("GET (unmatched) 404"), std::string::npos) << line;
        }
    }
    EXPECT_EQ(request_lines, 1);
}

INSTANTIATE_TEST_SUITE_P(Dialects, CrashRecoveryTest,
                         ::testing::Values(sdk::Dialect::Sqlite, sdk::Dialect::Postgresql),
                         [](const auto& info) { return dialect_name(info.param); });

}  // namespace
}  // namespace tasklane::test
