// The SDK services across plugin libraries, called as the rule engine and the
// integrations plugin will: the probe plugin finds the auth plugin's
// UserDirectory and the tasks plugin's TaskApi, creates a task as a user
// (validation, visibility and the event's actor as REST would), and gets 501
// for a service nobody provides here.
#include "tasks_fixture.hpp"

namespace tasklane::test::tasks {
namespace {

class ServicesTest : public TasksFixture {
protected:
    std::vector<std::string> extra_plugins() override { return {"probe"}; }
};

TEST_P(ServicesTest, ATaskCreatedThroughTaskApiIsTheUsersAndCarriesTheGivenActor) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto r = http(port(), "POST", "/api/v1/probe/act-as",
                        nlohmann::json{{"login", "ALICE@example.com"}, {"task", {{"title", "  From a rule  "}}}}.dump());
    ASSERT_EQ(r.status, 201) << r.body;
    const auto body = nlohmann::json::parse(r.body);
    EXPECT_EQ(body["user"]["id"], alice.id);
    EXPECT_EQ(body["task"]["title"], "From a rule");
    EXPECT_EQ(body["task"]["creator_id"], alice.id);
    EXPECT_EQ(body["visible_to_user"], true);

    const auto id = body["task"]["id"].get<std::int64_t>();
    EXPECT_EQ(get(alice, task_path(id)).status, 200);
    EXPECT_EQ(get(bob, task_path(id)).status, 404);
    const auto events = events_after(0);
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.back().type, "task.created");
    EXPECT_EQ(events.back().actor_type, "rule");
    EXPECT_EQ(events.back().actor_id, "probe");
}

TEST_P(ServicesTest, TaskApiValidatesLikeRest) {
    member("alice");
    const auto r = http(port(), "POST", "/api/v1/probe/act-as",
                        nlohmann::json{{"login", "alice"}, {"task", {{"title", ""}, {"priority", "huge"}}}}.dump());
    expect_invalid_fields(r, {"title", "priority"});
    for (const auto& e : events_after(0)) {
        EXPECT_NE(e.type, "task.created");
    }
}

TEST_P(ServicesTest, AnUnknownUserIsNotFoundThroughUserDirectory) {
    const auto r = http(port(), "POST", "/api/v1/probe/act-as",
                        nlohmann::json{{"login", "nobody"}, {"task", {{"title", "x"}}}}.dump());
    expect_error(r, 404, "not_found");
}

TEST_P(ServicesTest, AServiceNobodyProvidesIsAbsentNotACrash) {
    const auto r = http(port(), "POST", "/api/v1/probe/webhook", nlohmann::json{{"target", "x"}}.dump());
    expect_error(r, 501, "not_provided");
}

INSTANTIATE_TEST_SUITE_P(Dialects, ServicesTest, ::testing::Values(sdk::Dialect::Sqlite, sdk::Dialect::Postgresql),
                         [](const ::testing::TestParamInfo<sdk::Dialect>& info) { return dialect_name(info.param); });

}  // namespace
}  // namespace tasklane::test::tasks
