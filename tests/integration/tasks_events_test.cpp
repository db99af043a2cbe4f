// Every task mutation commits exactly one event of the right type into the
// outbox (DESIGN.md section 3), with the acting user and, for updates, the
// changes {field: [old, new]}; the activity history shows the same old -> new;
// and concurrent writers neither both win a version nor lose an update.
// Events are read straight from the events table, as the dispatcher sees them.
#include "tasks_fixture.hpp"

#include <algorithm>
#include <latch>
#include <mutex>
#include <thread>

namespace tasklane::test::tasks {
namespace {

using nlohmann::json;

class TaskEventsTest : public TasksFixture {
protected:
    // The one event written since `after`; fails the test unless there is exactly one.
    StoredEvent only_event_since(std::int64_t after) {
        const auto events = events_after(after);
        EXPECT_EQ(events.size(), 1u) << describe(events);
        return events.empty() ? StoredEvent{} : events.front();
    }
    static std::string describe(const std::vector<StoredEvent>& events) {
        std::string out = "events:";
        for (const auto& e : events) {
            out += " " + std::to_string(e.id) + ":" + e.type + " " + e.data.dump();
        }
        return out;
    }
    static void expect_actor(const StoredEvent& e, const User& user) {
        EXPECT_EQ(e.actor_type, "user") << e.type;
        EXPECT_EQ(e.actor_id, json(user.id)) << e.type;
    }
};

TEST_P(TaskEventsTest, CreateLeavesOneTaskCreatedEventWithTheUserAsActor) {
    const auto alice = member("alice");
    const auto before = last_event_id();
    const auto task = create(alice, {{"title", "Announce me"}, {"priority", "high"}});
    const auto e = only_event_since(before);
    EXPECT_EQ(e.type, "task.created");
    expect_actor(e, alice);
    EXPECT_EQ(e.data["task"], task);
}

TEST_P(TaskEventsTest, AnUpdateLeavesOneTaskUpdatedEventWithTheChanges) {
    const auto alice = member("alice");
    const auto task = create(alice, {{"title", "Old title"}, {"tags", {"a"}}, {"due_date", "2026-11-22"}});
    auto before = last_event_id();
    const json body = {{"title", "New title"}, {"priority", "high"}, {"description", task["description"]}};
    const auto updated = patch(alice, task_path(task), body).json();
    auto e = only_event_since(before);
    EXPECT_EQ(e.type, "task.updated");
    expect_actor(e, alice);
    // Only what differs; the description sent unchanged is not a change.
    EXPECT_EQ(e.data["changes"], json({{"title", {"Old title", "New title"}}, {"priority", {"medium", "high"}}}));
    EXPECT_EQ(e.data["task"], updated);

    // PUT is the same partial update.
    before = last_event_id();
    ASSERT_EQ(put(alice, task_path(task), {{"tags", {"b"}}, {"due_date", nullptr}}).status, 200);
    e = only_event_since(before);
    EXPECT_EQ(e.type, "task.updated");
    EXPECT_EQ(e.data["changes"],
              json({{"tags", {json({"a"}), json({"b"})}}, {"due_date", {"2026-11-22T00:00:00Z", nullptr}}}));
}

TEST_P(TaskEventsTest, AChangeOfStatusAloneIsTaskStatusChanged) {
    const auto alice = member("alice");
    const auto task = create_titled(alice, "Move me");
    const auto before = last_event_id();
    ASSERT_EQ(patch(alice, task_path(task), {{"status", "in_progress"}}).status, 200);
    const auto e = only_event_since(before);
    EXPECT_EQ(e.type, "task.status_changed");
    expect_actor(e, alice);
    EXPECT_EQ(e.data["changes"], json({{"status", {"todo", "in_progress"}}}));
    EXPECT_EQ(e.data["task"]["status"], "in_progress");
}

TEST_P(TaskEventsTest, ABoardMoveIsTaskStatusChangedAndItsPositionIsNoHistory) {
    const auto alice = member("alice");
    const auto task = create_titled(alice, "Drag me");
    const auto before = last_event_id();
    ASSERT_EQ(patch(alice, task_path(task), {{"status", "in_progress"}, {"position", 7}}).status, 200);
    const auto e = only_event_since(before);
    EXPECT_EQ(e.type, "task.status_changed");
    EXPECT_TRUE(e.data["changes"].contains("position")) << e.data;

    const auto activity = list(alice, task_path(task) + "/activity")["items"];
    for (const auto& entry : activity) {
        EXPECT_NE(entry.value("field", nlohmann::json()), "position") << entry;
    }
    EXPECT_EQ(activity.size(), 2u) << activity;  // created, status
}

TEST_P(TaskEventsTest, AssignAndUnassignEachLeaveOneTaskAssignedEvent) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto task = create_titled(alice, "Delegate");
    auto before = last_event_id();
    ASSERT_EQ(post(alice, task_path(task) + "/assign", {{"assignee_id", bob.id}}).status, 200);
    auto e = only_event_since(before);
    EXPECT_EQ(e.type, "task.assigned");
    expect_actor(e, alice);
    EXPECT_EQ(e.data["changes"], json({{"assignee_id", {nullptr, bob.id}}}));
    EXPECT_EQ(e.data["task"]["assignee_id"], bob.id);

