// Relations between tasks, end to end on both dialects: dependencies
// (POST/DELETE /tasks/{id}/dependencies, blocked_by and depends_on, 409
// dependency_cycle, blocked and has_dependents), templates (/templates CRUD and
// instantiate, all or nothing) and full-text search (/tasks/search and the q
// filter: every word a case-insensitive prefix, FTS syntax is plain text, the
// index follows every write, visibility).
#include "tasks_fixture.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <iomanip>
#include <latch>
#include <sstream>
#include <thread>

namespace tasklane::test::tasks {
namespace {

using nlohmann::json;
using Ids = std::vector<std::int64_t>;

std::string url_encode(const std::string& text) {
    std::ostringstream out;
    for (const unsigned char c : text) {
        if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
            out << c;
        } else {
            out << '%' << std::uppercase << std::hex << std::setw(2) << std::setfill('0') << static_cast<int>(c);
        }
    }
    return out.str();
}

// Seconds since the epoch of "YYYY-MM-DDTHH:MM:SSZ"; -1 when it is not one.
std::int64_t epoch_of(const json& timestamp) {
    if (!timestamp.is_string()) {
        return -1;
    }
    std::tm tm{};
    std::istringstream in(timestamp.get<std::string>());
    in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
    return in.fail() ? -1 : static_cast<std::int64_t>(timegm(&tm));
}

std::int64_t now_s() { return now_ms() / 1000; }
constexpr std::int64_t kDay = 24 * 3600;

// A timestamp `days` days after some moment in [from, to] (seconds), give or take a second.
void expect_due_in_days(const json& due, int days, std::int64_t from, std::int64_t to) {
    const auto at = epoch_of(due);
    EXPECT_GE(at, from + days * kDay - 1) << due;
    EXPECT_LE(at, to + days * kDay + 1) << due;
}

class TasksRelationsTest : public TasksFixture {
protected:
    HttpResult depend(const User& user, const json& task, std::int64_t on) {
        return post(user, task_path(task) + "/dependencies", {{"depends_on_id", on}});
    }
    HttpResult undepend(const User& user, const json& task, std::int64_t on) {
        return del(user, task_path(task) + "/dependencies/" + std::to_string(on));
    }
    // A dependency that must be added; the updated task.
    json depend_ok(const User& user, const json& task, const json& on) {
        const auto r = depend(user, task, id_of(on));
        EXPECT_EQ(r.status, 201) << r.body;
        return json::parse(r.body, nullptr, false);
    }

    // POST /api/v1/templates that must succeed; the template.
    json make_template(const User& user, const json& body) {
        const auto r = post(user, "/api/v1/templates", body);
        EXPECT_EQ(r.status, 201) << r.body;
        return json::parse(r.body, nullptr, false);
    }
    static std::string template_path(const json& tpl) {
        return "/api/v1/templates/" + std::to_string(tpl.at("id").get<std::int64_t>());
    }
    HttpResult instantiate(const User& user, const json& tpl, const json& body = nullptr) {
        return post(user, template_path(tpl) + "/instantiate", body);
    }

    // The ids /search finds for the raw text `q` (encoded here), plus extra query parameters.
    Ids found(const User& user, const std::string& q, const std::string& extra = "") {
        return list_ids(user, "/api/v1/tasks/search?q=" + url_encode(q) + extra);
    }
    Ids listed(const User& user, const std::string& q, const std::string& extra = "") {
        return list_ids(user, "/api/v1/tasks?q=" + url_encode(q) + extra);
    }

    std::vector<StoredEvent> events_since(std::int64_t before) { return events_after(before); }
    static std::string describe(const std::vector<StoredEvent>& events) {
        std::string out = "events:";
        for (const auto& e : events) {
            out += " " + std::to_string(e.id) + ":" + e.type + " " + e.data.dump();
        }
        return out;
    }
};

std::set<std::int64_t> as_set(const Ids& ids) { return {ids.begin(), ids.end()}; }

// === dependencies =====================================================================

TEST_P(TasksRelationsTest, AddingADependencyAnswers201WithTheUpdatedTaskAndItsVersionAsETag) {
    const auto alice = member("alice");
    const auto a = create_titled(alice, "Ship");
    const auto b = create_titled(alice, "Build");
    EXPECT_EQ(a["depends_on"], json::array());
    EXPECT_EQ(a["blocked_by"], json::array());
    const auto r = depend(alice, a, id_of(b));
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.header("etag"), "\"2\"");
    const auto task = r.json();
    EXPECT_EQ(id_of(task), id_of(a));
    EXPECT_EQ(task["depends_on"], json({id_of(b)}));
    EXPECT_EQ(task["blocked_by"], json({id_of(b)}));
    EXPECT_EQ(task["version"], 2);
    EXPECT_EQ(task["title"], "Ship");
    EXPECT_EQ(fetch(alice, id_of(a)), task);
    // The dependency itself is untouched.
    EXPECT_EQ(fetch(alice, id_of(b)), b);
}

TEST_P(TasksRelationsTest, DependsOnAndBlockedByListIdsAscendingInEveryView) {
    const auto alice = member("alice");
    const auto a = create_titled(alice, "Release");
    const auto d1 = create_titled(alice, "One");
    const auto d2 = create_titled(alice, "Two");
    const auto d3 = create_titled(alice, "Three");
    depend_ok(alice, a, d3);
    depend_ok(alice, a, d1);
    const auto task = depend_ok(alice, a, d2);
    const json all = {id_of(d1), id_of(d2), id_of(d3)};
    EXPECT_EQ(task["depends_on"], all);
    EXPECT_EQ(task["blocked_by"], all);
    ASSERT_EQ(post(alice, task_path(d2) + "/complete").status, 200);
    const auto after = fetch(alice, id_of(a));
    EXPECT_EQ(after["depends_on"], all);
    EXPECT_EQ(after["blocked_by"], json({id_of(d1), id_of(d3)}));
    // Lists show the same fields as the single task.
    const auto all_tasks = list(alice, "/api/v1/tasks?per_page=100");
    for (const auto& item : all_tasks["items"]) {
        if (id_of(item) == id_of(a)) {
            EXPECT_EQ(item, after);
        }
    }
}

TEST_P(TasksRelationsTest, AddingADependencyLeavesOneTaskUpdatedEventAndAnActivityRow) {
    const auto alice = member("alice");
    const auto a = create_titled(alice, "Dependent");
    const auto b = create_titled(alice, "First");
    const auto c = create_titled(alice, "Second");
    depend_ok(alice, a, b);
    const auto before = last_event_id();
    const auto task = depend_ok(alice, a, c);
    const auto events = events_since(before);
    ASSERT_EQ(events.size(), 1u) << describe(events);
    EXPECT_EQ(events[0].type, "task.updated");
    EXPECT_EQ(events[0].actor_type, "user");
    EXPECT_EQ(events[0].actor_id, json(alice.id));
    EXPECT_EQ(events[0].data["task"], task);
    EXPECT_EQ(events[0].data["changes"], json({{"depends_on", {json({id_of(b)}), json({id_of(b), id_of(c)})}}}));

    const auto items = list(alice, task_path(a) + "/activity")["items"];
    json rows = json::array();
    for (const auto& item : items) {
        if (item["field"] == "depends_on") {
            rows.push_back(item);
        }
    }
    ASSERT_EQ(rows.size(), 2u) << items;
    EXPECT_EQ(rows[1]["action"], "updated");
    EXPECT_EQ(rows[1]["old"], json({id_of(b)}));
    EXPECT_EQ(rows[1]["new"], json({id_of(b), id_of(c)}));
    EXPECT_EQ(rows[1]["via"], json({{"type", "user"}, {"id", alice.id}}));
    EXPECT_EQ(rows[0]["old"], json::array());
}

