// Every row of the "Tasks" table of DESIGN.md section 5 (this slice: CRUD,
// lists, search, assign, complete, subtasks, activity), end to end through the
// real server on a real socket, against a fresh SQLite file and a fresh
// PostgreSQL database; and visibility: a task the caller may not see is 404
// and never listed or counted.
#include "tasks_fixture.hpp"

#include <regex>

namespace tasklane::test::tasks {
namespace {

using nlohmann::json;

const std::regex kTimestamp(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)");

bool is_timestamp(const json& value) {
    return value.is_string() && std::regex_match(value.get<std::string>(), kTimestamp);
}

std::set<std::int64_t> as_set(const std::vector<std::int64_t>& ids) { return {ids.begin(), ids.end()}; }

class TasksTest : public TasksFixture {};

// --- POST /api/v1/tasks ----------------------------------------------------------

TEST_P(TasksTest, CreateAnswers201WithLocationETagTrimmedTitleAndDefaults) {
    const auto alice = member("alice");
    const auto r = post(alice, "/api/v1/tasks", {{"title", "  \tWrite the report \n"}});
    ASSERT_EQ(r.status, 201) << r.body;
    const auto task = r.json();
    EXPECT_TRUE(task["id"].is_number_integer() && id_of(task) > 0) << task;
    EXPECT_EQ(r.header("location"), task_path(task));
    EXPECT_EQ(r.header("etag"), "\"1\"");
    EXPECT_EQ(task["title"], "Write the report");
    EXPECT_EQ(task["description"], "");
    EXPECT_EQ(task["status"], "todo");
    EXPECT_EQ(task["priority"], "medium");
    EXPECT_EQ(task["creator_id"], alice.id);
    EXPECT_TRUE(task["assignee_id"].is_null()) << task;
    EXPECT_TRUE(task["parent_id"].is_null()) << task;
    EXPECT_TRUE(task["due_date"].is_null()) << task;
    EXPECT_TRUE(task["recurrence"].is_null()) << task;
    EXPECT_TRUE(task["completed_at"].is_null()) << task;
    EXPECT_EQ(task["tags"], json::array());
    EXPECT_EQ(task["blocked_by"], json::array());
    EXPECT_EQ(task["version"], 1);
    EXPECT_TRUE(is_timestamp(task["created_at"])) << task;
    EXPECT_EQ(task["updated_at"], task["created_at"]);
    // What was answered is what is stored.
    EXPECT_EQ(fetch(alice, id_of(task)), task);
}

TEST_P(TasksTest, CreateStoresEveryGivenField) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto parent = create_titled(alice, "Parent");
    const auto task = create(alice, {{"title", "Quarterly numbers"},
                                     {"description", "Revenue and costs"},
                                     {"priority", "urgent"},
                                     {"due_date", "2026-11-22T19:00:00+01:00"},
                                     {"assignee_id", bob.id},
                                     {"parent_id", id_of(parent)},
                                     {"tags", {"q4", "finance", "q4"}},
                                     {"recurrence", "RRULE:FREQ=WEEKLY;BYDAY=MO"}});
    EXPECT_EQ(task["description"], "Revenue and costs");
    EXPECT_EQ(task["priority"], "urgent");
    EXPECT_EQ(task["due_date"], "2026-11-22T18:00:00Z");  // normalised to UTC
    EXPECT_EQ(task["assignee_id"], bob.id);
    EXPECT_EQ(task["parent_id"], id_of(parent));
    EXPECT_EQ(task["tags"], json({"finance", "q4"}));  // a set, sorted
    EXPECT_EQ(task["recurrence"], "RRULE:FREQ=WEEKLY;BYDAY=MO");
    EXPECT_EQ(fetch(alice, id_of(task)), task);
    // A date alone is midnight UTC; exactly 200 characters is allowed.
    const auto dated = create(alice, {{"title", std::string(200, 'x')}, {"due_date", "2026-12-01"}});
    EXPECT_EQ(dated["due_date"], "2026-12-01T00:00:00Z");
    EXPECT_EQ(dated["title"].get<std::string>().size(), 200u);
    // Characters, not bytes: 200 two-byte characters fit.
    std::string accented;
    for (int i = 0; i < 200; ++i) {
        accented += "\u00e9";
    }
    EXPECT_EQ(create(alice, {{"title", accented}})["title"], accented);
}

TEST_P(TasksTest, CreateRefusesInvalidFieldsWith422NamingEachField) {
    const auto alice = member("alice");
    expect_invalid_fields(post(alice, "/api/v1/tasks", json::object()), {"title"});
    expect_invalid_fields(post(alice, "/api/v1/tasks", {{"title", ""}}), {"title"});
    expect_invalid_fields(post(alice, "/api/v1/tasks", {{"title", "   \t "}}), {"title"});
    expect_invalid_fields(post(alice, "/api/v1/tasks", {{"title", std::string(201, 'x')}}), {"title"});
    expect_invalid_fields(post(alice, "/api/v1/tasks", {{"title", 42}}), {"title"});
    std::string accented;
    for (int i = 0; i < 201; ++i) {
        accented += "\u00e9";
    }
    expect_invalid_fields(post(alice, "/api/v1/tasks", {{"title", accented}}), {"title"});
    expect_invalid_fields(post(alice, "/api/v1/tasks", {{"title", "t"}, {"priority", "critical"}}), {"priority"});
    expect_invalid_fields(post(alice, "/api/v1/tasks", {{"title", "t"}, {"due_date", "next friday"}}), {"due_date"});
    expect_invalid_fields(post(alice, "/api/v1/tasks", {{"title", "t"}, {"due_date", "2026-02-30"}}), {"due_date"});
    expect_invalid_fields(post(alice, "/api/v1/tasks", {{"title", "t"}, {"owner", "alice"}}), {"owner"});
    expect_invalid_fields(post(alice, "/api/v1/tasks", {{"title", "t"}, {"assignee_id", 999999}}), {"assignee_id"});
    expect_invalid_fields(post(alice, "/api/v1/tasks", {{"title", "t"}, {"parent_id", 999999}}), {"parent_id"});
    expect_invalid_fields(post(alice, "/api/v1/tasks", {{"title", "t"}, {"recurrence", "hourly"}}), {"recurrence"});
    expect_invalid_fields(post(alice, "/api/v1/tasks", {{"title", "t"}, {"tags", {"has space"}}}), {"tags"});
    expect_invalid_fields(post(alice, "/api/v1/tasks", {{"title", "t"}, {"description", std::string(10001, 'd')}}),
                          {"description"});
    // Every problem at once.
    expect_invalid_fields(
        post(alice, "/api/v1/tasks", {{"title", " "}, {"priority", "p0"}, {"due_date", "soon"}, {"colour", "red"}}),
        {"title", "priority", "due_date", "colour"});
    // Nothing was created.
    EXPECT_EQ(list(alice, "/api/v1/tasks")["total"], 0);
}

TEST_P(TasksTest, ABodyThatIsNotJsonIs415AndMalformedJsonOrANonObjectIs400) {
    const auto alice = member("alice");
    const std::map<std::string, std::string> auth = {{"Authorization", "Bearer " + alice.token}};
    auto text_plain = auth;
    text_plain["Content-Type"] = "text/plain";
    expect_error(http(port(), "POST", "/api/v1/tasks", R"({"title":"x"})", text_plain), 415, "unsupported_media_type");
    expect_error(http(port(), "POST", "/api/v1/tasks", "{\"title\":", auth), 400, "bad_request");
    expect_error(post(alice, "/api/v1/tasks", json::array({"title"})), 400, "bad_request");
    EXPECT_EQ(list(alice, "/api/v1/tasks")["total"], 0);
    const auto task = create_titled(alice, "t");
    expect_error(patch(alice, task_path(task), "title"), 400, "bad_request");
    expect_error(http(port(), "PATCH", task_path(task), R"({"title":"y"})", text_plain), 415, "unsupported_media_type");
    EXPECT_EQ(fetch(alice, id_of(task)), task);
}

TEST_P(TasksTest, EveryTaskEndpointWithoutAValidTokenIs401) {
    const auto alice = member("alice");
    const auto task = create_titled(alice, "Private");
    const User anonymous;
    const User forged{0, "forged", "not-a-jwt"};
    for (const auto& who : {anonymous, forged}) {
        expect_error(post(who, "/api/v1/tasks", {{"title", "x"}}), 401, "unauthorized");
        expect_error(get(who, "/api/v1/tasks"), 401, "unauthorized");
        expect_error(get(who, "/api/v1/tasks/search?q=x"), 401, "unauthorized");
        expect_error(get(who, task_path(task)), 401, "unauthorized");
        expect_error(patch(who, task_path(task), {{"title", "y"}}), 401, "unauthorized");
        expect_error(put(who, task_path(task), {{"title", "y"}}), 401, "unauthorized");
        expect_error(del(who, task_path(task)), 401, "unauthorized");
        expect_error(post(who, task_path(task) + "/assign", {{"assignee_id", nullptr}}), 401, "unauthorized");
        expect_error(post(who, task_path(task) + "/complete"), 401, "unauthorized");
        expect_error(get(who, task_path(task) + "/subtasks"), 401, "unauthorized");
        expect_error(get(who, task_path(task) + "/activity"), 401, "unauthorized");
    }
    const auto after = fetch(alice, id_of(task));
    EXPECT_EQ(after["title"], "Private");
    EXPECT_EQ(after["version"], 1);
    EXPECT_EQ(after["status"], "todo");
}

// --- GET /api/v1/tasks/{id} ------------------------------------------------------

TEST_P(TasksTest, GetAnswersTheTaskWithItsVersionAsETag) {
    const auto alice = member("alice");
    const auto task = create_titled(alice, "Read me");
    auto r = get(alice, task_path(task));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("etag"), "\"1\"");
    EXPECT_EQ(r.json()["title"], "Read me");
    ASSERT_EQ(patch(alice, task_path(task), {{"title", "Read me again"}}).status, 200);
    r = get(alice, task_path(task));
    EXPECT_EQ(r.header("etag"), "\"2\"");
    EXPECT_EQ(r.json()["version"], 2);
}