    before = last_event_id();
    ASSERT_EQ(post(bob, task_path(task) + "/assign", {{"assignee_id", nullptr}}).status, 200);
    e = only_event_since(before);
    EXPECT_EQ(e.type, "task.assigned");
    expect_actor(e, bob);
    EXPECT_EQ(e.data["changes"], json({{"assignee_id", {bob.id, nullptr}}}));
}

TEST_P(TaskEventsTest, CompleteLeavesOneTaskCompletedEvent) {
    const auto alice = member("alice");
    const auto task = create_titled(alice, "Finish");
    const auto before = last_event_id();
    const auto done = post(alice, task_path(task) + "/complete").json();
    const auto e = only_event_since(before);
    EXPECT_EQ(e.type, "task.completed");
    expect_actor(e, alice);
    EXPECT_EQ(e.data["changes"]["status"], json({"todo", "done"}));
    EXPECT_EQ(e.data["changes"]["completed_at"], json::array({json(nullptr), done["completed_at"]}));
    EXPECT_EQ(e.data["task"], done);
}

TEST_P(TaskEventsTest, CompletingARecurringTaskAlsoAnnouncesItsNextOccurrence) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto task = create(alice, {{"title", "Daily standup"},
                                     {"recurrence", "daily"},
                                     {"due_date", "2026-11-22T09:00:00Z"},
                                     {"assignee_id", bob.id}});
    const auto before = last_event_id();
    ASSERT_EQ(post(bob, task_path(task) + "/complete").status, 200);
    const auto events = events_after(before);
    ASSERT_EQ(events.size(), 2u) << describe(events);
    EXPECT_EQ(events[0].type, "task.completed");
    EXPECT_EQ(events[0].data["task"]["id"], task["id"]);
    EXPECT_EQ(events[1].type, "task.created");
    EXPECT_NE(events[1].data["task"]["id"], task["id"]);
    EXPECT_EQ(events[1].data["task"]["due_date"], "2026-11-23T09:00:00Z");
    EXPECT_EQ(events[1].data["task"]["creator_id"], alice.id);
    for (const auto& e : events) {
        expect_actor(e, bob);
    }
}

TEST_P(TaskEventsTest, DeleteLeavesOneTaskDeletedEvent) {
    const auto alice = member("alice");
    const auto task = create_titled(alice, "Remove me");
    const auto before = last_event_id();
    ASSERT_EQ(del(alice, task_path(task)).status, 204);
    const auto e = only_event_since(before);
    EXPECT_EQ(e.type, "task.deleted");
    expect_actor(e, alice);
    EXPECT_EQ(e.data["task"]["id"], task["id"]);
    EXPECT_EQ(e.data["task"]["title"], "Remove me");
}

TEST_P(TaskEventsTest, CommentingLeavesOneCommentCreatedEventAndAnActivityRow) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto task = create(alice, {{"title", "Discuss"}, {"assignee_id", bob.id}});
    const auto before = last_event_id();
    const auto r = post(bob, task_path(task) + "/comments", {{"body", "  On it.  "}});
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()["body"], "On it.");
    EXPECT_EQ(r.json()["author_id"], bob.id);
    const auto e = only_event_since(before);
    EXPECT_EQ(e.type, "comment.created");
    expect_actor(e, bob);
    EXPECT_EQ(e.data["comment"]["body"], "On it.");
    EXPECT_EQ(e.data["task"]["id"], task["id"]);
    const auto activity = get(alice, task_path(task) + "/activity").json()["items"];
    EXPECT_EQ(activity.back()["action"], "commented");
}

