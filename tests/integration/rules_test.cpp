// The rule engine through the running server: a rule created by the API
// reacts to a task created by REST (its effect in the task, the activity
// under the rule's name and the run log); sandbox offences are stopped,
// logged, and the server and the other rules carry on; two rules that would
// trigger each other forever stop at rules.limits.depth; a dry run changes
// nothing; compile errors name the Lua line; rules.dir files load, reload and
// a broken one does not stop the others; scheduled rules run once per tick;
// `tasklane rules check` validates files offline.
#include "tasks_fixture.hpp"

#include <fstream>
#include <thread>

namespace tasklane::test::tasks {
namespace {

using namespace std::chrono_literals;

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
}

class RulesTest : public TasksFixture {
protected:
    std::string extra_yaml() override {
        rules_dir_ = dir_.path() / "rules";
        std::filesystem::create_directories(rules_dir_);
        write_file(rules_dir_ / "tag-bugs.lua", R"(return {
  name = "tag-bugs",
  on = "task.created",
  when = function(event) return event.data.task.title:find("bug") ~= nil end,
  run = function(event, api) api.tasks.update(event.data.task.id, { tags = { "bug" } }) end,
})");
        write_file(rules_dir_ / "broken.lua", "return {\n  name = 'broken',\n  on = \n}");
        return "rules:\n  dir: \"" + rules_dir_.string() +
               "\"\n  run_as: root\n  reload_interval: 200ms\n  limits:\n    instructions: 200000\n"
               "    memory: 4MiB\n    wall_time: 500ms\n    depth: 3\n";
    }

    // POST /api/v1/rules as the admin; the created rule.
    nlohmann::json create_rule(const std::string& source) {
        const auto r = post(admin(), "/api/v1/rules", {{"source", source}});
        EXPECT_EQ(r.status, 201) << r.body;
        return nlohmann::json::parse(r.body, nullptr, false);
    }
    nlohmann::json runs_of(const nlohmann::json& rule) {
        return list(admin(), "/api/v1/rules/" + std::to_string(rule.at("id").get<std::int64_t>()) + "/runs");
    }
    // Waits until the rule has at least n runs; its runs, newest first.
    nlohmann::json await_runs(const nlohmann::json& rule, std::size_t n) {
        nlohmann::json runs;
        eventually([&] {
            runs = runs_of(rule)["items"];
            return runs.size() >= n;
        });
        return runs;
    }
    std::int64_t rule_caused(const std::string& type) {
        std::int64_t n = 0;
        for (const auto& e : events_after(0)) {
            n += e.type == type && e.actor_type == "rule" ? 1 : 0;
        }
        return n;
    }

    std::filesystem::path rules_dir_;
};

TEST_P(RulesTest, ARuleCreatedByTheApiReactsToATaskCreatedByRest) {
    const auto rule = create_rule(R"(return {
  name = "triage-urgent",
  on = "task.created",
  when = function(event) return event.data.task.priority == "urgent" end,
  run = function(event, api)
    local t = event.data.task
    api.tasks.update(t.id, { tags = { "triaged" } })
    api.tasks.comment(t.id, "Triaged by a rule")
    api.log("triaged " .. t.id)
  end,
})");
    EXPECT_EQ(rule["name"], "triage-urgent");
    EXPECT_EQ(rule["on"], nlohmann::json::array({"task.created"}));
    EXPECT_EQ(rule["origin"], "api");

    const auto alice = member("alice");
    const auto calm = create(alice, {{"title", "Calm"}, {"priority", "low"}});
    const auto urgent = create(alice, {{"title", "Fire"}, {"priority", "urgent"}});
    ASSERT_TRUE(eventually([&] { return fetch(alice, id_of(urgent))["tags"] == nlohmann::json::array({"triaged"}); },
                           5s));
    EXPECT_EQ(fetch(alice, id_of(calm))["tags"], nlohmann::json::array());

    const auto activity = list(alice, task_path(urgent) + "/activity");
    bool by_rule = false;
    for (const auto& a : activity["items"]) {
        by_rule = by_rule || (a["via"]["type"] == "rule" && a["via"]["id"] == "triage-urgent");
    }
    EXPECT_TRUE(by_rule) << activity.dump();
    // The comment is the run's second action, its own transaction after the update's.
    nlohmann::json comments;
    EXPECT_TRUE(eventually([&] {
        comments = list(alice, task_path(urgent) + "/comments");
        return !comments["items"].empty();
    }, 5s));
    ASSERT_EQ(comments["items"].size(), 1u) << comments.dump();
    EXPECT_EQ(comments["items"][0]["body"], "Triaged by a rule");

    const auto runs = await_runs(rule, 1);
    ASSERT_EQ(runs.size(), 1u) << "the calm task's event did not match: no run recorded";
    EXPECT_EQ(runs[0]["outcome"], "ok");
    EXPECT_EQ(runs[0]["actions"].size(), 2u) << runs[0].dump();
    EXPECT_EQ(runs[0]["actions"][0]["action"], "tasks.update");
    EXPECT_EQ(runs[0]["logs"], nlohmann::json::array({"triaged " + std::to_string(id_of(urgent))}));
    EXPECT_GE(runs[0]["duration_us"].get<std::int64_t>(), 0);
}