TEST_P(TasksRelationsTest, AddingAPresentDependencyAgainIs200WithoutVersionBumpOrEvent) {
    const auto alice = member("alice");
    const auto a = create_titled(alice, "A");
    const auto b = create_titled(alice, "B");
    const auto task = depend_ok(alice, a, b);
    const auto before = last_event_id();
    const auto again = depend(alice, a, id_of(b));
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(again.json(), task);
    EXPECT_EQ(again.header("etag"), "\"2\"");
    EXPECT_TRUE(events_since(before).empty()) << describe(events_since(before));
    EXPECT_EQ(fetch(alice, id_of(a)), task);
}

TEST_P(TasksRelationsTest, ADependencyOnAnUnseenOrMissingTaskOrABadIdIs422OnDependsOnId) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto a = create(alice, {{"title", "Shared"}, {"assignee_id", bob.id}});
    const auto alices_other = create_titled(alice, "Alice's other");
    const auto bobs = create_titled(bob, "Bob's");
    const auto path = task_path(a) + "/dependencies";
    const auto before = last_event_id();
    expect_invalid_fields(depend(alice, a, id_of(bobs)), {"depends_on_id"});  // alice cannot see it
    expect_invalid_fields(depend(bob, a, id_of(alices_other)), {"depends_on_id"});  // bob cannot see it
    expect_invalid_fields(depend(alice, a, 999999), {"depends_on_id"});
    expect_invalid_fields(post(alice, path, json::object()), {"depends_on_id"});
    expect_invalid_fields(post(alice, path, {{"depends_on_id", "2"}}), {"depends_on_id"});
    expect_invalid_fields(post(alice, path, {{"depends_on_id", 1.5}}), {"depends_on_id"});
    expect_invalid_fields(post(alice, path, {{"depends_on_id", nullptr}}), {"depends_on_id"});
    EXPECT_TRUE(events_since(before).empty()) << describe(events_since(before));
    EXPECT_EQ(fetch(alice, id_of(a)), a);
    // What the caller can see is fine: bob may make the shared task wait for his own.
    EXPECT_EQ(depend_ok(bob, a, bobs)["depends_on"], json({id_of(bobs)}));
}

TEST_P(TasksRelationsTest, ATaskDependingOnItselfIs409DependencyCycle) {
    const auto alice = member("alice");
    const auto a = create_titled(alice, "Narcissus");
    const auto before = last_event_id();
    expect_error(depend(alice, a, id_of(a)), 409, "dependency_cycle");
    EXPECT_TRUE(events_since(before).empty()) << describe(events_since(before));
    EXPECT_EQ(fetch(alice, id_of(a)), a);
}

TEST_P(TasksRelationsTest, AnEdgeThatClosesACycleIs409AndChangesNothing) {
    const auto alice = member("alice");
    const auto a = create_titled(alice, "A");
    const auto b = create_titled(alice, "B");
    const auto c = create_titled(alice, "C");
    depend_ok(alice, a, b);
    const auto b_after = depend_ok(alice, b, c);
    const auto before = last_event_id();
    expect_error(depend(alice, c, id_of(a)), 409, "dependency_cycle");  // C -> A -> B -> C
    expect_error(depend(alice, c, id_of(b)), 409, "dependency_cycle");  // C -> B -> C
    expect_error(depend(alice, b, id_of(a)), 409, "dependency_cycle");  // B -> A -> B
    EXPECT_TRUE(events_since(before).empty()) << describe(events_since(before));
    EXPECT_EQ(fetch(alice, id_of(c)), c);
    EXPECT_EQ(fetch(alice, id_of(b)), b_after);
    EXPECT_EQ(fetch(alice, id_of(a))["depends_on"], json({id_of(b)}));
}

TEST_P(TasksRelationsTest, EdgesThatCloseNoCycleAreAccepted) {
    const auto alice = member("alice");
    const auto a = create_titled(alice, "A");
    const auto b = create_titled(alice, "B");
    const auto c = create_titled(alice, "C");
    const auto d = create_titled(alice, "D");
    depend_ok(alice, a, b);
    depend_ok(alice, b, c);
    // A diamond and a longer chain into the same task are not cycles.
    EXPECT_EQ(depend_ok(alice, a, c)["depends_on"], json({id_of(b), id_of(c)}));
    EXPECT_EQ(depend_ok(alice, d, a)["depends_on"], json({id_of(a)}));
    EXPECT_EQ(depend_ok(alice, d, c)["depends_on"], json({id_of(a), id_of(c)}));
    // Once B no longer waits for C, C may wait for B.
    ASSERT_EQ(undepend(alice, b, id_of(c)).status, 204);
    expect_error(depend(alice, c, id_of(a)), 409, "dependency_cycle");  // A -> C still
    ASSERT_EQ(undepend(alice, a, id_of(c)).status, 204);
    ASSERT_EQ(undepend(alice, d, id_of(c)).status, 204);
    EXPECT_EQ(depend_ok(alice, c, b)["depends_on"], json({id_of(b)}));
}

TEST_P(TasksRelationsTest, RemovingADependencyAnswers204AndLeavesOneTaskUpdatedEvent) {
    const auto alice = member("alice");
    const auto a = create_titled(alice, "A");
    const auto b = create_titled(alice, "B");
    const auto c = create_titled(alice, "C");
    depend_ok(alice, a, b);
    depend_ok(alice, a, c);
    const auto before = last_event_id();
    const auto r = undepend(alice, a, id_of(b));
    EXPECT_EQ(r.status, 204) << r.body;
    EXPECT_TRUE(r.body.empty()) << r.body;
    const auto task = fetch(alice, id_of(a));
    EXPECT_EQ(task["depends_on"], json({id_of(c)}));
    EXPECT_EQ(task["blocked_by"], json({id_of(c)}));
    EXPECT_EQ(task["version"], 4);
    const auto events = events_since(before);
    ASSERT_EQ(events.size(), 1u) << describe(events);
    EXPECT_EQ(events[0].type, "task.updated");
    EXPECT_EQ(events[0].actor_id, json(alice.id));
    EXPECT_EQ(events[0].data["changes"], json({{"depends_on", {json({id_of(b), id_of(c)}), json({id_of(c)})}}}));
    EXPECT_EQ(events[0].data["task"], task);
}

TEST_P(TasksRelationsTest, RemovingADependencyThatIsNotThereIs404) {
    const auto alice = member("alice");
    const auto a = create_titled(alice, "A");
    const auto b = create_titled(alice, "B");
    const auto c = create_titled(alice, "C");
    depend_ok(alice, a, b);
    const auto before = last_event_id();
    expect_error(undepend(alice, a, id_of(c)), 404, "not_found");   // a task, but not a dependency
    expect_error(undepend(alice, b, id_of(a)), 404, "not_found");   // the edge the other way round
    expect_error(undepend(alice, a, 999999), 404, "not_found");
    expect_error(del(alice, task_path(a) + "/dependencies/abc"), 404, "not_found");
    ASSERT_EQ(undepend(alice, a, id_of(b)).status, 204);
    expect_error(undepend(alice, a, id_of(b)), 404, "not_found");   // already removed
    EXPECT_EQ(events_since(before).size(), 1u) << describe(events_since(before));
    EXPECT_EQ(fetch(alice, id_of(a))["version"], 3);
}

