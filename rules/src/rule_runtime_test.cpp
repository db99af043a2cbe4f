// The rule runtime on a real Lua state: the rule format and its compile
// errors with lines, when/run with the api, and the sandbox — what is absent
// (io, os.execute, require, dofile, binary chunks, string.dump, debug) and
// what is stopped (endless loops, huge strings, deep recursion, too many
// actions), even when the rule wraps the offence in pcall.
#include "rule_runtime.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tasklane::rules {
namespace {

class RecordingActions : public RuleActions {
public:
    nlohmann::json call(const std::string& action, const nlohmann::json& args) override {
        calls.push_back({{"action", action}, {"args", args}});
        if (action == "tasks.get") {
            return {{"id", args.at(0)}, {"title", "Stored"}, {"assignee_id", nullptr}};
        }
        if (action == "users.find") {
            return {{"id", 42}, {"username", args.at(0)}};
        }
        if (action == "tasks.update" && args.at(0) == 13) {
            throw std::runtime_error("no such task");
        }
        return nullptr;
    }
    std::vector<nlohmann::json> calls;
};

RunLimitsConfig small_limits() {
    RunLimitsConfig limits;
    limits.lua.instructions = 200'000;
    limits.lua.memory_bytes = 2u << 20;
    limits.lua.wall_time = std::chrono::milliseconds(500);
    limits.actions = 5;
    return limits;
}

nlohmann::json task_event(std::int64_t id = 1, const std::string& priority = "urgent") {
    return {{"id", id},
            {"type", "task.created"},
            {"actor", {{"type", "user"}, {"id", 3}}},
            {"data", {{"task", {{"id", 7}, {"title", "Fix it"}, {"priority", priority}, {"assignee_id", nullptr},
                                {"creator_id", 3}, {"tags", {"ops", "db"}}}}}}};
}

std::string rule_with_run(const std::string& body) {
    return "return { name = 'r', on = 'task.created', run = function(event, api)\n" + body + "\nend }";
}

class RuleRuntimeTest : public ::testing::Test {
protected:
    RunResult run_body(const std::string& body) {
        runtime.add("r", rule_with_run(body), "r");
        return runtime.run("r", task_event(), actions);
    }
    RuleRuntime runtime{small_limits()};
    RecordingActions actions;
};

TEST_F(RuleRuntimeTest, TheDesignExampleAssignsAndNotifies) {
    const auto spec = runtime.add("x", R"(return {
  name = "auto-assign-urgent",
  on = { "task.created", "task.updated" },
  when = function(event) return event.data.task.priority == "urgent" end,
  run = function(event, api)
    local t = event.data.task
    if t.assignee_id == nil then
      api.tasks.assign(t.id, api.users.find("oncall").id)
      api.notify(t.creator_id, "Urgent task auto-assigned")
    end
  end,
})",
                                  "auto-assign-urgent");
    EXPECT_EQ(spec.name, "auto-assign-urgent");
    EXPECT_EQ(spec.on, (std::vector<std::string>{"task.created", "task.updated"}));
    EXPECT_TRUE(spec.has_when);
    const auto result = runtime.run("x", task_event(), actions);
    EXPECT_EQ(result.outcome, "ok") << result.error;
    EXPECT_TRUE(result.matched);
    ASSERT_EQ(actions.calls.size(), 3u);
    EXPECT_EQ(actions.calls[1], (nlohmann::json{{"action", "tasks.assign"}, {"args", {7, 42}}}));
    EXPECT_EQ(actions.calls[2], (nlohmann::json{{"action", "notify"}, {"args", {3, "Urgent task auto-assigned"}}}));
    EXPECT_EQ(result.actions.size(), 2u) << "only writes are listed";

    const auto other = runtime.run("x", task_event(2, "low"), actions);
    EXPECT_EQ(other.outcome, "skipped");
    EXPECT_FALSE(other.matched);
}