TEST_P(TasksTest, AnUnknownOrMalformedIdIs404) {
    const auto alice = member("alice");
    expect_error(get(alice, "/api/v1/tasks/999999"), 404, "not_found");
    expect_error(get(alice, "/api/v1/tasks/0"), 404, "not_found");
    expect_error(get(alice, "/api/v1/tasks/-3"), 404, "not_found");
    expect_error(get(alice, "/api/v1/tasks/abc"), 404, "not_found");
    expect_error(patch(alice, "/api/v1/tasks/999999", {{"title", "x"}}), 404, "not_found");
    expect_error(del(alice, "/api/v1/tasks/999999"), 404, "not_found");
    expect_error(post(alice, "/api/v1/tasks/999999/complete"), 404, "not_found");
    expect_error(post(alice, "/api/v1/tasks/999999/assign", {{"assignee_id", nullptr}}), 404, "not_found");
    expect_error(get(alice, "/api/v1/tasks/999999/subtasks"), 404, "not_found");
    expect_error(get(alice, "/api/v1/tasks/999999/activity"), 404, "not_found");
}

// --- GET /api/v1/tasks: filters, sort, pagination -------------------------------

TEST_P(TasksTest, ListFiltersByEveryContractField) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto t1 = id_of(create(alice, {{"title", "Alpha report"},
                                         {"priority", "high"},
                                         {"tags", {"ops", "q4"}},
                                         {"due_date", "2026-11-20T00:00:00Z"},
                                         {"assignee_id", bob.id}}));
    const auto t2 = id_of(create(alice, {{"title", "Beta"},
                                         {"description", "Find the NEEDLE here"},
                                         {"priority", "low"},
                                         {"tags", {"ops"}},
                                         {"due_date", "2026-11-25T00:00:00Z"}}));
    const auto t3 = id_of(create(alice, {{"title", "Gamma"}, {"parent_id", t1}}));
    const auto t4 = id_of(create(admin(), {{"title", "Delta"}, {"priority", "high"}, {"assignee_id", alice.id}}));
    ASSERT_EQ(patch(alice, task_path(t2), {{"status", "in_progress"}}).status, 200);

    auto ids = [&](const std::string& query) { return as_set(list_ids(alice, "/api/v1/tasks" + query)); };
    using Ids = std::set<std::int64_t>;
    EXPECT_EQ(ids(""), (Ids{t1, t2, t3, t4}));
    EXPECT_EQ(ids("?status=in_progress"), (Ids{t2}));
    EXPECT_EQ(ids("?status=todo"), (Ids{t1, t3, t4}));
    EXPECT_EQ(ids("?status=done"), Ids{});
    EXPECT_EQ(ids("?priority=high"), (Ids{t1, t4}));
    EXPECT_EQ(ids("?priority=medium"), (Ids{t3}));
    EXPECT_EQ(ids("?assignee_id=" + std::to_string(bob.id)), (Ids{t1}));
    EXPECT_EQ(ids("?assignee_id=" + std::to_string(alice.id)), (Ids{t4}));
    EXPECT_EQ(ids("?creator_id=" + std::to_string(admin().id)), (Ids{t4}));
    EXPECT_EQ(ids("?creator_id=" + std::to_string(alice.id)), (Ids{t1, t2, t3}));
    EXPECT_EQ(ids("?tag=ops"), (Ids{t1, t2}));
    EXPECT_EQ(ids("?tag=q4"), (Ids{t1}));
    EXPECT_EQ(ids("?tag=nothing"), Ids{});
    EXPECT_EQ(ids("?parent_id=" + std::to_string(t1)), (Ids{t3}));
    EXPECT_EQ(ids("?due_before=2026-11-22"), (Ids{t1}));
    EXPECT_EQ(ids("?due_after=2026-11-22T00:00:00Z"), (Ids{t2}));
    EXPECT_EQ(ids("?due_after=2026-11-19&due_before=2026-11-26"), (Ids{t1, t2}));
    EXPECT_EQ(ids("?q=needle"), (Ids{t2}));  // description, case-insensitive
    EXPECT_EQ(ids("?q=ALPHA"), (Ids{t1}));
    EXPECT_EQ(ids("?status=todo&priority=high&tag=ops"), (Ids{t1}));
    // The total counts the filtered set, not everything.
    const auto page = list(alice, "/api/v1/tasks?priority=high");
    EXPECT_EQ(page["total"], 2);
    EXPECT_EQ(page["items"].size(), 2u);
}