TEST_P(TasksRelationsTest, CompletingABlockedTaskIs409BlockedAndChangesNothing) {
    const auto alice = member("alice");
    const auto a = create(alice, {{"title", "Blocked daily"}, {"recurrence", "daily"}, {"due_date", "2026-11-22"}});
    const auto b = create_titled(alice, "Blocker");
    const auto task = depend_ok(alice, a, b);
    const auto before = last_event_id();
    expect_error(post(alice, task_path(a) + "/complete"), 409, "blocked");
    EXPECT_EQ(fetch(alice, id_of(a)), task);
    EXPECT_TRUE(events_since(before).empty()) << describe(events_since(before));
    EXPECT_EQ(list(alice, "/api/v1/tasks")["total"], 2);  // no next occurrence either
}

TEST_P(TasksRelationsTest, PatchingABlockedTaskToDoneIs409Blocked) {
    const auto alice = member("alice");
    const auto a = create_titled(alice, "A");
    const auto b = create_titled(alice, "B");
    depend_ok(alice, a, b);
    const auto started = patch(alice, task_path(a), {{"status", "in_progress"}});  // other statuses are fine
    ASSERT_EQ(started.status, 200) << started.body;
    const auto before = last_event_id();
    expect_error(patch(alice, task_path(a), {{"status", "done"}}), 409, "blocked");
    expect_error(put(alice, task_path(a), {{"status", "done"}, {"title", "A, finished"}}), 409, "blocked");
    EXPECT_EQ(fetch(alice, id_of(a)), started.json());
    EXPECT_TRUE(events_since(before).empty()) << describe(events_since(before));
}

TEST_P(TasksRelationsTest, CompletingTheDependencyUnblocksTheDependent) {
    const auto alice = member("alice");
    const auto a = create_titled(alice, "Deploy");
    const auto b = create_titled(alice, "Test");
    const auto c = create_titled(alice, "Review");
    depend_ok(alice, a, b);
    depend_ok(alice, a, c);
    ASSERT_EQ(post(alice, task_path(b) + "/complete").status, 200);
    expect_error(post(alice, task_path(a) + "/complete"), 409, "blocked");  // C is still open
    ASSERT_EQ(patch(alice, task_path(c), {{"status", "in_progress"}}).status, 200);
    ASSERT_EQ(patch(alice, task_path(c), {{"status", "done"}}).status, 200);
    const auto unblocked = fetch(alice, id_of(a));
    EXPECT_EQ(unblocked["blocked_by"], json::array());
    EXPECT_EQ(unblocked["depends_on"], json({id_of(b), id_of(c)}));
    const auto r = post(alice, task_path(a) + "/complete");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["status"], "done");
}

TEST_P(TasksRelationsTest, ACancelledOrReopenedDependencyStillBlocks) {
    const auto alice = member("alice");
    const auto a = create_titled(alice, "A");
    const auto b = create_titled(alice, "B");
    depend_ok(alice, a, b);
    // Only the workflow's done statuses (default: done) count; cancelled is not one.
    ASSERT_EQ(patch(alice, task_path(b), {{"status", "cancelled"}}).status, 200);
    EXPECT_EQ(fetch(alice, id_of(a))["blocked_by"], json({id_of(b)}));
    expect_error(post(alice, task_path(a) + "/complete"), 409, "blocked");
    ASSERT_EQ(patch(alice, task_path(b), {{"status", "todo"}}).status, 200);
    ASSERT_EQ(post(alice, task_path(b) + "/complete").status, 200);
    EXPECT_EQ(fetch(alice, id_of(a))["blocked_by"], json::array());
    ASSERT_EQ(patch(alice, task_path(b), {{"status", "todo"}}).status, 200);  // reopened
    EXPECT_EQ(fetch(alice, id_of(a))["blocked_by"], json({id_of(b)}));
    expect_error(post(alice, task_path(a) + "/complete"), 409, "blocked");
}

TEST_P(TasksRelationsTest, DeletingATaskOthersDependOnIs409HasDependents) {
    const auto alice = member("alice");
    const auto a = create_titled(alice, "A");
    const auto b = create_titled(alice, "B");
    const auto task = depend_ok(alice, a, b);
    const auto before = last_event_id();
    expect_error(del(alice, task_path(b)), 409, "has_dependents");
    expect_error(del(admin(), task_path(b)), 409, "has_dependents");
    EXPECT_TRUE(events_since(before).empty()) << describe(events_since(before));
    EXPECT_EQ(fetch(alice, id_of(b)), b);
    EXPECT_EQ(fetch(alice, id_of(a)), task);
    // Without the edge it goes.
    ASSERT_EQ(undepend(alice, a, id_of(b)).status, 204);
    EXPECT_EQ(del(alice, task_path(b)).status, 204);
}

TEST_P(TasksRelationsTest, DeletingATaskWithDependenciesTakesItsEdgesAlong) {
    const auto alice = member("alice");
    const auto a = create_titled(alice, "A");
    const auto b = create_titled(alice, "B");
    const auto c = create_titled(alice, "C");
    depend_ok(alice, a, b);
    depend_ok(alice, a, c);
    const auto r = del(alice, task_path(a));
    ASSERT_EQ(r.status, 204) << r.body;
    expect_error(get(alice, task_path(a)), 404, "not_found");
    // B and C have no dependents any more.
    EXPECT_EQ(del(alice, task_path(b)).status, 204);
    EXPECT_EQ(del(alice, task_path(c)).status, 204);
    EXPECT_EQ(list(alice, "/api/v1/tasks")["total"], 0);
}

TEST_P(TasksRelationsTest, DependencyEndpointsAre404ForWhoCannotSeeTheTaskAnd401WithoutAToken) {
    const auto alice = member("alice");
    const auto carol = member("carol");
    const auto a = create_titled(alice, "A");
    const auto b = create_titled(alice, "B");
    const auto carols = create_titled(carol, "Carol's");
    const auto task = depend_ok(alice, a, b);
    expect_error(depend(carol, a, id_of(carols)), 404, "not_found");
    expect_error(depend(carol, a, id_of(b)), 404, "not_found");
    expect_error(undepend(carol, a, id_of(b)), 404, "not_found");
    expect_error(depend(alice, json{{"id", 999999}}, id_of(b)), 404, "not_found");
    expect_error(undepend(alice, json{{"id", 999999}}, id_of(b)), 404, "not_found");
    expect_error(depend(User{}, a, id_of(b)), 401, "unauthorized");
    expect_error(undepend(User{}, a, id_of(b)), 401, "unauthorized");
    EXPECT_EQ(fetch(alice, id_of(a)), task);
    // An administrator sees everything, so may link anything.
    EXPECT_EQ(depend(admin(), carols, id_of(a)).status, 201);
}

class TasksRelationsWorkflowTest : public TasksRelationsTest {
protected:
    std::string extra_yaml() override {
        return "tasks:\n  workflow:\n    statuses: [open, review, closed, dropped]\n    initial: open\n"
               "    done: [closed, dropped]\n    transitions:\n      open: [review, dropped]\n"
               "      review: [closed, open]\n      closed: [open]\n      dropped: [open]\n";
    }
};

TEST_P(TasksRelationsWorkflowTest, BlockedByFollowsTheConfiguredDoneStatuses) {
    const auto alice = member("alice");
    const auto a = create_titled(alice, "A");
    const auto b = create_titled(alice, "B");
    const auto c = create_titled(alice, "C");
    depend_ok(alice, a, b);
    depend_ok(alice, a, c);
    ASSERT_EQ(patch(alice, task_path(a), {{"status", "review"}}).status, 200);
    ASSERT_EQ(patch(alice, task_path(b), {{"status", "dropped"}}).status, 200);
    EXPECT_EQ(fetch(alice, id_of(a))["blocked_by"], json({id_of(c)}));
    ASSERT_EQ(patch(alice, task_path(c), {{"status", "review"}}).status, 200);
    EXPECT_EQ(fetch(alice, id_of(a))["blocked_by"], json({id_of(c)}));
    expect_error(post(alice, task_path(a) + "/complete"), 409, "blocked");
    ASSERT_EQ(patch(alice, task_path(c), {{"status", "closed"}}).status, 200);
    EXPECT_EQ(fetch(alice, id_of(a))["blocked_by"], json::array());
    const auto r = post(alice, task_path(a) + "/complete");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["status"], "closed");
}