TEST_P(RulesTest, SandboxOffencesAreStoppedAndLoggedAndEverythingElseCarriesOn) {
    const std::vector<std::pair<std::string, std::string>> offences = {
        {"spin", "while true do end"},
        {"hog", "local s = string.rep('x', 1e9)"},
        {"recurse", "local function f() return f() + 1 end f()"},
        {"shell", "os.execute('touch /tmp/tasklane-pwned')"},
        {"files", "io.open('/etc/passwd')"},
        {"modules", "require('os')"},
        {"bytecode", "assert(load('\\27Lua', 'x', 'b'))"},
        {"hook", "debug.sethook()"}};
    std::vector<nlohmann::json> rules;
    for (const auto& [name, body] : offences) {
        rules.push_back(create_rule("return { name = '" + name +
                                    "', on = 'task.created', run = function(event, api)\n" + body + "\nend }"));
    }
    const auto fine = create_rule(
        "return { name = 'fine', on = 'task.created', run = function(event, api) "
        "api.tasks.update(event.data.task.id, { description = 'still here' }) end }");
    const auto alice = member("alice");
    const auto task = create_titled(alice, "Poke the rules");
    ASSERT_TRUE(eventually([&] { return fetch(alice, id_of(task))["description"] == "still here"; }, 10s));
    for (std::size_t i = 0; i < rules.size(); ++i) {
        const auto runs = await_runs(rules[i], 1);
        ASSERT_EQ(runs.size(), 1u) << offences[i].first;
        const auto outcome = runs[0]["outcome"].get<std::string>();
        EXPECT_TRUE(outcome == "limit_exceeded" || outcome == "error") << offences[i].first << ": " << runs[0].dump();
        EXPECT_FALSE(runs[0]["error"].get<std::string>().empty()) << offences[i].first;
    }
    EXPECT_EQ(await_runs(rules[0], 1)[0]["outcome"], "limit_exceeded");
    EXPECT_EQ(await_runs(rules[1], 1)[0]["outcome"], "limit_exceeded");
    EXPECT_FALSE(std::filesystem::exists("/tmp/tasklane-pwned"));
    EXPECT_EQ(http(port(), "GET", "/health").status, 200);
    EXPECT_EQ(get(alice, task_path(task)).status, 200);
}

TEST_P(RulesTest, RulesThatTriggerEachOtherStopAtTheConfiguredDepth) {
    for (const std::string name : {"ping", "pong"}) {
        create_rule("return { name = '" + name +
                    "', on = 'task.updated', run = function(event, api) "
                    "api.tasks.update(event.data.task.id, { description = '" +
                    name + " ' .. event.id }) end }");
    }
    const auto alice = member("alice");
    const auto task = create_titled(alice, "Ball");
    ASSERT_EQ(patch(alice, task_path(task), {{"description", "serve"}}).status, 200);
    // Depth 0 (alice) triggers ping and pong; each answer triggers the other
    // rule only (not itself), at depths 1 and 2; events at depth 3 trigger nothing.
    ASSERT_TRUE(eventually([&] { return rule_caused("task.updated") >= 6; }, 10s)) << rule_caused("task.updated");
    std::this_thread::sleep_for(1s);
    EXPECT_EQ(rule_caused("task.updated"), 6);
    const auto rules = list(admin(), "/api/v1/rules");
    bool stopped = false;
    for (const auto& rule : rules["items"]) {
        const auto runs = runs_of(rule);
        for (const auto& run : runs["items"]) {
            stopped = stopped || (run["outcome"] == "skipped" &&
                                  run["error"].get<std::string>().find("depth limit of 3") != std::string::npos);
        }
    }
    EXPECT_TRUE(stopped) << "the stop is in the run log";
}