TEST_P(TasksTest, ListRefusesMalformedFiltersWith400) {
    const auto alice = member("alice");
    for (const std::string query :
         {"status=bogus", "priority=critical", "assignee_id=abc", "creator_id=-1", "parent_id=1x",
          "due_before=yesterday", "due_after=2026-13-01", "sort=title", "sort=-", "page=0", "page=x", "per_page=0",
          "per_page=101", "per_page=-5"}) {
        expect_error(get(alice, "/api/v1/tasks?" + query), 400, "bad_request");
    }
}

TEST_P(TasksTest, ListSortsByEachContractKey) {
    const auto alice = member("alice");
    const auto a = id_of(create(alice, {{"title", "a"}, {"priority", "low"}, {"due_date", "2026-11-25"}}));
    const auto b = id_of(create(alice, {{"title", "b"}, {"priority", "urgent"}}));
    const auto c = id_of(create(alice, {{"title", "c"}, {"priority", "medium"}, {"due_date", "2026-11-21"}}));
    const auto d = id_of(create(alice, {{"title", "d"}, {"priority", "high"}, {"due_date", "2026-11-23"}}));
    using Ids = std::vector<std::int64_t>;
    auto sorted = [&](const std::string& sort) { return list_ids(alice, "/api/v1/tasks?sort=" + sort); };
    EXPECT_EQ(list_ids(alice, "/api/v1/tasks"), (Ids{d, c, b, a}));  // default: newest first
    EXPECT_EQ(sorted("created_at"), (Ids{a, b, c, d}));
    EXPECT_EQ(sorted("-created_at"), (Ids{d, c, b, a}));
    EXPECT_EQ(sorted("due_date"), (Ids{c, d, a, b}));  // no due date last
    EXPECT_EQ(sorted("-due_date"), (Ids{a, d, c, b}));
    EXPECT_EQ(sorted("priority"), (Ids{a, c, d, b}));
    EXPECT_EQ(sorted("-priority"), (Ids{b, d, c, a}));
    // Touch b once the clock has moved past every creation.
    const auto created = now_ms();
    ASSERT_TRUE(eventually([&] { return now_ms() > created; }));
    ASSERT_EQ(patch(alice, task_path(b), {{"description", "touched"}}).status, 200);
    EXPECT_EQ(sorted("updated_at"), (Ids{a, c, d, b}));
    EXPECT_EQ(sorted("-updated_at"), (Ids{b, d, c, a}));
}

TEST_P(TasksTest, ListPaginatesWithTotalPageAndPerPage) {
    const auto alice = member("alice");
    std::set<std::int64_t> all;
    for (int i = 0; i < 5; ++i) {
        all.insert(id_of(create_titled(alice, "task " + std::to_string(i))));
    }
    std::set<std::int64_t> seen;
    for (int page = 1; page <= 3; ++page) {
        const auto body = list(alice, "/api/v1/tasks?sort=created_at&per_page=2&page=" + std::to_string(page));
        EXPECT_EQ(body["total"], 5);
        EXPECT_EQ(body["page"], page);
        EXPECT_EQ(body["per_page"], 2);
        EXPECT_EQ(body["items"].size(), page < 3 ? 2u : 1u);
        for (const auto& item : body["items"]) {
            EXPECT_TRUE(seen.insert(id_of(item)).second) << "task " << item["id"] << " on two pages";
        }
    }
    EXPECT_EQ(seen, all);
    const auto beyond = list(alice, "/api/v1/tasks?per_page=2&page=4");
    EXPECT_EQ(beyond["items"], json::array());
    EXPECT_EQ(beyond["total"], 5);
    const auto defaults = list(alice, "/api/v1/tasks");
    EXPECT_EQ(defaults["page"], 1);
    EXPECT_EQ(defaults["per_page"], 20);
    EXPECT_EQ(defaults["items"].size(), 5u);
    EXPECT_EQ(list(alice, "/api/v1/tasks?per_page=100")["per_page"], 100);
    expect_error(get(alice, "/api/v1/tasks?per_page=101"), 400, "bad_request");
}