// Enough server workers and connections that requests really run at once.
class TasksRelationsConcurrencyTest : public TasksRelationsTest {
protected:
    std::string extra_yaml() override {
        return "server:\n  host: 127.0.0.1\n  port: 0\n  threads: 8\n  shutdown_timeout: 5s\n"
               "database:\n  url: \"" +
               db_->url() + "\"\n  pool_size: 8\n";
    }
    // POSTs each (target, body) on its own connection, all released at once; the statuses.
    std::vector<int> post_at_once(const User& user, const std::vector<std::pair<std::string, json>>& requests) {
        std::vector<int> statuses(requests.size(), 0);
        std::latch ready(static_cast<std::ptrdiff_t>(requests.size()));
        std::vector<std::thread> clients;
        for (std::size_t i = 0; i < requests.size(); ++i) {
            clients.emplace_back([&, i] {
                try {
                    HttpConnection connection(port(), std::chrono::seconds(30));
                    ready.arrive_and_wait();
                    statuses[i] = connection
                                      .request("POST", requests[i].first, requests[i].second.dump(),
                                               {{"Authorization", "Bearer " + user.token}})
                                      .status;
                } catch (const std::exception&) {
                    statuses[i] = -1;
                }
            });
        }
        for (auto& c : clients) {
            c.join();
        }
        return statuses;
    }
};

TEST_P(TasksRelationsConcurrencyTest, EdgesThatTogetherCloseACycleNeverAllWinWhenSentAtOnce) {
    const auto alice = member("alice");
    for (int round = 0; round < 4; ++round) {
        const auto a = create_titled(alice, "A" + std::to_string(round));
        const auto b = create_titled(alice, "B" + std::to_string(round));
        const auto c = create_titled(alice, "C" + std::to_string(round));
        auto edge = [](const json& from, const json& to) {
            return std::pair<std::string, json>{task_path(from) + "/dependencies", {{"depends_on_id", id_of(to)}}};
        };
        auto statuses = post_at_once(alice, {edge(a, b), edge(b, a), edge(b, c), edge(c, a)});
        std::sort(statuses.begin(), statuses.end());
        EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201) + std::count(statuses.begin(), statuses.end(), 409),
                  4)
            << ::testing::PrintToString(statuses);
        // A -> B with B -> A, or A -> B -> C -> A: a cycle unless at least one of each pair lost.
        const auto da = fetch(alice, id_of(a))["depends_on"];
        const auto db = fetch(alice, id_of(b))["depends_on"];
        const auto dc = fetch(alice, id_of(c))["depends_on"];
        auto has = [](const json& deps, const json& task) {
            return std::find(deps.begin(), deps.end(), task["id"]) != deps.end();
        };
        EXPECT_FALSE(has(da, b) && has(db, a)) << "round " << round << ": A <-> B";
        EXPECT_FALSE(has(da, b) && has(db, c) && has(dc, a)) << "round " << round << ": A -> B -> C -> A";
        EXPECT_GE(std::count(statuses.begin(), statuses.end(), 409), 1) << ::testing::PrintToString(statuses);
    }
}

// === templates ========================================================================

TEST_P(TasksRelationsTest, CreateTemplateAnswers201WithLocationAndFillsDefaults) {
    const auto alice = member("alice");
    const auto r = post(alice, "/api/v1/templates",
                        {{"name", "Release"}, {"task", {{"title", "Cut a release"}}}, {"subtasks", {{{"title", "Tag"}}}}});
    ASSERT_EQ(r.status, 201) << r.body;
    const auto tpl = r.json();
    ASSERT_TRUE(tpl["id"].is_number_integer()) << tpl;
    EXPECT_EQ(r.header("location"), template_path(tpl));
    EXPECT_EQ(tpl["name"], "Release");
    EXPECT_EQ(tpl["creator_id"], alice.id);
    EXPECT_GT(epoch_of(tpl["created_at"]), 0) << tpl;
    EXPECT_GT(epoch_of(tpl["updated_at"]), 0) << tpl;
    EXPECT_EQ(tpl["task"], json({{"title", "Cut a release"},
                                 {"description", ""},
                                 {"priority", "medium"},
                                 {"tags", json::array()},
                                 {"recurrence", nullptr},
                                 {"assignee_id", nullptr},
                                 {"due_in_days", nullptr}}));
    // Subtask items have the task item's shape (a subtask may recur too).
    EXPECT_EQ(tpl["subtasks"], json::array({{{"title", "Tag"},
                                             {"description", ""},
                                             {"priority", "medium"},
                                             {"tags", json::array()},
                                             {"recurrence", nullptr},
                                             {"assignee_id", nullptr},
                                             {"due_in_days", nullptr}}}));
    const auto fetched = get(alice, template_path(tpl));
    ASSERT_EQ(fetched.status, 200) << fetched.body;
    EXPECT_EQ(fetched.json(), tpl);
}

TEST_P(TasksRelationsTest, CreateTemplateStoresEveryGivenFieldUpToTheLimits) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const json task = {{"title", "Onboard"},         {"description", "Welcome aboard"}, {"priority", "high"},
                       {"tags", {"people", "hr"}},   {"recurrence", "weekly"},          {"assignee_id", bob.id},
                       {"due_in_days", 7}};
    const json sub = {{"title", "Laptop"}, {"description", "order it"}, {"priority", "urgent"},
                      {"tags", {"it"}},    {"assignee_id", alice.id},   {"due_in_days", 2}};
    const auto tpl = make_template(alice, {{"name", std::string(100, 'n')},
                                           {"description", std::string(10000, 'd')},
                                           {"task", task},
                                           {"subtasks", json::array({sub})}});
    EXPECT_EQ(tpl["name"], std::string(100, 'n'));
    EXPECT_EQ(tpl["description"], std::string(10000, 'd'));
    EXPECT_EQ(tpl["task"]["title"], "Onboard");
    EXPECT_EQ(tpl["task"]["description"], "Welcome aboard");
    EXPECT_EQ(tpl["task"]["priority"], "high");
    const auto tags = tpl["task"]["tags"].get<std::vector<std::string>>();
    EXPECT_EQ(std::set<std::string>(tags.begin(), tags.end()), (std::set<std::string>{"hr", "people"}));
    EXPECT_EQ(tpl["task"]["recurrence"], "weekly");
    EXPECT_EQ(tpl["task"]["assignee_id"], bob.id);
    EXPECT_EQ(tpl["task"]["due_in_days"], 7);
    ASSERT_EQ(tpl["subtasks"].size(), 1u) << tpl;
    EXPECT_EQ(tpl["subtasks"][0]["title"], "Laptop");
    EXPECT_EQ(tpl["subtasks"][0]["description"], "order it");
    EXPECT_EQ(tpl["subtasks"][0]["priority"], "urgent");
    EXPECT_EQ(tpl["subtasks"][0]["tags"], json({"it"}));
    EXPECT_EQ(tpl["subtasks"][0]["assignee_id"], alice.id);
    EXPECT_EQ(tpl["subtasks"][0]["due_in_days"], 2);
    // Fifty subtasks is the most, and allowed.
    json fifty = json::array();
    for (int i = 0; i < 50; ++i) {
        fifty.push_back({{"title", "Step " + std::to_string(i)}});
    }
    const auto big = make_template(alice, {{"name", "Big"}, {"task", {{"title", "Big"}}}, {"subtasks", fifty}});
    ASSERT_EQ(big["subtasks"].size(), 50u);
    EXPECT_EQ(big["subtasks"][49]["title"], "Step 49");
}