TEST_F(RuleRuntimeTest, CompileErrorsNameTheLine) {
    try {
        runtime.add("bad", "return {\n name = 'x',\n on = 'task.created'\n run = function() end }", "bad-rule");
        FAIL() << "compiled";
    } catch (const RuleCompileError& e) {
        EXPECT_EQ(e.line(), 4) << e.what();
        EXPECT_NE(std::string(e.what()).find("bad-rule:4:"), std::string::npos) << e.what();
    }
}

TEST_F(RuleRuntimeTest, TheRuleTableIsChecked) {
    auto message = [&](const std::string& source) {
        try {
            runtime.add("k", source, "k");
            return std::string("compiled");
        } catch (const RuleCompileError& e) {
            return std::string(e.what());
        }
    };
    EXPECT_NE(message("return 5").find("must return the rule's table"), std::string::npos);
    EXPECT_NE(message("return { on = 'task.created', run = function() end }").find("name"), std::string::npos);
    EXPECT_NE(message("return { name = 'n', run = function() end }").find("either `on`"), std::string::npos);
    EXPECT_NE(message("return { name = 'n', on = 'a', schedule = '* * * * *', run = function() end }").find("either"),
              std::string::npos);
    EXPECT_NE(message("return { name = 'n', on = 'a' }").find("`run`"), std::string::npos);
    EXPECT_NE(message("return { name = 'n', schedule = 'every day', run = function() end }").find("`schedule`"),
              std::string::npos);
    EXPECT_NE(message("error('boom')").find("k:1: boom"), std::string::npos);
    EXPECT_FALSE(runtime.has("k"));
}

TEST_F(RuleRuntimeTest, EndlessLoopsStopAtTheInstructionLimitEvenInsidePcall) {
    for (const std::string body : {"while true do end",
                                   "while true do pcall(function() while true do end end) end",
                                   "local ok = xpcall(function() while true do end end, function(m) return m end)\n"
                                   "while true do end"}) {
        const auto result = run_body(body);
        EXPECT_EQ(result.outcome, "limit_exceeded") << body << ": " << result.error;
        EXPECT_NE(result.error.find("instruction limit"), std::string::npos) << result.error;
    }
}

TEST_F(RuleRuntimeTest, HugeAllocationsStopAtTheMemoryLimit) {
    for (const std::string body : {"local s = string.rep('x', 1e9)",
                                   "local t = {} for i = 1, 1e8 do t[i] = i end",
                                   "pcall(string.rep, 'x', 1e9) local s = string.rep('y', 1e9)"}) {
        const auto result = run_body(body);
        EXPECT_EQ(result.outcome, "limit_exceeded") << body << ": " << result.error;
        EXPECT_NE(result.error.find("memory limit"), std::string::npos) << result.error;
    }
    // The state is usable afterwards.
    EXPECT_EQ(run_body("local s = string.rep('x', 1000)").outcome, "ok");
}

TEST_F(RuleRuntimeTest, DeepRecursionIsStopped) {
    const auto result = run_body("local function f(n) return f(n + 1) + 1 end f(1)");
    EXPECT_TRUE(result.outcome == "limit_exceeded" || result.outcome == "error") << result.outcome;
    EXPECT_FALSE(result.error.empty());
}

TEST_F(RuleRuntimeTest, DangerousFunctionsAreAbsent) {
    for (const std::string expr :
         {"os.execute", "os.exit", "os.getenv", "os.remove", "io", "require", "dofile", "loadfile", "debug",
          "collectgarbage", "string.dump", "package", "coroutine", "rawset"}) {
        const auto result = run_body("assert(" + expr + " == nil, '" + expr + " is present')");
        EXPECT_EQ(result.outcome, "ok") << expr << ": " << result.error;
    }
    EXPECT_EQ(run_body("io.open('/etc/passwd')").outcome, "error");
    EXPECT_EQ(run_body("debug.sethook()").outcome, "error");
    EXPECT_EQ(run_body("assert(os.time() > 0 and os.date('!%Y') ~= nil and os.clock() >= 0)").outcome, "ok");
    EXPECT_EQ(run_body("assert(getmetatable('') == false)").outcome, "ok") << "the string metatable is hidden";
    EXPECT_EQ(run_body("assert(('x'):upper() == 'X')").outcome, "ok");
}