TEST_P(TaskEventsTest, RefusedAndEmptyMutationsLeaveNoEvent) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto task = create(alice, {{"title", "Guarded"}, {"assignee_id", bob.id}});
    const auto parent = create_titled(alice, "Parent");
    create(alice, {{"title", "Child"}, {"parent_id", id_of(parent)}});
    const auto carol = member("carol");
    const auto before = last_event_id();

    EXPECT_EQ(post(alice, "/api/v1/tasks", {{"title", ""}}).status, 422);
    EXPECT_EQ(patch(alice, task_path(task), {{"priority", "p0"}}).status, 422);
    EXPECT_EQ(patch(alice, task_path(task), {{"status", "done"}}).status, 422);  // illegal transition
    EXPECT_EQ(patch(alice, task_path(task), {{"title", "x"}}, {{"If-Match", "\"7\""}}).status, 412);
    EXPECT_EQ(patch(carol, task_path(task), {{"title", "x"}}).status, 404);
    EXPECT_EQ(del(bob, task_path(task)).status, 403);
    EXPECT_EQ(del(alice, task_path(parent)).status, 409);
    EXPECT_EQ(post(alice, task_path(task) + "/assign", {{"assignee_id", 999999}}).status, 422);
    // Nothing to change: no version, no event.
    const auto unchanged = patch(alice, task_path(task), {{"title", "Guarded"}});
    EXPECT_EQ(unchanged.status, 200);
    EXPECT_EQ(unchanged.header("etag"), "\"1\"");
    EXPECT_EQ(post(alice, task_path(task) + "/assign", {{"assignee_id", bob.id}}).status, 200);

    const auto events = events_after(before);
    EXPECT_TRUE(events.empty()) << describe(events);
    EXPECT_EQ(fetch(alice, id_of(task)), task);
}

TEST_P(TaskEventsTest, ActivityShowsOldToNewForEachChangedField) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto task = create(alice, {{"title", "Before"}, {"priority", "low"}});
    ASSERT_EQ(patch(alice, task_path(task), {{"title", "After"}, {"priority", "urgent"}}).status, 200);
    ASSERT_EQ(post(alice, task_path(task) + "/assign", {{"assignee_id", bob.id}}).status, 200);
    const auto done = post(bob, task_path(task) + "/complete").json();

    const auto r = get(bob, task_path(task) + "/activity");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto items = r.json()["items"];
    auto entry = [&](const std::string& action, const json& field) {
        for (const auto& item : items) {
            if (item["action"] == action && item["field"] == field) {
                return item;
            }
        }
        ADD_FAILURE() << "no " << action << " entry for " << field << " in " << items;
        return json::object();
    };
    EXPECT_EQ(items.size(), 6u) << items;  // created, 2 updated, assigned, 2 completed

    const auto created = entry("created", nullptr);
    EXPECT_EQ(created["new"]["title"], "Before");
    EXPECT_EQ(created["via"], json({{"type", "user"}, {"id", alice.id}}));

    const auto title = entry("updated", "title");
    EXPECT_EQ(title["old"], "Before");
    EXPECT_EQ(title["new"], "After");
    EXPECT_EQ(title["via"], json({{"type", "user"}, {"id", alice.id}}));
    EXPECT_TRUE(title["at"].is_string() && !title["at"].get<std::string>().empty()) << title;

    const auto priority = entry("updated", "priority");
    EXPECT_EQ(priority["old"], "low");
    EXPECT_EQ(priority["new"], "urgent");

    const auto assigned = entry("assigned", "assignee_id");
    EXPECT_TRUE(assigned["old"].is_null()) << assigned;
    EXPECT_EQ(assigned["new"], bob.id);

    const auto status = entry("completed", "status");
    EXPECT_EQ(status["old"], "todo");
    EXPECT_EQ(status["new"], "done");
    EXPECT_EQ(status["via"], json({{"type", "user"}, {"id", bob.id}}));
    const auto completed_at = entry("completed", "completed_at");
    EXPECT_TRUE(completed_at["old"].is_null()) << completed_at;
    EXPECT_EQ(completed_at["new"], done["completed_at"]);

    // Oldest first.
    EXPECT_TRUE(std::is_sorted(items.begin(), items.end(),
                               [](const json& a, const json& b) { return a["id"] < b["id"]; }));
    EXPECT_EQ(items.front()["action"], "created");
}

// --- concurrency (acceptance point 4) ---------------------------------------------------

// More server workers and database connections than clients, so the eight
// requests really run at once rather than queueing behind two workers.
class TaskConcurrencyTest : public TaskEventsTest {
protected:
    std::string extra_yaml() override {
        return "server:\n  host: 127.0.0.1\n  port: 0\n  threads: 8\n  shutdown_timeout: 5s\n"
               "database:\n  url: \"" +
               db_->url() + "\"\n  pool_size: 8\n";
    }