TEST_P(TasksRelationsTest, CreateTemplateRefusesInvalidFieldsNamingEachField) {
    const auto alice = member("alice");
    const json task = {{"title", "T"}};
    auto with = [&](json body) {
        if (!body.contains("name")) {
            body["name"] = "N";
        }
        if (!body.contains("task")) {
            body["task"] = task;
        }
        return post(alice, "/api/v1/templates", body);
    };
    expect_invalid_fields(post(alice, "/api/v1/templates", {{"task", task}}), {"name"});
    expect_invalid_fields(with({{"name", "   "}}), {"name"});
    expect_invalid_fields(with({{"name", std::string(101, 'n')}}), {"name"});
    expect_invalid_fields(with({{"name", 7}}), {"name"});
    expect_invalid_fields(with({{"description", std::string(10001, 'd')}}), {"description"});
    expect_invalid_fields(with({{"task", {{"description", "no title"}}}}), {"task.title"});
    expect_invalid_fields(with({{"task", {{"title", "  "}}}}), {"task.title"});
    expect_invalid_fields(with({{"task", {{"title", "T"}, {"priority", "p0"}}}}), {"task.priority"});
    expect_invalid_fields(with({{"subtasks", {{{"title", "ok"}}, {{"priority", "low"}}}}}), {"subtasks[1].title"});
    expect_invalid_fields(with({{"subtasks", "steps"}}), {"subtasks"});
    json many = json::array();
    for (int i = 0; i < 51; ++i) {
        many.push_back({{"title", "s"}});
    }
    expect_invalid_fields(with({{"subtasks", many}}), {"subtasks"});
    expect_invalid_fields(with({{"colour", "red"}}), {"colour"});
    // Every problem at once.
    expect_invalid_fields(post(alice, "/api/v1/templates",
                               {{"name", ""},
                                {"task", {{"title", "T"}, {"priority", "p0"}}},
                                {"subtasks", {{{"title", "ok"}}, {{"title", ""}}}},
                                {"owner", "alice"}}),
                          {"name", "task.priority", "subtasks[1].title", "owner"});
    EXPECT_EQ(list(alice, "/api/v1/templates")["total"], 0);
}

TEST_P(TasksRelationsTest, EveryUserListsAndReadsEveryTemplateAndAnUnknownOneIs404) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto t1 = make_template(alice, {{"name", "One"}, {"task", {{"title", "1"}}}});
    const auto t2 = make_template(alice, {{"name", "Two"}, {"task", {{"title", "2"}}}});
    const auto t3 = make_template(bob, {{"name", "Three"}, {"task", {{"title", "3"}}}});
    for (const auto& who : {alice, bob, admin()}) {
        const auto body = list(who, "/api/v1/templates");
        EXPECT_EQ(body["total"], 3);
        EXPECT_EQ(body["page"], 1);
        EXPECT_EQ(body["per_page"], 20);
        EXPECT_EQ(as_set(item_ids(body)), as_set({id_of(t1), id_of(t2), id_of(t3)}));
    }
    const auto paged = list(bob, "/api/v1/templates?per_page=2&page=2");
    EXPECT_EQ(paged["total"], 3);
    EXPECT_EQ(paged["items"].size(), 1u);
    EXPECT_EQ(get(bob, template_path(t1)).json(), t1);
    const json unknown = {{"id", 999999}};
    expect_error(get(alice, template_path(unknown)), 404, "not_found");
    expect_error(get(alice, "/api/v1/templates/abc"), 404, "not_found");
    expect_error(patch(alice, template_path(unknown), {{"name", "x"}}), 404, "not_found");
    expect_error(del(alice, template_path(unknown)), 404, "not_found");
    expect_error(instantiate(alice, unknown), 404, "not_found");
    expect_error(get(User{}, "/api/v1/templates"), 401, "unauthorized");
    expect_error(post(User{}, "/api/v1/templates", {{"name", "x"}, {"task", {{"title", "x"}}}}), 401, "unauthorized");
}

