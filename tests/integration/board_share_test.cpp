// GET /api/v1/board (columns of a custom workflow, positions, moves) and
// share links (/api/v1/shares, /public/shares/{token}) through the running
// server on both dialects.
#include "tasks_fixture.hpp"

#include <thread>

namespace tasklane::test::tasks {
namespace {

class BoardTest : public TasksFixture {
protected:
    std::string extra_yaml() override {
        return "tasks:\n  workflow:\n    statuses: [open, review, closed]\n    initial: open\n    done: [closed]\n"
               "    transitions:\n      open: [review]\n      review: [closed, open]\n      closed: [open]\n";
    }
};

// {status: [task ids in column order]} and {status: total}.
std::map<std::string, std::vector<std::int64_t>> column_ids(const nlohmann::json& board) {
    std::map<std::string, std::vector<std::int64_t>> out;
    for (const auto& c : board["columns"]) {
        out[c["status"]] = item_ids(nlohmann::json{{"items", c["tasks"]}});
    }
    return out;
}

std::vector<std::string> column_statuses(const nlohmann::json& board) {
    std::vector<std::string> out;
    for (const auto& c : board["columns"]) {
        out.push_back(c["status"]);
    }
    return out;
}

TEST_P(BoardTest, ColumnsFollowTheWorkflowAndMovesChangeStatusAndPosition) {
    const auto alice = member("alice");
    const auto a = create(alice, {{"title", "a"}, {"tags", {"web"}}});
    const auto b = create(alice, {{"title", "b"}});
    const auto c = create(alice, {{"title", "c"}, {"tags", {"web"}}});
    // New cards go last in their column.
    EXPECT_LT(a["position"].get<std::int64_t>(), c["position"].get<std::int64_t>()) << a << c;

    auto board = list(alice, "/api/v1/board");
    EXPECT_EQ(column_statuses(board), (std::vector<std::string>{"open", "review", "closed"})) << board;
    EXPECT_EQ(column_ids(board)["open"], (std::vector<std::int64_t>{id_of(a), id_of(b), id_of(c)}));
    EXPECT_EQ(board["columns"][0]["total"], 3);

    // Within a column: c before a.
    ASSERT_EQ(patch(alice, task_path(c), {{"position", a["position"].get<std::int64_t>() - 1}}).status, 200);
    EXPECT_EQ(column_ids(list(alice, "/api/v1/board"))["open"], (std::vector<std::int64_t>{id_of(c), id_of(a), id_of(b)}));

    // Across columns: status and position in one move.
    const auto moved = patch(alice, task_path(b), {{"status", "review"}, {"position", 5}});
    ASSERT_EQ(moved.status, 200) << moved.body;
    EXPECT_EQ(moved.json()["position"], 5);
    board = list(alice, "/api/v1/board");
    EXPECT_EQ(column_ids(board)["open"], (std::vector<std::int64_t>{id_of(c), id_of(a)}));
    EXPECT_EQ(column_ids(board)["review"], std::vector<std::int64_t>{id_of(b)});

    // An illegal move (open -> closed) is 422 and changes nothing.
    const auto refused = patch(alice, task_path(a), {{"status", "closed"}, {"position", 1}});
    expect_error(refused, 422, "invalid_transition");
    EXPECT_EQ(fetch(alice, id_of(a))["status"], "open");
    EXPECT_EQ(fetch(alice, id_of(a))["position"], a["position"]);
    expect_invalid_fields(patch(alice, task_path(a), {{"position", "top"}}), {"position"});

    // Per-column limit with the column's total; filters.
    board = list(alice, "/api/v1/board?limit=1");
    EXPECT_EQ(column_ids(board)["open"], std::vector<std::int64_t>{id_of(c)});
    EXPECT_EQ(board["columns"][0]["total"], 2);
    EXPECT_EQ(column_ids(list(alice, "/api/v1/board?tag=web"))["open"], (std::vector<std::int64_t>{id_of(c), id_of(a)}));
    EXPECT_TRUE(column_ids(list(alice, "/api/v1/board?tag=web"))["review"].empty());
    expect_error(get(alice, "/api/v1/board?status=open"), 400, "bad_request");
    expect_error(get(alice, "/api/v1/board?limit=0"), 400, "bad_request");

    // Only what the caller may see.
    const auto bob = member("bob");
    const auto bobs_board = list(bob, "/api/v1/board");
    for (const auto& column : bobs_board["columns"]) {
        EXPECT_TRUE(column["tasks"].empty()) << column;
        EXPECT_EQ(column["total"], 0);
    }
}

using ShareTest = TasksFixture;

// The token of a new share link (which must be created).
std::string share_token(const HttpResult& r) {
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().value("token", "");
}

TEST_P(ShareTest, AShareLinkShowsExactlyItsScopeWithoutPeople) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto shared = create(alice, {{"title", "shared"}, {"tags", {"release"}}, {"assignee_id", bob.id}});
    create(alice, {{"title", "not tagged"}});
    create(bob, {{"title", "bob's, tagged, not visible to alice"}, {"tags", {"release"}}});
    ASSERT_EQ(post(alice, task_path(shared) + "/comments", {{"body", "looks good"}}).status, 201);