TEST_P(RulesTest, ADryRunChangesNothing) {
    const auto alice = member("alice");
    const auto task = create_titled(alice, "Existing");
    const std::string source = R"(return {
  name = "busy",
  on = "task.created",
  run = function(event, api)
    local t = api.tasks.get(event.data.task.id)
    api.tasks.update(t.id, { title = "Renamed" })
    api.tasks.assign(t.id, nil)
    api.tasks.comment(t.id, "hello")
    local made = api.tasks.create({ title = "Follow-up" })
    api.log("would create " .. made.title .. " after " .. t.title)
  end,
})";
    auto snapshot = [&] {
        auto sql = open_database();
        std::vector<long long> counts;
        for (const char* table : {"tasks", "events", "task_comments", "task_activity", "jobs", "rule_runs"}) {
            long long n = 0;
            *sql << std::string("SELECT COUNT(*) FROM ") + table, soci::into(n);
            counts.push_back(n);
        }
        long long version = 0;
        *sql << "SELECT version FROM tasks WHERE id = " + std::to_string(id_of(task)), soci::into(version);
        counts.push_back(version);
        return counts;
    };
    const auto before = snapshot();
    const nlohmann::json event = {{"type", "task.created"}, {"data", {{"task", task}}}};
    const auto r = post(admin(), "/api/v1/rules/test", {{"source", source}, {"event", event}});
    ASSERT_EQ(r.status, 200) << r.body;
    const auto result = nlohmann::json::parse(r.body);
    EXPECT_EQ(result["matched"], true);
    ASSERT_EQ(result["actions"].size(), 4u) << r.body;
    EXPECT_EQ(result["actions"][0]["action"], "tasks.update");
    EXPECT_EQ(result["actions"][3]["action"], "tasks.create");
    EXPECT_EQ(result["logs"], nlohmann::json::array({"would create Follow-up after Existing"}));
    EXPECT_TRUE(result["duration_us"].is_number_integer());
    EXPECT_EQ(snapshot(), before) << "tasks, events, comments, activity, jobs, runs and the version are unchanged";

    const auto stored = create_rule(source);
    const auto before_stored = snapshot();
    const auto again = post(admin(), "/api/v1/rules/" + std::to_string(stored["id"].get<std::int64_t>()) + "/test",
                            {{"event", event}});
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(nlohmann::json::parse(again.body)["actions"].size(), 4u);
    EXPECT_EQ(snapshot(), before_stored);
    EXPECT_EQ(fetch(alice, id_of(task))["title"], "Existing");
}

TEST_P(RulesTest, TheRulesApiValidatesAndIsForAdminsOnly) {
    const auto alice = member("alice");
    expect_error(get(alice, "/api/v1/rules"), 403, "forbidden");
    expect_error(post(alice, "/api/v1/rules", {{"source", "return {}"}}), 403, "forbidden");
    const auto bad = post(admin(), "/api/v1/rules", {{"source", "return {\n name = 'x',\n on = 'a'\n run = 1 }"}});
    expect_error(bad, 422, "validation_failed");
    EXPECT_NE(error_message(bad).find("line 4"), std::string::npos) << bad.body;
    expect_invalid_fields(post(admin(), "/api/v1/rules", nlohmann::json::object()), {"source"});
    expect_error(post(admin(), "/api/v1/rules/test", {{"source", "return {}"}, {"event", 5}}), 422,
                 "validation_failed");

    const auto rule = create_rule("return { name = 'one', on = 'task.created', run = function() end }");
    expect_error(post(admin(), "/api/v1/rules", {{"source", "return { name = 'one', on = 'x', run = function() end }"}}),
                 409, "name_taken");
    const auto path = "/api/v1/rules/" + std::to_string(rule["id"].get<std::int64_t>());
    const auto disabled = put(admin(), path, {{"enabled", false}});
    ASSERT_EQ(disabled.status, 200) << disabled.body;
    EXPECT_EQ(nlohmann::json::parse(disabled.body)["enabled"], false);
    EXPECT_EQ(del(admin(), path).status, 204);
    expect_error(get(admin(), path), 404, "not_found");
}

TEST_P(RulesTest, FileRulesLoadAndReloadAndABrokenFileDoesNotStopThem) {
    const auto alice = member("alice");
    nlohmann::json file_rule;
    const auto rules = list(admin(), "/api/v1/rules");
    for (const auto& rule : rules["items"]) {
        if (rule["name"] == "tag-bugs") {
            file_rule = rule;
        }
    }
    ASSERT_FALSE(file_rule.is_null()) << "the good file loaded next to the broken one";
    EXPECT_EQ(file_rule["origin"], "file");
    const auto path = "/api/v1/rules/" + std::to_string(file_rule["id"].get<std::int64_t>());
    expect_error(del(admin(), path), 409, "file_rule");

    const auto bug = create_titled(alice, "A bug in the parser");
    ASSERT_TRUE(eventually([&] { return fetch(alice, id_of(bug))["tags"] == nlohmann::json::array({"bug"}); }, 5s));

    write_file(rules_dir_ / "tag-bugs.lua", R"(return {
  name = "tag-bugs",
  on = "task.created",
  when = function(event) return event.data.task.title:find("bug") ~= nil end,
  run = function(event, api) api.tasks.update(event.data.task.id, { tags = { "bug", "v2" } }) end,
})");
    ASSERT_TRUE(eventually([&] { return get(admin(), path).json()["version"] == 2; }, 5s));
    const auto second = create_titled(alice, "Another bug");
    EXPECT_TRUE(eventually(
        [&] { return fetch(alice, id_of(second))["tags"] == nlohmann::json::array({"bug", "v2"}); }, 5s));
}