// --- GET /api/v1/tasks/search ------------------------------------------------------

TEST_P(TasksTest, SearchMatchesTitleAndDescriptionOfVisibleTasks) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto report = id_of(create(alice, {{"title", "Quarterly Report"}, {"description", "numbers"}}));
    const auto groceries = id_of(create(alice, {{"title", "Groceries"}, {"description", "buy MILK and eggs"}}));
    const auto half = id_of(create_titled(alice, "50% done"));
    const auto items = id_of(create_titled(alice, "500 items"));
    const auto secret = id_of(create_titled(bob, "Secret report"));
    using Ids = std::set<std::int64_t>;
    auto found = [&](const User& who, const std::string& q) {
        const auto body = list(who, "/api/v1/tasks/search?q=" + q);
        EXPECT_EQ(body["total"], body["items"].size()) << q;
        EXPECT_EQ(body["page"], 1);
        EXPECT_EQ(body["per_page"], 20);
        return as_set(item_ids(body));
    };
    EXPECT_EQ(found(alice, "report"), (Ids{report}));
    EXPECT_EQ(found(bob, "report"), (Ids{secret}));
    EXPECT_EQ(found(alice, "milk"), (Ids{groceries}));
    EXPECT_EQ(found(alice, "QUARTERLY"), (Ids{report}));
    // Full-text: words match as prefixes; '%' separates words, it is no wildcard.
    EXPECT_EQ(found(alice, "50%25"), (Ids{half, items}));
    EXPECT_EQ(found(alice, "500"), (Ids{items}));
    EXPECT_EQ(found(alice, "quart"), (Ids{report}));
    EXPECT_EQ(found(alice, "nothing-like-this"), Ids{});
    // Search takes the list filters too.
    EXPECT_EQ(found(alice, "report&priority=low"), Ids{});
    EXPECT_EQ(as_set(list_ids(alice, "/api/v1/tasks/search?q=e&priority=medium&per_page=100")), (Ids{groceries}));
    expect_error(get(alice, "/api/v1/tasks/search"), 400, "bad_request");
    expect_error(get(alice, "/api/v1/tasks/search?q="), 400, "bad_request");
}

// --- PATCH and PUT /api/v1/tasks/{id} -------------------------------------------

