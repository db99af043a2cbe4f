// GET /api/v1/dashboard through the running server on both dialects: counts,
// overdue tasks and completions per day, of exactly what the caller may see.
#include "tasks_fixture.hpp"

namespace tasklane::test::tasks {
namespace {

using DashboardTest = TasksFixture;

std::int64_t count_where(const nlohmann::json& list, const std::string& key, const nlohmann::json& value) {
    for (const auto& entry : list) {
        if (entry[key] == value) {
            return entry["count"].get<std::int64_t>();
        }
    }
    return -1;
}

TEST_P(DashboardTest, CountsOverdueAndCompletionsCoverWhatTheCallerMaySee) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto yesterday = sdk::iso8601_utc(now_ms() - 86400000);
    const auto overdue = create(alice, {{"title", "late"}, {"priority", "urgent"}, {"due_date", yesterday}});
    create(alice, {{"title", "for bob"}, {"priority", "high"}, {"assignee_id", bob.id}});
    const auto finished = create(alice, {{"title", "finished late"}, {"due_date", yesterday}});
    ASSERT_EQ(post(alice, task_path(finished) + "/complete").status, 200);
    create(bob, {{"title", "bob's own"}, {"priority", "low"}});

    const auto d = list(alice, "/api/v1/dashboard");
    EXPECT_EQ(d["total"], 3) << d;
    // Every workflow status in order, zeros included.
    std::vector<std::string> statuses;
    for (const auto& s : d["by_status"]) {
        statuses.push_back(s["status"]);
    }
    EXPECT_EQ(statuses, (std::vector<std::string>{"todo", "in_progress", "done", "cancelled"}));
    EXPECT_EQ(count_where(d["by_status"], "status", "todo"), 2);
    EXPECT_EQ(count_where(d["by_status"], "status", "in_progress"), 0);
    EXPECT_EQ(count_where(d["by_status"], "status", "done"), 1);
    EXPECT_EQ(count_where(d["by_priority"], "priority", "urgent"), 1);
    EXPECT_EQ(count_where(d["by_priority"], "priority", "high"), 1);
    EXPECT_EQ(count_where(d["by_priority"], "priority", "medium"), 1);
    EXPECT_EQ(count_where(d["by_priority"], "priority", "low"), 0) << "bob's own task leaked into alice's numbers";
    EXPECT_EQ(count_where(d["by_assignee"], "assignee_id", nullptr), 2);
    EXPECT_EQ(count_where(d["by_assignee"], "assignee_id", bob.id), 1);

    // Overdue: open and past due; the completed one is not.
    EXPECT_EQ(d["overdue"]["total"], 1) << d["overdue"];
    ASSERT_EQ(d["overdue"]["items"].size(), 1u);
    EXPECT_EQ(d["overdue"]["items"][0]["id"], id_of(overdue));

    ASSERT_EQ(d["completed_per_day"].size(), 30u);
    EXPECT_EQ(d["completed_per_day"].back()["date"], sdk::iso8601_utc(now_ms()).substr(0, 10));
    EXPECT_EQ(d["completed_per_day"].back()["count"], 1);
    std::int64_t completions = 0;
    for (const auto& day : d["completed_per_day"]) {
        completions += day["count"].get<std::int64_t>();
    }
    EXPECT_EQ(completions, 1);

    // Bob sees his own task and the one assigned to him; the admin sees all four.
    EXPECT_EQ(list(bob, "/api/v1/dashboard")["total"], 2);
    EXPECT_EQ(list(bob, "/api/v1/dashboard")["overdue"]["total"], 0);
    EXPECT_EQ(list(admin(), "/api/v1/dashboard")["total"], 4);
    expect_error(http(port(), "GET", "/api/v1/dashboard"), 401, "unauthorized");
}

INSTANTIATE_TEST_SUITE_P(Dialects, DashboardTest, ::testing::Values(sdk::Dialect::Sqlite, sdk::Dialect::Postgresql),
                         [](const auto& info) { return info.param == sdk::Dialect::Sqlite ? "Sqlite" : "Postgresql"; });

}  // namespace
}  // namespace tasklane::test::tasks