TEST_F(RuleRuntimeTest, LoadTakesTextOnly) {
    const auto text = run_body("local f = assert(load('return 1 + 1')) assert(f() == 2)");
    EXPECT_EQ(text.outcome, "ok") << text.error;
    const auto binary = run_body("local f, err = load('\\27Lua', 'x', 'b') assert(f == nil) error(err)");
    EXPECT_EQ(binary.outcome, "error");
    EXPECT_NE(binary.error.find("binary chunk"), std::string::npos) << binary.error;
    const auto escape = run_body("local f = load('return os.execute') assert(f() == nil)");
    EXPECT_EQ(escape.outcome, "ok") << "loaded chunks get the rule's sandbox: " << escape.error;
}

TEST_F(RuleRuntimeTest, TheEventAndTheApiAreReadOnlyAndRulesDoNotShareGlobals) {
    EXPECT_EQ(run_body("event.data.task.title = 'x'").outcome, "error");
    EXPECT_EQ(run_body("api.tasks.get = nil").outcome, "error");
    EXPECT_EQ(run_body("setmetatable(event, {})").outcome, "error");
    runtime.add("a", "return { name = 'a', on = 'task.created', run = function() string.upper = nil shared = 1 end }",
                "a");
    runtime.add("b", "return { name = 'b', on = 'task.created', run = function() "
                     "assert(string.upper ~= nil and shared == nil) end }",
                "b");
    EXPECT_EQ(runtime.run("a", task_event(), actions).outcome, "ok");
    const auto b = runtime.run("b", task_event(), actions);
    EXPECT_EQ(b.outcome, "ok") << b.error;
}

TEST_F(RuleRuntimeTest, TheEventReadsLikePlainTables) {
    const auto result = run_body(
        "local t = event.data.task\n"
        "assert(#t.tags == 2 and t.tags[1] == 'ops')\n"
        "local n = 0 for k, v in pairs(t) do n = n + 1 end assert(n == 5, n)\n"
        "for i, tag in ipairs(t.tags) do api.log(i .. tag) end\n"
        "assert(t.assignee_id == nil and event.actor.id == 3)");
    EXPECT_EQ(result.outcome, "ok") << result.error;
    EXPECT_EQ(result.logs, (std::vector<std::string>{"1ops", "2db"}));
}

TEST_F(RuleRuntimeTest, TooManyActionsAreALimit) {
    const auto result = run_body("while true do pcall(api.tasks.get, 1) end");
    EXPECT_EQ(result.outcome, "limit_exceeded") << result.error;
    EXPECT_NE(result.error.find("action limit of 5"), std::string::npos) << result.error;
    EXPECT_EQ(actions.calls.size(), 5u);
}

TEST_F(RuleRuntimeTest, AFailedActionIsALuaErrorTheRuleMayCatch) {
    const auto caught = run_body("local ok, err = pcall(api.tasks.update, 13, {title = 'x'})\n"
                                 "assert(not ok) api.log(err)");
    EXPECT_EQ(caught.outcome, "ok") << caught.error;
    ASSERT_EQ(caught.logs.size(), 1u);
    EXPECT_NE(caught.logs[0].find("api.tasks.update: no such task"), std::string::npos) << caught.logs[0];
    const auto uncaught = run_body("api.tasks.update(13, {title = 'x'})");
    EXPECT_EQ(uncaught.outcome, "error");
}

TEST_F(RuleRuntimeTest, ArgumentsWithoutAJsonFormAreRefused) {
    const auto result = run_body("api.tasks.create({ title = 'x', run = function() end })");
    EXPECT_EQ(result.outcome, "error");
    EXPECT_NE(result.error.find("has no JSON form"), std::string::npos) << result.error;
    EXPECT_TRUE(actions.calls.empty());
}

TEST_F(RuleRuntimeTest, PrintGoesToTheRunLog) {
    const auto result = run_body("print('hello', 42)");
    EXPECT_EQ(result.logs, (std::vector<std::string>{"hello\t42"}));
}

}  // namespace
}  // namespace tasklane::rules