TEST_P(TasksTest, PatchChangesOnlyTheGivenFields) {
    const auto alice = member("alice");
    const auto original = create(alice, {{"title", "Draft"},
                                         {"description", "first version"},
                                         {"priority", "low"},
                                         {"tags", {"a"}},
                                         {"due_date", "2026-11-22T18:00:00Z"}});
    const auto r = patch(alice, task_path(original), {{"title", "  Final  "}, {"priority", "high"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("etag"), "\"2\"");
    const auto task = r.json();
    EXPECT_EQ(task["title"], "Final");
    EXPECT_EQ(task["priority"], "high");
    EXPECT_EQ(task["description"], "first version");
    EXPECT_EQ(task["tags"], json({"a"}));
    EXPECT_EQ(task["due_date"], "2026-11-22T18:00:00Z");
    EXPECT_EQ(task["status"], "todo");
    EXPECT_EQ(task["version"], 2);
    EXPECT_EQ(task["created_at"], original["created_at"]);
    EXPECT_EQ(fetch(alice, id_of(task)), task);

    // null clears, an array replaces.
    const auto cleared = patch(alice, task_path(task), {{"due_date", nullptr}, {"tags", {"b", "c"}}}).json();
    EXPECT_TRUE(cleared["due_date"].is_null()) << cleared;
    EXPECT_EQ(cleared["tags"], json({"b", "c"}));
    EXPECT_EQ(cleared["title"], "Final");
    EXPECT_EQ(cleared["version"], 3);
}

TEST_P(TasksTest, PutIsAPartialUpdateThatIgnoresReadOnlyFieldsSentBack) {
    const auto alice = member("alice");
    const auto task = create(alice, {{"title", "Keep me"}, {"description", "and me"}, {"tags", {"x"}}});
    const auto r = put(alice, task_path(task), {{"priority", "urgent"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("etag"), "\"2\"");
    auto fetched = fetch(alice, id_of(task));
    EXPECT_EQ(fetched["priority"], "urgent");
    EXPECT_EQ(fetched["title"], "Keep me");
    EXPECT_EQ(fetched["description"], "and me");
    EXPECT_EQ(fetched["tags"], json({"x"}));
    EXPECT_EQ(fetched["version"], 2);

    // A client may send back what it fetched with one change; id, version and
    // the other read-only fields are ignored.
    fetched["title"] = "Keep me, edited";
    const auto round_trip = put(alice, task_path(task), fetched);
    ASSERT_EQ(round_trip.status, 200) << round_trip.body;
    EXPECT_EQ(round_trip.json()["title"], "Keep me, edited");
    EXPECT_EQ(round_trip.json()["priority"], "urgent");
    EXPECT_EQ(round_trip.json()["creator_id"], alice.id);
    EXPECT_EQ(round_trip.json()["version"], 3);
}

TEST_P(TasksTest, AnInvalidUpdateIs422AndChangesNothing) {
    const auto alice = member("alice");
    const auto task = create(alice, {{"title", "Stable"}, {"priority", "low"}});
    expect_invalid_fields(patch(alice, task_path(task), {{"title", "Changed"}, {"priority", "p1"}}), {"priority"});
    expect_invalid_fields(patch(alice, task_path(task), {{"title", "   "}}), {"title"});
    expect_invalid_fields(patch(alice, task_path(task), {{"title", "Changed"}, {"colour", "red"}}), {"colour"});
    expect_invalid_fields(patch(alice, task_path(task), {{"due_date", "2026-11-31"}}), {"due_date"});
    expect_invalid_fields(patch(alice, task_path(task), {{"assignee_id", 999999}}), {"assignee_id"});
    expect_invalid_fields(patch(alice, task_path(task), {{"parent_id", id_of(task)}}), {"parent_id"});
    EXPECT_EQ(fetch(alice, id_of(task)), task);
}

TEST_P(TasksTest, StaleIfMatchIs412AndChangesNothing) {
    const auto alice = member("alice");
    const auto task = create(alice, {{"title", "A"}, {"priority", "low"}});
    const auto first = patch(alice, task_path(task), {{"title", "B"}}, {{"If-Match", "\"1\""}});
    ASSERT_EQ(first.status, 200) << first.body;
    EXPECT_EQ(first.header("etag"), "\"2\"");

    const auto stale = patch(alice, task_path(task), {{"title", "C"}, {"priority", "urgent"}}, {{"If-Match", "\"1\""}});
    expect_error(stale, 412, "precondition_failed");
    const auto r = get(alice, task_path(task));
    EXPECT_EQ(r.header("etag"), "\"2\"");
    EXPECT_EQ(r.json()["title"], "B");
    EXPECT_EQ(r.json()["priority"], "low");
    EXPECT_EQ(r.json()["version"], 2);
    expect_error(patch(alice, task_path(task), {{"title", "C"}}, {{"If-Match", "\"not-a-version\""}}), 412,
                 "precondition_failed");
    expect_error(call(alice, "PUT", task_path(task), json{{"title", "C"}}, {{"If-Match", "\"99\""}}), 412,
                 "precondition_failed");
    EXPECT_EQ(fetch(alice, id_of(task))["version"], 2);

    // The current ETag, weak or not, and "*" all match.
    EXPECT_EQ(patch(alice, task_path(task), {{"title", "C"}}, {{"If-Match", "\"2\""}}).status, 200);
    EXPECT_EQ(patch(alice, task_path(task), {{"title", "D"}}, {{"If-Match", "W/\"3\""}}).status, 200);
    EXPECT_EQ(patch(alice, task_path(task), {{"title", "E"}}, {{"If-Match", "*"}}).status, 200);
    const auto final_task = fetch(alice, id_of(task));
    EXPECT_EQ(final_task["title"], "E");
    EXPECT_EQ(final_task["version"], 5);
}

// --- workflow ---------------------------------------------------------------------

TEST_P(TasksTest, IllegalTransitionIs422NamingTheAllowedNextStatuses) {
    const auto alice = member("alice");
    const auto task = create_titled(alice, "Ship it");
    const auto r = patch(alice, task_path(task), {{"status", "done"}});
    expect_error(r, 422, "invalid_transition");
    const auto message = error_message(r);
    EXPECT_NE(message.find("in_progress"), std::string::npos) << message;
    EXPECT_NE(message.find("cancelled"), std::string::npos) << message;
    EXPECT_EQ(fetch(alice, id_of(task)), task);
    // An unknown status is a field problem.
    expect_invalid_fields(patch(alice, task_path(task), {{"status", "shipped"}}), {"status"});
    EXPECT_EQ(fetch(alice, id_of(task))["version"], 1);
}

TEST_P(TasksTest, TheDefaultWorkflowWalksTodoInProgressDoneAndBack) {
    const auto alice = member("alice");
    const auto task = create_titled(alice, "Walk");
    auto step = [&](const std::string& status) {
        const auto r = patch(alice, task_path(task), {{"status", status}});
        EXPECT_EQ(r.status, 200) << status << ": " << r.body;
        return nlohmann::json::parse(r.body, nullptr, false);
    };
    EXPECT_TRUE(step("in_progress")["completed_at"].is_null());
    const auto done = step("done");
    EXPECT_EQ(done["status"], "done");
    EXPECT_TRUE(is_timestamp(done["completed_at"])) << done;
    const auto reopened = step("todo");
    EXPECT_EQ(reopened["status"], "todo");
    EXPECT_TRUE(reopened["completed_at"].is_null()) << reopened;
    EXPECT_EQ(step("cancelled")["status"], "cancelled");
    EXPECT_EQ(step("todo")["status"], "todo");
    EXPECT_EQ(fetch(alice, id_of(task))["version"], 6);
}

class CustomWorkflowTest : public TasksFixture {
protected:
    std::string extra_yaml() override {
        return "tasks:\n  workflow:\n    statuses: [open, review, closed]\n    initial: open\n    done: [closed]\n"
               "    transitions:\n      open: [review]\n      review: [closed, open]\n      closed: [open]\n";
    }
};

TEST_P(CustomWorkflowTest, TheConfiguredWorkflowDecidesStatusesAndTransitions) {
    const auto alice = member("alice");
    const auto task = create_titled(alice, "Review me");
    EXPECT_EQ(task["status"], "open");
    const auto refused = patch(alice, task_path(task), {{"status", "closed"}});
    expect_error(refused, 422, "invalid_transition");
    EXPECT_NE(error_message(refused).find("review"), std::string::npos) << refused.body;
    expect_invalid_fields(patch(alice, task_path(task), {{"status", "in_progress"}}), {"status"});
    expect_error(get(alice, "/api/v1/tasks?status=todo"), 400, "bad_request");
    EXPECT_EQ(patch(alice, task_path(task), {{"status", "review"}}).status, 200);
    EXPECT_EQ(list_ids(alice, "/api/v1/tasks?status=review"), std::vector<std::int64_t>{id_of(task)});
    // /complete moves to the first done status.
    const auto completed = post(alice, task_path(task) + "/complete");
    ASSERT_EQ(completed.status, 200) << completed.body;
    EXPECT_EQ(completed.json()["status"], "closed");
    EXPECT_TRUE(is_timestamp(completed.json()["completed_at"])) << completed.body;
}

// --- POST /api/v1/tasks/{id}/assign -------------------------------------------------

TEST_P(TasksTest, AssignSetsAndUnassignClearsTheAssignee) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto task = create_titled(alice, "Hand over");
    expect_error(get(bob, task_path(task)), 404, "not_found");

    auto r = post(alice, task_path(task) + "/assign", {{"assignee_id", bob.id}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["assignee_id"], bob.id);
    EXPECT_EQ(r.json()["version"], 2);
    EXPECT_EQ(r.header("etag"), "\"2\"");
    EXPECT_EQ(fetch(bob, id_of(task))["assignee_id"], bob.id);
    EXPECT_EQ(list_ids(bob, "/api/v1/tasks"), std::vector<std::int64_t>{id_of(task)});

    r = post(alice, task_path(task) + "/assign", {{"assignee_id", nullptr}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(r.json()["assignee_id"].is_null()) << r.body;
    EXPECT_EQ(r.json()["version"], 3);
    expect_error(get(bob, task_path(task)), 404, "not_found");
    EXPECT_EQ(list(bob, "/api/v1/tasks")["total"], 0);
}

TEST_P(TasksTest, AssignRefusesAMissingOrUnknownAssignee) {
    const auto alice = member("alice");
    const auto task = create_titled(alice, "Nobody");
    expect_invalid_fields(post(alice, task_path(task) + "/assign", {{"assignee_id", 999999}}), {"assignee_id"});
    expect_invalid_fields(post(alice, task_path(task) + "/assign", json::object()), {"assignee_id"});
    expect_invalid_fields(post(alice, task_path(task) + "/assign", {{"assignee_id", "bob"}}), {"assignee_id"});
    expect_invalid_fields(post(alice, task_path(task) + "/assign", {{"assignee_id", 0}}), {"assignee_id"});
    EXPECT_EQ(fetch(alice, id_of(task)), task);
}

// --- POST /api/v1/tasks/{id}/complete ------------------------------------------------

TEST_P(TasksTest, CompleteMarksTheTaskDoneAndSetsCompletedAt) {
    const auto alice = member("alice");
    const auto task = create_titled(alice, "Finish");
    const auto r = post(alice, task_path(task) + "/complete");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("etag"), "\"2\"");
    const auto done = r.json();
    EXPECT_EQ(done["status"], "done");
    EXPECT_TRUE(is_timestamp(done["completed_at"])) << done;
    EXPECT_EQ(done["version"], 2);
    EXPECT_EQ(fetch(alice, id_of(task)), done);
    // Completing again changes nothing; a task without recurrence has no successor.
    const auto again = post(alice, task_path(task) + "/complete");
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(again.json(), done);
    EXPECT_EQ(list(alice, "/api/v1/tasks")["total"], 1);
}

TEST_P(TasksTest, CompletingADailyTaskCreatesTheNextOneDueADayLater) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto task = create(alice, {{"title", "Water the plants"},
                                     {"description", "all of them"},
                                     {"priority", "high"},
                                     {"tags", {"home"}},
                                     {"recurrence", "daily"},
                                     {"due_date", "2026-11-22T18:00:00Z"},
                                     {"assignee_id", bob.id}});
    const auto r = post(bob, task_path(task) + "/complete");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["status"], "done");
    EXPECT_EQ(r.json()["due_date"], "2026-11-22T18:00:00Z");

    const auto open = list(alice, "/api/v1/tasks?status=todo");
    ASSERT_EQ(open["total"], 1) << open;
    const auto next = open["items"][0];
    EXPECT_NE(id_of(next), id_of(task));
    EXPECT_EQ(next["due_date"], "2026-11-23T18:00:00Z");
    EXPECT_EQ(next["title"], "Water the plants");
    EXPECT_EQ(next["description"], "all of them");
    EXPECT_EQ(next["priority"], "high");
    EXPECT_EQ(next["tags"], json({"home"}));
    EXPECT_EQ(next["recurrence"], "daily");
    EXPECT_EQ(next["creator_id"], alice.id);
    EXPECT_EQ(next["assignee_id"], bob.id);
    EXPECT_EQ(next["status"], "todo");
    EXPECT_TRUE(next["completed_at"].is_null()) << next;
    EXPECT_EQ(next["version"], 1);
    EXPECT_EQ(fetch(alice, id_of(next))["due_date"], "2026-11-23T18:00:00Z");
    EXPECT_EQ(fetch(bob, id_of(next))["due_date"], "2026-11-23T18:00:00Z");
    // Completing the done one again does not spawn another.
    ASSERT_EQ(post(bob, task_path(task) + "/complete").status, 200);
    EXPECT_EQ(list(alice, "/api/v1/tasks")["total"], 2);
}

TEST_P(TasksTest, TheNextOccurrenceKeepsItsCreatorWhoeverCompletesIt) {
    const auto alice = member("alice");
    const auto task = create(alice, {{"title", "Weekly sync"},
                                     {"recurrence", "RRULE:FREQ=WEEKLY;BYDAY=MO,TH"},
                                     {"due_date", "2026-11-23T09:00:00Z"}});
    ASSERT_EQ(post(admin(), task_path(task) + "/complete").status, 200);
    const auto open = list(alice, "/api/v1/tasks?status=todo");
    ASSERT_EQ(open["total"], 1) << open;
    EXPECT_EQ(open["items"][0]["creator_id"], alice.id);
    EXPECT_TRUE(open["items"][0]["assignee_id"].is_null());
    EXPECT_EQ(open["items"][0]["due_date"], "2026-11-26T09:00:00Z");  // Monday -> Thursday
}

TEST_P(TasksTest, TheAssigneeCanCompleteARecurringSubtaskWhoseParentTheyCannotSee) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto parent = create_titled(alice, "Household");
    const auto chore = create(alice, {{"title", "Take out the bins"},
                                      {"parent_id", id_of(parent)},
                                      {"recurrence", "weekly"},
                                      {"due_date", "2026-11-23T07:00:00Z"},
                                      {"assignee_id", bob.id}});
    expect_error(get(bob, task_path(parent)), 404, "not_found");
    const auto r = post(bob, task_path(chore) + "/complete");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["status"], "done");
    // The next occurrence stays under the same parent, visible to both.
    const auto open = list(alice, task_path(parent) + "/subtasks?status=todo");
    ASSERT_EQ(open["total"], 1) << open;
    EXPECT_EQ(open["items"][0]["due_date"], "2026-11-30T07:00:00Z");
    EXPECT_EQ(open["items"][0]["assignee_id"], bob.id);
    EXPECT_EQ(list(bob, "/api/v1/tasks?status=todo")["total"], 1);
}

// --- DELETE /api/v1/tasks/{id} --------------------------------------------------------

TEST_P(TasksTest, DeleteAnswers204AndThenTheTaskIs404) {
    const auto alice = member("alice");
    const auto task = create(alice, {{"title", "Temporary"}, {"tags", {"tmp"}}});
    ASSERT_EQ(patch(alice, task_path(task), {{"title", "Still temporary"}}).status, 200);
    const auto r = del(alice, task_path(task));
    EXPECT_EQ(r.status, 204) << r.body;
    EXPECT_TRUE(r.body.empty()) << r.body;
    expect_error(get(alice, task_path(task)), 404, "not_found");
    expect_error(get(alice, task_path(task) + "/activity"), 404, "not_found");
    expect_error(del(alice, task_path(task)), 404, "not_found");
    EXPECT_EQ(list(alice, "/api/v1/tasks")["total"], 0);
    EXPECT_EQ(list(alice, "/api/v1/tasks?tag=tmp")["total"], 0);
}

TEST_P(TasksTest, DeleteIsRefusedWith409WhileTheTaskHasSubtasks) {
    const auto alice = member("alice");
    const auto parent = create_titled(alice, "Parent");
    const auto child = create(alice, {{"title", "Child"}, {"parent_id", id_of(parent)}});
    expect_error(del(alice, task_path(parent)), 409, "has_subtasks");
    EXPECT_EQ(fetch(alice, id_of(parent)), parent);
    EXPECT_EQ(del(alice, task_path(child)).status, 204);
    EXPECT_EQ(del(alice, task_path(parent)).status, 204);
    EXPECT_EQ(list(alice, "/api/v1/tasks")["total"], 0);
}

// --- GET /api/v1/tasks/{id}/subtasks --------------------------------------------------

TEST_P(TasksTest, SubtasksListsTheVisibleDirectChildren) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto parent = id_of(create_titled(alice, "Parent"));
    const auto first = id_of(create(alice, {{"title", "First"}, {"parent_id", parent}}));
    const auto second = id_of(create(alice, {{"title", "Second"}, {"parent_id", parent}}));
    const auto grandchild = id_of(create(alice, {{"title", "Grandchild"}, {"parent_id", first}}));
    create(admin(), {{"title", "Admin's child, hidden from alice"}, {"parent_id", parent}});
    const auto loner = id_of(create_titled(alice, "Loner"));

    const auto body = list(alice, task_path(parent) + "/subtasks?sort=created_at");
    EXPECT_EQ(item_ids(body), (std::vector<std::int64_t>{first, second}));
    EXPECT_EQ(body["total"], 2);
    EXPECT_EQ(list_ids(alice, task_path(first) + "/subtasks"), std::vector<std::int64_t>{grandchild});
    EXPECT_EQ(list(alice, task_path(loner) + "/subtasks")["total"], 0);
    EXPECT_EQ(list(admin(), task_path(parent) + "/subtasks")["total"], 3);
    // A parent the caller cannot see cannot be named.
    expect_invalid_fields(post(bob, "/api/v1/tasks", {{"title", "Sneaky"}, {"parent_id", parent}}), {"parent_id"});
    EXPECT_EQ(list(bob, "/api/v1/tasks")["total"], 0);
}