    const auto created = post(alice, "/api/v1/shares", {{"scope", {{"tag", "release"}}}});
    const auto token = share_token(created);
    ASSERT_FALSE(token.empty());
    EXPECT_EQ(created.json()["url"], "/public/shares/" + token);

    // Anyone with the link, no account needed.
    const auto page = http(port(), "GET", "/public/shares/" + token);
    ASSERT_EQ(page.status, 200) << page.body;
    std::vector<std::int64_t> ids;
    const auto board = page.json();
    for (const auto& column : board["columns"]) {
        for (const auto& card : column["tasks"]) {
            ids.push_back(card["id"]);
            EXPECT_FALSE(card.contains("assignee_id") || card.contains("creator_id") || card.contains("comments"))
                << card;
        }
    }
    EXPECT_EQ(ids, std::vector<std::int64_t>{id_of(shared)});
    EXPECT_EQ(page.body.find("@example.com"), std::string::npos) << "an email leaked: " << page.body;
    EXPECT_EQ(page.body.find("looks good"), std::string::npos) << "comments shown without include_comments";

    // The list shows the share, never its token; bob cannot revoke it.
    const auto mine = list(alice, "/api/v1/shares");
    ASSERT_EQ(mine["items"].size(), 1u);
    EXPECT_EQ(mine["items"][0]["scope"], (nlohmann::json{{"tag", "release"}}));
    EXPECT_EQ(list(alice, "/api/v1/shares").dump().find(token), std::string::npos);
    EXPECT_TRUE(list(bob, "/api/v1/shares")["items"].empty());
    const auto share_path = "/api/v1/shares/" + std::to_string(mine["items"][0]["id"].get<std::int64_t>());
    expect_error(del(bob, share_path), 404, "not_found");

    // Revoked: gone, like a token that never existed.
    ASSERT_EQ(del(alice, share_path).status, 204);
    expect_error(http(port(), "GET", "/public/shares/" + token), 404, "not_found");
    expect_error(http(port(), "GET", "/public/shares/not-a-token"), 404, "not_found");
}

TEST_P(ShareTest, TaskIdScopesCommentsAndExpiry) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto one = create(alice, {{"title", "one"}});
    const auto two = create(alice, {{"title", "two"}});
    const auto bobs = create(bob, {{"title", "bob's"}});
    ASSERT_EQ(post(alice, task_path(one) + "/comments", {{"body", "first comment"}}).status, 201);

    // Every id must be a task the creator sees.
    expect_invalid_fields(post(alice, "/api/v1/shares", {{"scope", {{"task_ids", {id_of(one), id_of(bobs)}}}}}),
                          {"scope.task_ids"});
    expect_invalid_fields(post(alice, "/api/v1/shares", {{"scope", {{"tag", "x"}, {"assignee_id", 1}}}}), {"scope"});
    expect_invalid_fields(post(alice, "/api/v1/shares", {{"scope", {{"tag", "x"}}}, {"expires_at", "2001-01-01"}}),
                          {"expires_at"});

    const auto token = share_token(
        post(alice, "/api/v1/shares", {{"scope", {{"task_ids", {id_of(one)}}}}, {"include_comments", true}}));
    const auto page = http(port(), "GET", "/public/shares/" + token);
    ASSERT_EQ(page.status, 200) << page.body;
    const auto board = page.json();
    const auto& open = board["columns"][0];
    ASSERT_EQ(open["tasks"].size(), 1u) << page.body;
    EXPECT_EQ(open["tasks"][0]["id"], id_of(one));
    ASSERT_EQ(open["tasks"][0]["comments"].size(), 1u);
    EXPECT_EQ(open["tasks"][0]["comments"][0]["body"], "first comment");
    EXPECT_FALSE(open["tasks"][0]["comments"][0].contains("author_id"));
    EXPECT_EQ(page.body.find("\"two\""), std::string::npos) << "a task out of scope is shown";
    (void)two;

    // Expired: 404.
    const auto soon = sdk::iso8601_utc(now_ms() + 1500);
    const auto expiring = share_token(post(alice, "/api/v1/shares", {{"scope", {{"tag", "x"}}}, {"expires_at", soon}}));
    EXPECT_EQ(http(port(), "GET", "/public/shares/" + expiring).status, 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(2000));
    expect_error(http(port(), "GET", "/public/shares/" + expiring), 404, "not_found");
}

INSTANTIATE_TEST_SUITE_P(Dialects, BoardTest, ::testing::Values(sdk::Dialect::Sqlite, sdk::Dialect::Postgresql),
                         [](const auto& info) { return dialect_name(info.param); });
INSTANTIATE_TEST_SUITE_P(Dialects, ShareTest, ::testing::Values(sdk::Dialect::Sqlite, sdk::Dialect::Postgresql),
                         [](const auto& info) { return dialect_name(info.param); });

}  // namespace
}  // namespace tasklane::test::tasks