TEST_P(RulesTest, AScheduledRuleRunsOncePerTick) {
    const auto rule = create_rule(R"(return {
  name = "every-minute",
  schedule = "* * * * *",
  run = function(event, api) api.tasks.create({ title = "Tick " .. event.occurred_at }) end,
})");
    EXPECT_EQ(rule["schedule"], "* * * * *");
    const auto runs = await_runs(rule, 1);
    ASSERT_FALSE(runs.empty()) << "no tick within the deadline";
    EXPECT_EQ(runs[0]["outcome"], "ok") << runs[0].dump();
    EXPECT_TRUE(runs[0]["event_id"].is_null());
    const auto ticks = list(admin(), "/api/v1/tasks?q=Tick");
    EXPECT_EQ(ticks["total"], 1);
}

// With the notifications and integrations plugins: api.notify reaches the
// user's notifications; api.webhook only knows targets named in the config.
class RulesWithPluginsTest : public RulesTest {
protected:
    std::vector<std::string> extra_plugins() override { return {"notifications", "integrations"}; }
};

TEST_P(RulesWithPluginsTest, NotifyReachesTheUserAndWebhookNeedsANamedTarget) {
    const auto rule = create_rule(R"(return {
  name = "tell-creator",
  on = "task.created",
  run = function(event, api)
    local t = event.data.task
    api.notify(t.creator_id, { title = "Seen: " .. t.title, body = "by a rule", data = { task_id = t.id } })
    local ok, err = pcall(api.webhook, "nowhere", { id = t.id })
    api.log(tostring(ok) .. " " .. err)
  end,
})");
    const auto alice = member("alice");
    const auto task = create_titled(alice, "Watch me");
    nlohmann::json notes;
    ASSERT_TRUE(eventually([&] {
        notes = list(alice, "/api/v1/notifications")["items"];
        return !notes.empty();
    }, 5s));
    EXPECT_EQ(notes[0]["title"], "Seen: Watch me");
    EXPECT_EQ(notes[0]["data"]["task_id"], id_of(task));
    const auto runs = await_runs(rule, 1);
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0]["outcome"], "ok") << runs[0].dump();
    ASSERT_EQ(runs[0]["logs"].size(), 1u);
    EXPECT_NE(runs[0]["logs"][0].get<std::string>().find("false api.webhook: 422"), std::string::npos)
        << runs[0]["logs"].dump();
}

INSTANTIATE_TEST_SUITE_P(Dialects, RulesWithPluginsTest,
                         ::testing::Values(sdk::Dialect::Sqlite, sdk::Dialect::Postgresql),
                         [](const ::testing::TestParamInfo<sdk::Dialect>& info) { return dialect_name(info.param); });

INSTANTIATE_TEST_SUITE_P(Dialects, RulesTest, ::testing::Values(sdk::Dialect::Sqlite, sdk::Dialect::Postgresql),
                         [](const ::testing::TestParamInfo<sdk::Dialect>& info) { return dialect_name(info.param); });

TEST(RulesCheckTest, ValidatesFilesOfflineAndNamesTheLine) {
    TempDir dir;
    const auto good = dir.file("good.lua");
    const auto bad = dir.file("bad.lua");
    write_file(good, "return { name = 'g', schedule = '*/5 * * * *', run = function() end }");
    write_file(bad, "return {\n name = 'b',\n on = 'task.created',\n run = function() x( end }");
    const auto ok = run_command("'" + tasklane_binary() + "' rules check '" + good + "'");
    EXPECT_EQ(ok.exit_code, 0) << ok.output;
    EXPECT_NE(ok.output.find("OK, rule 'g'"), std::string::npos) << ok.output;
    const auto failed = run_command("'" + tasklane_binary() + "' rules check '" + good + "' '" + bad + "'");
    EXPECT_EQ(failed.exit_code, 1) << failed.output;
    EXPECT_NE(failed.output.find("bad.lua:4:"), std::string::npos) << failed.output;
}

TEST(RulesCheckTest, TheShippedExamplesAreValid) {
    std::string files;
    for (const auto& entry : std::filesystem::directory_iterator(std::string(TASKLANE_SOURCE_DIR) + "/rules/examples")) {
        files += " '" + entry.path().string() + "'";
    }
    ASSERT_FALSE(files.empty());
    const auto r = run_command("'" + tasklane_binary() + "' rules check" + files);
    EXPECT_EQ(r.exit_code, 0) << r.output;
}

}  // namespace
}  // namespace tasklane::test::tasks