TEST_P(TasksTest, ATaskCannotBecomeTheSubtaskOfItsOwnDescendant) {
    const auto alice = member("alice");
    const auto top = create_titled(alice, "Top");
    const auto middle = create(alice, {{"title", "Middle"}, {"parent_id", id_of(top)}});
    const auto bottom = create(alice, {{"title", "Bottom"}, {"parent_id", id_of(middle)}});
    expect_invalid_fields(patch(alice, task_path(top), {{"parent_id", id_of(bottom)}}), {"parent_id"});
    expect_invalid_fields(patch(alice, task_path(top), {{"parent_id", id_of(middle)}}), {"parent_id"});
    EXPECT_EQ(fetch(alice, id_of(top)), top);
    // The tree stays deletable from the leaves up.
    EXPECT_EQ(del(alice, task_path(bottom)).status, 204);
    EXPECT_EQ(del(alice, task_path(middle)).status, 204);
    EXPECT_EQ(del(alice, task_path(top)).status, 204);
}

// --- visibility and permissions -------------------------------------------------------

TEST_P(TasksTest, AnotherMemberGets404ForATaskTheyMayNotSee) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto task = create(alice, {{"title", "Alice only"}, {"priority", "low"}});
    const auto path = task_path(task);
    expect_error(get(bob, path), 404, "not_found");
    expect_error(patch(bob, path, {{"title", "Bob was here"}}), 404, "not_found");
    expect_error(put(bob, path, {{"title", "Bob was here"}}), 404, "not_found");
    expect_error(patch(bob, path, {{"title", "Bob was here"}}, {{"If-Match", "\"1\""}}), 404, "not_found");
    expect_error(del(bob, path), 404, "not_found");
    expect_error(get(bob, path + "/activity"), 404, "not_found");
    expect_error(get(bob, path + "/subtasks"), 404, "not_found");
    expect_error(post(bob, path + "/assign", {{"assignee_id", bob.id}}), 404, "not_found");
    expect_error(post(bob, path + "/complete"), 404, "not_found");
    // The 404 is the same as for a task that does not exist.
    EXPECT_EQ(error_message(get(bob, path)), error_message(get(bob, "/api/v1/tasks/999999")));
    EXPECT_EQ(fetch(alice, id_of(task)), task);
}