TEST_P(TasksRelationsTest, TheCreatorAndAnAdminUpdateATemplateOthersGet403) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto tpl = make_template(alice, {{"name", "Mine"}, {"description", "keep"}, {"task", {{"title", "T"}}}});
    expect_error(patch(bob, template_path(tpl), {{"name", "Bob's now"}}), 403, "forbidden");
    expect_error(put(bob, template_path(tpl), {{"name", "Bob's now"}}), 403, "forbidden");
    EXPECT_EQ(get(alice, template_path(tpl)).json(), tpl);

    auto r = patch(alice, template_path(tpl), {{"name", "Renamed"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["name"], "Renamed");
    EXPECT_EQ(r.json()["description"], "keep");
    EXPECT_EQ(r.json()["task"], tpl["task"]);
    EXPECT_EQ(r.json()["creator_id"], alice.id);
    EXPECT_EQ(r.json()["created_at"], tpl["created_at"]);
    r = put(admin(), template_path(tpl), {{"description", "by the admin"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["name"], "Renamed");
    EXPECT_EQ(r.json()["description"], "by the admin");
    EXPECT_EQ(r.json()["creator_id"], alice.id);
    EXPECT_EQ(get(bob, template_path(tpl)).json(), r.json());

    // An invalid update changes nothing.
    expect_invalid_fields(patch(alice, template_path(tpl), {{"name", " "}}), {"name"});
    expect_invalid_fields(patch(alice, template_path(tpl), {{"task", {{"priority", "low"}}}}), {"task.title"});
    expect_invalid_fields(patch(alice, template_path(tpl), {{"colour", "red"}}), {"colour"});
    EXPECT_EQ(get(alice, template_path(tpl)).json(), r.json());
}

TEST_P(TasksRelationsTest, UpdatingATemplateReplacesEachGivenTopLevelKeyWhole) {
    const auto alice = member("alice");
    const auto tpl = make_template(alice, {{"name", "Sprint"},
                                           {"task", {{"title", "Sprint"}, {"priority", "high"}, {"due_in_days", 14}}},
                                           {"subtasks", {{{"title", "Plan"}}, {{"title", "Demo"}}, {{"title", "Retro"}}}}});
    auto r = patch(alice, template_path(tpl), {{"task", {{"title", "Sprint 2"}}}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["task"]["title"], "Sprint 2");
    EXPECT_EQ(r.json()["task"]["priority"], "medium");  // replaced, not merged
    EXPECT_TRUE(r.json()["task"]["due_in_days"].is_null()) << r.body;
    EXPECT_EQ(r.json()["subtasks"], tpl["subtasks"]);
    r = put(alice, template_path(tpl), {{"subtasks", {{{"title", "Only step"}}}}});
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(r.json()["subtasks"].size(), 1u) << r.body;
    EXPECT_EQ(r.json()["subtasks"][0]["title"], "Only step");
    EXPECT_EQ(r.json()["task"]["title"], "Sprint 2");
    EXPECT_EQ(r.json()["name"], "Sprint");
    EXPECT_EQ(get(alice, template_path(tpl)).json(), r.json());
}

TEST_P(TasksRelationsTest, TheCreatorAndAnAdminDeleteATemplateOthersGet403) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto mine = make_template(alice, {{"name", "Alice's"}, {"task", {{"title", "A"}}}});
    const auto bobs = make_template(bob, {{"name", "Bob's"}, {"task", {{"title", "B"}}}});
    expect_error(del(bob, template_path(mine)), 403, "forbidden");
    EXPECT_EQ(get(bob, template_path(mine)).status, 200);
    auto r = del(alice, template_path(mine));
    EXPECT_EQ(r.status, 204) << r.body;
    EXPECT_TRUE(r.body.empty()) << r.body;
    expect_error(get(alice, template_path(mine)), 404, "not_found");
    expect_error(del(alice, template_path(mine)), 404, "not_found");
    expect_error(instantiate(alice, mine), 404, "not_found");
    EXPECT_EQ(del(admin(), template_path(bobs)).status, 204);
    EXPECT_EQ(list(bob, "/api/v1/templates")["total"], 0);
}

TEST_P(TasksRelationsTest, InstantiateCreatesTheTaskAndItsSubtasksInTemplateOrder) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto carol = member("carol");
    const auto tpl = make_template(alice, {{"name", "Onboarding"},
                                           {"task",
                                            {{"title", "Onboard Dave"},
                                             {"description", "all of it"},
                                             {"priority", "high"},
                                             {"tags", {"people"}},
                                             {"recurrence", "monthly"},
                                             {"assignee_id", bob.id},
                                             {"due_in_days", 10}}},
                                           {"subtasks",
                                            {{{"title", "Laptop"}, {"priority", "urgent"}, {"due_in_days", 1}},
                                             {{"title", "Accounts"}, {"tags", {"it"}}, {"assignee_id", bob.id}},
                                             {{"title", "Buddy"}, {"description", "pick one"}}}}});
    const auto from = now_s();
    const auto r = instantiate(carol, tpl, json::object());
    const auto to = now_s();
    ASSERT_EQ(r.status, 201) << r.body;
    const auto body = r.json();
    const auto main_id = id_of(body);
    EXPECT_EQ(r.header("location"), task_path(main_id));
    EXPECT_EQ(body["title"], "Onboard Dave");
    EXPECT_EQ(body["description"], "all of it");
    EXPECT_EQ(body["priority"], "high");
    EXPECT_EQ(body["tags"], json({"people"}));
    EXPECT_EQ(body["recurrence"], "monthly");
    EXPECT_EQ(body["assignee_id"], bob.id);
    EXPECT_EQ(body["creator_id"], carol.id);
    EXPECT_TRUE(body["parent_id"].is_null()) << body;
    EXPECT_EQ(body["status"], "todo");
    expect_due_in_days(body["due_date"], 10, from, to);

    const auto& subs = body["subtasks"];
    ASSERT_EQ(subs.size(), 3u) << body;
    EXPECT_EQ(subs[0]["title"], "Laptop");
    EXPECT_EQ(subs[1]["title"], "Accounts");
    EXPECT_EQ(subs[2]["title"], "Buddy");
    for (const auto& sub : subs) {
        EXPECT_EQ(sub["parent_id"], main_id) << sub;
        EXPECT_EQ(sub["creator_id"], carol.id) << sub;
        EXPECT_TRUE(sub["recurrence"].is_null()) << sub;
        EXPECT_EQ(fetch(carol, id_of(sub)), sub);
    }
    EXPECT_EQ(subs[0]["priority"], "urgent");
    expect_due_in_days(subs[0]["due_date"], 1, from, to);
    EXPECT_TRUE(subs[0]["assignee_id"].is_null()) << subs[0];
    EXPECT_EQ(subs[1]["tags"], json({"it"}));
    EXPECT_EQ(subs[1]["assignee_id"], bob.id);
    EXPECT_TRUE(subs[1]["due_date"].is_null()) << subs[1];
    EXPECT_EQ(subs[2]["description"], "pick one");
    EXPECT_EQ(subs[2]["priority"], "medium");

    // The body is the stored task plus its subtasks.
    auto main_only = body;
    main_only.erase("subtasks");
    EXPECT_EQ(fetch(carol, main_id), main_only);
    EXPECT_EQ(as_set(list_ids(carol, task_path(main_id) + "/subtasks")),
              as_set({id_of(subs[0]), id_of(subs[1]), id_of(subs[2])}));
    EXPECT_EQ(list(carol, "/api/v1/tasks")["total"], 4);
}

TEST_P(TasksRelationsTest, InstantiateOverridesApplyToTheMainTaskOnlyAndTheBodyIsOptional) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto carol = member("carol");
    const auto parent = create_titled(alice, "Programme");
    const auto tpl = make_template(carol, {{"name", "Launch"},
                                           {"task", {{"title", "Launch"}, {"assignee_id", carol.id}, {"due_in_days", 5}}},
                                           {"subtasks", {{{"title", "Announce"}, {"due_in_days", 3}}}}});
    const auto from = now_s();
    const auto r = instantiate(alice, tpl,
                               {{"title", "  Launch v2  "},
                                {"due_date", "2026-12-01T10:00:00+01:00"},
                                {"assignee_id", bob.id},
                                {"parent_id", id_of(parent)}});
    const auto to = now_s();
    ASSERT_EQ(r.status, 201) << r.body;
    const auto body = r.json();
    EXPECT_EQ(body["title"], "Launch v2");
    EXPECT_EQ(body["due_date"], "2026-12-01T09:00:00Z");
    EXPECT_EQ(body["assignee_id"], bob.id);
    EXPECT_EQ(body["parent_id"], id_of(parent));
    EXPECT_EQ(body["creator_id"], alice.id);
    ASSERT_EQ(body["subtasks"].size(), 1u) << body;
    const auto& sub = body["subtasks"][0];
    EXPECT_EQ(sub["title"], "Announce");
    EXPECT_TRUE(sub["assignee_id"].is_null()) << sub;
    EXPECT_EQ(sub["parent_id"], id_of(body));
    expect_due_in_days(sub["due_date"], 3, from, to);
    EXPECT_EQ(list_ids(alice, task_path(parent) + "/subtasks"), Ids{id_of(body)});

    // No body at all, or an empty one: the template as it is.
    for (const auto& request : {json(nullptr), json::object()}) {
        const auto plain = instantiate(bob, tpl, request);
        ASSERT_EQ(plain.status, 201) << plain.body;
        EXPECT_EQ(plain.json()["title"], "Launch");
        EXPECT_EQ(plain.json()["assignee_id"], carol.id);
        EXPECT_EQ(plain.json()["creator_id"], bob.id);
        EXPECT_EQ(plain.json()["subtasks"].size(), 1u);
    }
}

TEST_P(TasksRelationsTest, InstantiateLeavesOneTaskCreatedEventPerTaskMainFirst) {
    const auto alice = member("alice");
    const auto tpl = make_template(
        alice, {{"name", "Trip"}, {"task", {{"title", "Trip"}}}, {"subtasks", {{{"title", "Book"}}, {{"title", "Pack"}}}}});
    const auto before = last_event_id();
    const auto r = instantiate(alice, tpl);
    ASSERT_EQ(r.status, 201) << r.body;
    const auto body = r.json();
    const auto events = events_since(before);
    ASSERT_EQ(events.size(), 3u) << describe(events);
    const Ids expected = {id_of(body), id_of(body["subtasks"][0]), id_of(body["subtasks"][1])};
    for (std::size_t i = 0; i < events.size(); ++i) {
        EXPECT_EQ(events[i].type, "task.created");
        EXPECT_EQ(events[i].actor_type, "user");
        EXPECT_EQ(events[i].actor_id, json(alice.id));
        EXPECT_EQ(events[i].data["task"]["id"], expected[i]) << describe(events);
    }
    EXPECT_EQ(events[1].data["task"], body["subtasks"][0]);
}

TEST_P(TasksRelationsTest, AnInvalidInstantiateCreatesNothingAndLeavesNoEvent) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto bobs = create_titled(bob, "Bob's");
    const auto tpl = make_template(
        alice, {{"name", "Party"}, {"task", {{"title", "Party"}}}, {"subtasks", {{{"title", "Cake"}}, {{"title", "Music"}}}}});
    const auto before = last_event_id();
    expect_invalid_fields(instantiate(alice, tpl, {{"assignee_id", 999999}}), {"assignee_id"});
    expect_invalid_fields(instantiate(alice, tpl, {{"parent_id", id_of(bobs)}}), {"parent_id"});
    expect_invalid_fields(instantiate(alice, tpl, {{"parent_id", 999999}}), {"parent_id"});
    expect_invalid_fields(instantiate(alice, tpl, {{"due_date", "soon"}}), {"due_date"});
    expect_invalid_fields(instantiate(alice, tpl, {{"title", "   "}}), {"title"});
    EXPECT_TRUE(events_since(before).empty()) << describe(events_since(before));
    EXPECT_EQ(list(alice, "/api/v1/tasks")["total"], 0);
    EXPECT_EQ(list(admin(), "/api/v1/tasks")["total"], 1);
}