    // Sends requests[i] on its own connection, all released at once; the statuses.
    std::vector<int> at_once(const std::string& method, const std::string& target, const std::vector<json>& bodies,
                             const std::map<std::string, std::string>& headers) {
        std::vector<int> statuses(bodies.size(), 0);
        std::vector<std::string> failures(bodies.size());
        std::latch ready(static_cast<std::ptrdiff_t>(bodies.size()));
        std::vector<std::thread> clients;
        for (std::size_t i = 0; i < bodies.size(); ++i) {
            clients.emplace_back([&, i] {
                try {
                    HttpConnection connection(port(), std::chrono::seconds(30));
                    ready.arrive_and_wait();
                    const auto r = connection.request(method, target, bodies[i].dump(), headers);
                    statuses[i] = r.status;
                    if (r.status != 200 && r.status != 412) {
                        failures[i] = r.body;
                    }
                } catch (const std::exception& e) {
                    failures[i] = e.what();
                }
            });
        }
        for (auto& c : clients) {
            c.join();
        }
        for (std::size_t i = 0; i < failures.size(); ++i) {
            EXPECT_TRUE(failures[i].empty()) << "client " << i << " (" << statuses[i] << "): " << failures[i];
        }
        return statuses;
    }
};

TEST_P(TaskConcurrencyTest, EightWritersWithTheSameIfMatchHaveExactlyOneWinner) {
    const auto alice = member("alice");
    const auto task = create_titled(alice, "Contested");
    const auto before = last_event_id();
    std::vector<json> bodies;
    for (int i = 0; i < 8; ++i) {
        bodies.push_back({{"title", "Writer " + std::to_string(i)}});
    }
    const auto statuses = at_once("PATCH", task_path(task), bodies,
                                  {{"Authorization", "Bearer " + alice.token}, {"If-Match", "\"1\""}});
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), 1) << ::testing::PrintToString(statuses);
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 412), 7) << ::testing::PrintToString(statuses);

    const auto winner = std::find(statuses.begin(), statuses.end(), 200) - statuses.begin();
    const auto after = fetch(alice, id_of(task));
    EXPECT_EQ(after["version"], 2);
    EXPECT_EQ(after["title"], "Writer " + std::to_string(winner));
    const auto events = events_after(before);
    ASSERT_EQ(events.size(), 1u) << describe(events);
    EXPECT_EQ(events[0].type, "task.updated");
    EXPECT_EQ(events[0].data["changes"], json::object({{"title", json::array({json("Contested"), after["title"]})}}));
}

TEST_P(TaskConcurrencyTest, EightWritersOfDifferentFieldsLoseNoUpdate) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto task = create_titled(alice, "Original");
    const auto before = last_event_id();
    const std::vector<json> bodies = {{{"title", "New title"}},
                                      {{"description", "New description"}},
                                      {{"status", "in_progress"}},
                                      {{"priority", "urgent"}},
                                      {{"due_date", "2026-12-24T12:00:00Z"}},
                                      {{"assignee_id", bob.id}},
                                      {{"tags", {"x", "y"}}},
                                      {{"recurrence", "weekly"}}};
    const auto statuses = at_once("PATCH", task_path(task), bodies, {{"Authorization", "Bearer " + alice.token}});
    EXPECT_EQ(statuses, std::vector<int>(8, 200));

    const auto after = fetch(alice, id_of(task));
    EXPECT_EQ(after["title"], "New title");
    EXPECT_EQ(after["description"], "New description");
    EXPECT_EQ(after["status"], "in_progress");
    EXPECT_EQ(after["priority"], "urgent");
    EXPECT_EQ(after["due_date"], "2026-12-24T12:00:00Z");
    EXPECT_EQ(after["assignee_id"], bob.id);
    EXPECT_EQ(after["tags"], json({"x", "y"}));
    EXPECT_EQ(after["recurrence"], "weekly");
    EXPECT_EQ(after["version"], 9);

    // One event per successful writer, each naming only its own field.
    const auto events = events_after(before);
    ASSERT_EQ(events.size(), 8u) << describe(events);
    std::set<std::string> fields;
    for (const auto& e : events) {
        EXPECT_EQ(e.data["changes"].size(), 1u) << e.data;
        EXPECT_EQ(e.type, e.data["changes"].contains("status") ? "task.status_changed" : "task.updated");
        for (const auto& change : e.data["changes"].items()) {
            fields.insert(change.key());
        }
    }
    EXPECT_EQ(fields, (std::set<std::string>{"title", "description", "status", "priority", "due_date", "assignee_id",
                                             "tags", "recurrence"}));
}

INSTANTIATE_TEST_SUITE_P(Dialects, TaskEventsTest, ::testing::Values(sdk::Dialect::Sqlite, sdk::Dialect::Postgresql),
                         [](const auto& info) { return dialect_name(info.param); });
INSTANTIATE_TEST_SUITE_P(Dialects, TaskConcurrencyTest,
                         ::testing::Values(sdk::Dialect::Sqlite, sdk::Dialect::Postgresql),
                         [](const auto& info) { return dialect_name(info.param); });

}  // namespace
}  // namespace tasklane::test::tasks
