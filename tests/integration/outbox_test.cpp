// The outbox and dispatcher: events are delivered after commit, in id order,
// once, and a restart resumes where the subscriber stopped.
#include "../../core/src/events/dispatcher.hpp"
#include "../support/http_client.hpp"
#include "../support/server_process.hpp"
#include "../support/test_env.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <thread>

namespace tasklane::test {
namespace {

class OutboxTest : public ::testing::TestWithParam<sdk::Dialect> {
protected:
    void SetUp() override { db_ = std::make_unique<TestDatabase>(GetParam(), dir_); }

    std::string config() {
        return write_config(dir_, db_->url(), test_plugin_dir(), "probe",
                            "probe:\n  record_file: \"" + record_file() + "\"\n");
    }
    std::string record_file() const { return dir_.file("recorded.txt"); }

    std::vector<std::int64_t> publish(std::uint16_t port, int count) {
        auto r = http(port, "POST", "/api/v1/probe/events", nlohmann::json{{"count", count}}.dump());
        EXPECT_EQ(r.status, 201) << r.body;
        return r.json()["ids"].get<std::vector<std::int64_t>>();
    }

    bool recorded_count_is(std::size_t n) {
        return eventually([&] { return recorded_ids(record_file()).size() >= n; }) &&
               recorded_ids(record_file()).size() == n;
    }

    TempDir dir_;
    std::unique_ptr<TestDatabase> db_;
};

TEST_P(OutboxTest, CommittedEventsReachTheSubscriberInIdOrder) {
    TestServer server(config());
    const auto ids = publish(server.port(), 20);
    ASSERT_TRUE(recorded_count_is(20));
    EXPECT_EQ(recorded_ids(record_file()), ids);
}

TEST_P(OutboxTest, ADurableSubscriberThatFailsGetsTheSameEventAgainInOrder) {
    TestServer server(write_config(dir_, db_->url(), test_plugin_dir(), "probe",
                                   "probe:\n  record_file: \"" + record_file() + "\"\n  fail_times: 2\n"));
    const auto ids = publish(server.port(), 3);
    // Each event fails twice (retried after 0.2 s, then 0.4 s) and is then handled, once, in order.
    ASSERT_TRUE(eventually([&] { return recorded_ids(record_file()).size() >= 3; }, std::chrono::seconds(20)));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_EQ(recorded_ids(record_file()), ids);
    EXPECT_EQ(server.app().dispatcher().stats().handler_errors, 6u);
}

TEST_P(OutboxTest, EventOfARolledBackTransactionIsNeverDelivered) {
    TestServer server(config());
    auto failed = http(server.port(), "POST", "/api/v1/probe/events", R"({"count":1,"fail_before_commit":true})");
    EXPECT_EQ(failed.status, 422);
    const auto ids = publish(server.port(), 1);
    ASSERT_TRUE(recorded_count_is(1));
    EXPECT_EQ(recorded_ids(record_file()), ids);
}

TEST_P(OutboxTest, RestartResumesAfterTheLastHandledEventWithoutRedelivery) {
    std::vector<std::int64_t> all;
    {
        TestServer first(config());
        all = publish(first.port(), 5);
        ASSERT_TRUE(recorded_count_is(5));
    }
    TestServer second(config());
    const auto more = publish(second.port(), 3);
    all.insert(all.end(), more.begin(), more.end());
    ASSERT_TRUE(recorded_count_is(8));
    EXPECT_EQ(recorded_ids(record_file()), all);
}

TEST_P(OutboxTest, ShutdownDeliversWhatAlreadyCommitted) {
    auto server = std::make_unique<TestServer>(config());
    const auto ids = publish(server->port(), 40);
    server->stop();
    EXPECT_EQ(recorded_ids(record_file()), ids);
}

TEST_P(OutboxTest, ConcurrentWritersAreDeliveredOnceAndInIdOrder) {
    TestServer server(config());
    std::vector<std::thread> writers;
    std::mutex mutex;
    std::set<std::int64_t> published;
    for (int w = 0; w < 4; ++w) {
        writers.emplace_back([&] {
            for (int i = 0; i < 10; ++i) {
                auto ids = publish(server.port(), 2);
                std::lock_guard lock(mutex);
                published.insert(ids.begin(), ids.end());
            }
        });
    }
    for (auto& t : writers) {
        t.join();
    }
    ASSERT_EQ(published.size(), 80u);
    ASSERT_TRUE(recorded_count_is(80));
    const auto recorded = recorded_ids(record_file());
    EXPECT_TRUE(std::is_sorted(recorded.begin(), recorded.end()));
    EXPECT_EQ(std::set<std::int64_t>(recorded.begin(), recorded.end()), published);
}

TEST_P(OutboxTest, ExamplePluginSubscriberKeepsItsCount) {
    TestServer server(write_config(dir_, db_->url(), plugin_dir(), "hello"));
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(http(server.port(), "POST", "/api/v1/hello/greetings", R"({"name":"Ada"})").status, 201);
    }
    EXPECT_TRUE(eventually([&] {
        auto r = http(server.port(), "GET", "/api/v1/hello/greetings/Ada");
        return r.status == 200 && r.json()["count"] == 3;
    }));
}

INSTANTIATE_TEST_SUITE_P(Dialects, OutboxTest, ::testing::Values(sdk::Dialect::Sqlite, sdk::Dialect::Postgresql),
                         [](const auto& info) { return dialect_name(info.param); });

TEST(EventEnvelope, HasTheDesignedShape) {
    sdk::Event e;
    e.id = 12;
    e.type = "task.created";
    e.occurred_at_ms = 1795370400123;  // 2026-11-22T18:00:00.123Z
    e.actor = sdk::Actor::rule("auto-assign");
    e.data = {{"task", {{"id", 3}}}};
    const auto j = sdk::to_json(e);
    EXPECT_EQ(j["id"], 12);
    EXPECT_EQ(j["type"], "task.created");
    EXPECT_EQ(j["occurred_at"], "2026-11-22T18:00:00Z");
    EXPECT_EQ(j["actor"]["type"], "rule");
    EXPECT_EQ(j["actor"]["id"], "auto-assign");
    EXPECT_EQ(j["data"]["task"]["id"], 3);
}

TEST(EventEnvelope, TimestampsAreUtcIso8601AcrossEpochEdges) {
    EXPECT_EQ(sdk::iso8601_utc(0), "1970-01-01T00:00:00Z");
    EXPECT_EQ(sdk::iso8601_utc(951782400000), "2000-02-29T00:00:00Z");
    EXPECT_EQ(sdk::iso8601_utc(-1000), "1969-12-31T23:59:59Z");
}

}  // namespace
}  // namespace tasklane::test