TEST_P(TasksTest, AnotherMembersTaskIsNeverListedCountedOrFound) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    for (int i = 0; i < 3; ++i) {
        create(alice, {{"title", "Alpha secret " + std::to_string(i)}, {"tags", {"hidden"}}});
    }
    const auto own = id_of(create_titled(bob, "Bob's own"));
    const auto everything = list(bob, "/api/v1/tasks");
    EXPECT_EQ(everything["total"], 1);
    EXPECT_EQ(item_ids(everything), std::vector<std::int64_t>{own});
    EXPECT_EQ(list(bob, "/api/v1/tasks?q=secret")["total"], 0);
    EXPECT_EQ(list(bob, "/api/v1/tasks/search?q=secret")["total"], 0);
    EXPECT_EQ(list(bob, "/api/v1/tasks?tag=hidden")["total"], 0);
    EXPECT_EQ(list(bob, "/api/v1/tasks?creator_id=" + std::to_string(alice.id))["total"], 0);
    EXPECT_EQ(list(bob, "/api/v1/tasks?status=todo")["total"], 1);
    EXPECT_EQ(list(alice, "/api/v1/tasks/search?q=secret")["total"], 3);
    EXPECT_EQ(list(alice, "/api/v1/tasks")["total"], 3);
}

TEST_P(TasksTest, TheAssigneeCanSeeAndUpdateButNotDelete) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto carol = member("carol");
    const auto task = create(alice, {{"title", "For Bob"}, {"assignee_id", bob.id}});
    const auto path = task_path(task);
    EXPECT_EQ(fetch(bob, id_of(task))["title"], "For Bob");
    EXPECT_EQ(list_ids(bob, "/api/v1/tasks"), std::vector<std::int64_t>{id_of(task)});
    EXPECT_EQ(list_ids(bob, "/api/v1/tasks/search?q=bob"), std::vector<std::int64_t>{id_of(task)});
    const auto r = patch(bob, path, {{"status", "in_progress"}, {"description", "on it"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(get(bob, path + "/activity").status, 200);
    EXPECT_EQ(get(bob, path + "/subtasks").status, 200);
    // Deleting is for the creator or an administrator.
    expect_error(del(bob, path), 403, "forbidden");
    expect_error(del(carol, path), 404, "not_found");
    const auto seen_by_alice = fetch(alice, id_of(task));
    EXPECT_EQ(seen_by_alice["status"], "in_progress");
    EXPECT_EQ(seen_by_alice["description"], "on it");
    EXPECT_EQ(post(bob, path + "/complete").json()["status"], "done");
    EXPECT_EQ(del(alice, path).status, 204);
}

TEST_P(TasksTest, AnAdministratorSeesAndManagesEveryTask) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto a = id_of(create_titled(alice, "Alice's"));
    const auto b = id_of(create_titled(bob, "Bob's"));
    EXPECT_EQ(as_set(list_ids(admin(), "/api/v1/tasks")), (std::set<std::int64_t>{a, b}));
    EXPECT_EQ(list(admin(), "/api/v1/tasks")["total"], 2);
    EXPECT_EQ(list_ids(admin(), "/api/v1/tasks/search?q=bob"), std::vector<std::int64_t>{b});
    EXPECT_EQ(fetch(admin(), a)["title"], "Alice's");
    EXPECT_EQ(patch(admin(), task_path(a), {{"priority", "urgent"}}).status, 200);
    EXPECT_EQ(fetch(alice, a)["priority"], "urgent");
    EXPECT_EQ(get(admin(), task_path(b) + "/activity").status, 200);
    EXPECT_EQ(post(admin(), task_path(b) + "/assign", {{"assignee_id", alice.id}}).status, 200);
    EXPECT_EQ(del(admin(), task_path(b)).status, 204);
    expect_error(get(bob, task_path(b)), 404, "not_found");
}

TEST_P(TasksTest, CommentsAreListedOldestFirstForThoseWhoSeeTheTask) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto carol = member("carol");
    const auto task = create(alice, {{"title", "Talk"}, {"assignee_id", bob.id}});
    const auto path = task_path(task) + "/comments";
    ASSERT_EQ(post(alice, path, {{"body", "first"}}).status, 201);
    ASSERT_EQ(post(bob, path, {{"body", "second"}}).status, 201);
    const auto page = get(bob, path + "?per_page=1&page=2").json();
    EXPECT_EQ(page["total"], 2);
    EXPECT_EQ(page["items"].size(), 1u);
    EXPECT_EQ(page["items"][0]["body"], "second");
    expect_error(get(carol, path), 404, "not_found");
    expect_error(post(carol, path, {{"body", "sneaky"}}), 404, "not_found");
    expect_invalid_fields(post(alice, path, {{"body", "   "}}), {"body"});
    EXPECT_EQ(get(alice, path).json()["total"], 2);
    // Deleting the task removes its comments with it.
    EXPECT_EQ(del(alice, task_path(task)).status, 204);
}

INSTANTIATE_TEST_SUITE_P(Dialects, TasksTest, ::testing::Values(sdk::Dialect::Sqlite, sdk::Dialect::Postgresql),
                         [](const auto& info) { return dialect_name(info.param); });
INSTANTIATE_TEST_SUITE_P(Dialects, CustomWorkflowTest,
                         ::testing::Values(sdk::Dialect::Sqlite, sdk::Dialect::Postgresql),
                         [](const auto& info) { return dialect_name(info.param); });

}  // namespace
}  // namespace tasklane::test::tasks