TEST_P(TasksRelationsTest, ASubtaskThatCannotBeCreatedRollsBackTheWholeInstantiate) {
    const auto alice = member("alice");
    const auto dave = member("dave");
    const auto tpl = make_template(alice, {{"name", "Handover"},
                                           {"task", {{"title", "Handover"}}},
                                           {"subtasks", {{{"title", "Docs"}}, {{"title", "Keys"}, {"assignee_id", dave.id}}}}});
    // Dave leaves: the second subtask can no longer be assigned to him.
    const auto off = put(admin(), "/api/v1/users/" + std::to_string(dave.id) + "/active", {{"is_active", false}});
    ASSERT_EQ(off.status, 200) << off.body;
    expect_invalid_fields(post(alice, "/api/v1/tasks", {{"title", "x"}, {"assignee_id", dave.id}}), {"assignee_id"});
    const auto before = last_event_id();
    const auto r = instantiate(alice, tpl);
    EXPECT_EQ(r.status, 422) << r.body;
    EXPECT_TRUE(events_since(before).empty()) << describe(events_since(before));
    EXPECT_EQ(list(admin(), "/api/v1/tasks")["total"], 0);
    EXPECT_EQ(list(admin(), "/api/v1/tasks/search?q=handover")["total"], 0);
    EXPECT_EQ(list(admin(), "/api/v1/tasks/search?q=keys")["total"], 0);
}

// === search ===========================================================================

TEST_P(TasksRelationsTest, SearchRequiresEveryWordAsACaseInsensitivePrefix) {
    const auto alice = member("alice");
    const auto pipeline = id_of(create(alice, {{"title", "Deployment pipeline"}, {"description", "Blue GREEN"}}));
    const auto notes = id_of(create(alice, {{"title", "Notes"}, {"description", "how we deploy on Fridays"}}));
    const auto other = id_of(create_titled(alice, "Pipe fitting"));
    EXPECT_EQ(as_set(found(alice, "deplo")), as_set({pipeline, notes}));
    EXPECT_EQ(as_set(found(alice, "DEPLOY")), as_set({pipeline, notes}));
    EXPECT_EQ(as_set(found(alice, "pipe")), as_set({pipeline, other}));
    EXPECT_EQ(found(alice, "deploy pipe"), Ids{pipeline});
    EXPECT_EQ(found(alice, "Pipeline DEPLOYMENT"), Ids{pipeline});  // order does not matter
    EXPECT_EQ(found(alice, "green deploy"), Ids{pipeline});          // title and description together
    EXPECT_EQ(found(alice, "fri dep"), Ids{notes});
    EXPECT_EQ(found(alice, "deploy fitting"), Ids{});
    EXPECT_EQ(found(alice, "deployments"), Ids{});  // a prefix of the query is not enough
    const auto body = list(alice, "/api/v1/tasks/search?q=deplo&per_page=1");
    EXPECT_EQ(body["total"], 2);
    EXPECT_EQ(body["items"].size(), 1u);
}

TEST_P(TasksRelationsTest, SearchSplitsTheQueryOnAnythingButLettersAndDigits) {
    const auto alice = member("alice");
    const auto pipeline = id_of(create_titled(alice, "Deployment pipeline v2"));
    const auto naive = id_of(create_titled(alice, "naïve bayes"));
    const auto native = id_of(create_titled(alice, "native app"));
    EXPECT_EQ(found(alice, "deploy-pipeline"), Ids{pipeline});
    EXPECT_EQ(found(alice, "deploy,pipe;v2!"), Ids{pipeline});
    EXPECT_EQ(found(alice, "  deploy\t\npipeline  "), Ids{pipeline});
    EXPECT_EQ(found(alice, "(v2)"), Ids{pipeline});
    EXPECT_EQ(found(alice, "naïve"), Ids{naive});  // ï is a letter: one word, not "na" and "ve"
    EXPECT_EQ(found(alice, "nat"), Ids{native});
    const auto ecole = id_of(create_titled(alice, "École d'été"));
    EXPECT_EQ(found(alice, "école"), Ids{ecole});  // case-insensitive beyond ASCII too
    EXPECT_EQ(found(alice, "ÉCOLE ÉTÉ"), Ids{ecole});
}

TEST_P(TasksRelationsTest, FtsSyntaxInQIsMatchedAsPlainWordsAndNeverAnError) {
    const auto alice = member("alice");
    const auto pipeline = id_of(create_titled(alice, "Deployment pipeline"));
    const auto order = id_of(create(alice, {{"title", "Order chairs"}, {"description", "nearby store"}}));
    // Operators are words like any other, every one of which must match.
    EXPECT_EQ(found(alice, "deploy OR nothingatall"), Ids{});
    EXPECT_EQ(found(alice, "OR"), Ids{order});
    EXPECT_EQ(found(alice, "NEAR"), Ids{order});
    EXPECT_EQ(found(alice, "NEAR(deploy pipeline)"), Ids{});
    EXPECT_EQ(found(alice, "deploy -pipeline"), Ids{pipeline});
    EXPECT_EQ(found(alice, "deploy NOT pipeline"), Ids{});
    EXPECT_EQ(found(alice, "\"deploy pipeline\""), Ids{pipeline});
    EXPECT_EQ(found(alice, "deploy* pipe:*"), Ids{pipeline});
    EXPECT_EQ(found(alice, "title:deploy"), Ids{});  // no column filter: "title" is a word too
    EXPECT_EQ(found(alice, "'deploy' & !pipeline | x <-> y"), Ids{});
    EXPECT_EQ(found(alice, "'deploy' & !pipeline"), Ids{pipeline});
    for (const std::string q : {"\"", "*", "'", ":", "-", "(", ")", "\"*(", "NEAR(", "OR OR", "AND", "^", "+",
                                "{deploy}", "deploy\"", "pipe\\", "%", "_", "a:*", "!(", "&", "|", "<->", "''"}) {
        for (const std::string prefix : {"/api/v1/tasks/search?q=", "/api/v1/tasks?q="}) {
            const auto r = get(alice, prefix + url_encode(q));
            EXPECT_EQ(r.status, 200) << prefix << q << ": " << r.body;
        }
    }
}

TEST_P(TasksRelationsTest, AQWithNoWordFindsNothing) {
    const auto alice = member("alice");
    create_titled(alice, "Anything at all");
    for (const std::string q : {"\"*(", "***", "--", "()", "'\"'", ":-:", "!"}) {
        for (const std::string prefix : {"/api/v1/tasks/search?q=", "/api/v1/tasks?q="}) {
            const auto body = list(alice, prefix + url_encode(q));
            EXPECT_EQ(body["total"], 0) << prefix << q;
            EXPECT_EQ(body["items"], json::array()) << prefix << q;
        }
    }
    EXPECT_EQ(list(alice, "/api/v1/tasks/search?q=%22%2A%28")["total"], 0);
}

TEST_P(TasksRelationsTest, SearchOrdersByRelevanceUnlessSortIsGiven) {
    const auto alice = member("alice");
    std::string filler;
    for (int i = 0; i < 40; ++i) {
        filler += " budget quarter meeting agenda item" + std::to_string(i);
    }
    const auto most = id_of(
        create(alice, {{"title", "Kubernetes upgrade"}, {"description", "kubernetes kubernetes kubernetes cluster"}}));
    const auto least = id_of(create(alice, {{"title", "Quarterly planning"}, {"description", "kubernetes" + filler}}));
    const auto middle = id_of(create(alice, {{"title", "Cluster notes"}, {"description", "kubernetes kubernetes"}}));
    EXPECT_EQ(found(alice, "kubernetes"), (Ids{most, middle, least}));
    EXPECT_EQ(found(alice, "kubernetes", "&per_page=1&page=2"), Ids{middle});  // pages follow relevance
    EXPECT_EQ(found(alice, "kubernetes", "&sort=created_at"), (Ids{most, least, middle}));
    EXPECT_EQ(found(alice, "kubernetes", "&sort=-created_at"), (Ids{middle, least, most}));
    // The list keeps its own sort (default newest first).
    EXPECT_EQ(listed(alice, "kubernetes"), (Ids{middle, least, most}));
    EXPECT_EQ(listed(alice, "kube", "&sort=created_at"), (Ids{most, least, middle}));
}

TEST_P(TasksRelationsTest, TheListQFilterMatchesLikeSearchAndCombinesWithOtherFilters) {
    const auto alice = member("alice");
    const auto a = id_of(create(alice, {{"title", "Invoice March"}, {"priority", "high"}}));
    const auto b = id_of(create(alice, {{"title", "invoices April"}, {"priority", "low"}}));
    create_titled(alice, "Receipts");
    EXPECT_EQ(as_set(listed(alice, "INVOIC")), as_set({a, b}));
    EXPECT_EQ(listed(alice, "invoice march"), Ids{a});
    EXPECT_EQ(listed(alice, "invoice", "&priority=low"), Ids{b});
    EXPECT_EQ(found(alice, "invoice", "&priority=low"), Ids{b});
    EXPECT_EQ(listed(alice, "invoice-apr"), Ids{b});
    EXPECT_EQ(list(alice, "/api/v1/tasks?q=" + url_encode("invoice OR receipts"))["total"], 0);
}

TEST_P(TasksRelationsTest, TheIndexFollowsEveryWrite) {
    const auto alice = member("alice");
    const auto task = create(alice, {{"title", "Legacy migration"}, {"description", "old stack"}});
    EXPECT_EQ(found(alice, "legacy"), Ids{id_of(task)});
    ASSERT_EQ(patch(alice, task_path(task), {{"title", "Modern rollout"}}).status, 200);
    EXPECT_EQ(found(alice, "legacy"), Ids{});
    EXPECT_EQ(found(alice, "rollout"), Ids{id_of(task)});
    EXPECT_EQ(found(alice, "stack"), Ids{id_of(task)});
    ASSERT_EQ(put(alice, task_path(task), {{"description", "new platform"}}).status, 200);
    EXPECT_EQ(found(alice, "stack"), Ids{});
    EXPECT_EQ(found(alice, "modern platform"), Ids{id_of(task)});
    ASSERT_EQ(patch(alice, task_path(task), {{"status", "in_progress"}, {"priority", "high"}}).status, 200);
    EXPECT_EQ(found(alice, "rollout"), Ids{id_of(task)});  // other writes keep it indexed
    ASSERT_EQ(del(alice, task_path(task)).status, 204);
    EXPECT_EQ(list(alice, "/api/v1/tasks/search?q=rollout")["total"], 0);
    EXPECT_EQ(list(admin(), "/api/v1/tasks/search?q=rollout")["total"], 0);
    // A new task reusing the words is found alone.
    const auto again = create_titled(alice, "Modern rollout, take two");
    EXPECT_EQ(found(alice, "modern rollout"), Ids{id_of(again)});
}

TEST_P(TasksRelationsTest, TasksCreatedByInstantiateAndRecurrenceAreFound) {
    const auto alice = member("alice");
    const auto tpl = make_template(alice, {{"name", "Onboarding"},
                                           {"task", {{"title", "Onboarding checklist"}}},
                                           {"subtasks", {{{"title", "Provision laptop"}, {"description", "ThinkPad"}}}}});
    const auto made = instantiate(alice, tpl, {{"title", "Welcome Zoe"}});
    ASSERT_EQ(made.status, 201) << made.body;
    EXPECT_EQ(found(alice, "zoe"), Ids{id_of(made.json())});
    EXPECT_EQ(found(alice, "onboarding"), Ids{});  // the override replaced the title
    EXPECT_EQ(found(alice, "thinkpad laptop"), Ids{id_of(made.json()["subtasks"][0])});

    const auto daily = create(alice, {{"title", "Invoice run"}, {"recurrence", "daily"}, {"due_date", "2026-11-22"}});
    ASSERT_EQ(post(alice, task_path(daily) + "/complete").status, 200);
    const auto invoices = found(alice, "invoice");
    EXPECT_EQ(invoices.size(), 2u);
    EXPECT_EQ(found(alice, "invoice", "&status=todo").size(), 1u);
    EXPECT_NE(found(alice, "invoice", "&status=todo"), Ids{id_of(daily)});
}

TEST_P(TasksRelationsTest, SearchNeverReturnsOrCountsTasksTheCallerCannotSee) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    Ids alices;
    for (int i = 0; i < 3; ++i) {
        alices.push_back(id_of(create_titled(alice, "Budget review " + std::to_string(i))));
    }
    const auto shared = id_of(create(alice, {{"title", "Budget for Bob"}, {"assignee_id", bob.id}}));
    const auto bobs = id_of(create_titled(bob, "Budget of Bob"));
    auto body = list(bob, "/api/v1/tasks/search?q=budget&per_page=1");
    EXPECT_EQ(body["total"], 2);
    EXPECT_EQ(as_set(found(bob, "budget")), as_set({shared, bobs}));
    EXPECT_EQ(list(bob, "/api/v1/tasks?q=budget")["total"], 2);
    EXPECT_EQ(found(bob, "review"), Ids{});
    EXPECT_EQ(list(alice, "/api/v1/tasks/search?q=budget&per_page=2")["total"], 4);
    EXPECT_EQ(found(alice, "bob"), Ids{shared});
    EXPECT_EQ(list(admin(), "/api/v1/tasks/search?q=budget")["total"], 5);
    // Unassigning takes the shared task out of Bob's results.
    ASSERT_EQ(post(alice, task_path(shared) + "/assign", {{"assignee_id", nullptr}}).status, 200);
    EXPECT_EQ(found(bob, "budget"), Ids{bobs});
}

INSTANTIATE_TEST_SUITE_P(Dialects, TasksRelationsTest, ::testing::Values(sdk::Dialect::Sqlite, sdk::Dialect::Postgresql),
                         [](const auto& info) { return dialect_name(info.param); });
INSTANTIATE_TEST_SUITE_P(Dialects, TasksRelationsConcurrencyTest,
                         ::testing::Values(sdk::Dialect::Sqlite, sdk::Dialect::Postgresql),
                         [](const auto& info) { return dialect_name(info.param); });
INSTANTIATE_TEST_SUITE_P(Dialects, TasksRelationsWorkflowTest,
                         ::testing::Values(sdk::Dialect::Sqlite, sdk::Dialect::Postgresql),
                         [](const auto& info) { return dialect_name(info.param); });

}  // namespace
}  // namespace tasklane::test::tasks
