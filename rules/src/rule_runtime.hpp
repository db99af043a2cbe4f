#pragma once
// The rules compiled in one Lua state, and running one of them for an event.
// A runtime belongs to one thread at a time (a rule worker, or a request's
// dry run with a runtime of its own).
#include "lua_state.hpp"
#include "rule_actions.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tasklane::rules {

// What a rule's returned table declares.
struct RuleSpec {
    std::string name;
    std::vector<std::string> on;          // event types ("*" for all); empty for a scheduled rule
    std::optional<std::string> schedule;  // cron expression
    std::string description;
    bool has_when = false;
    bool retrigger = false;  // may react to events its own actions caused
};

// A source that is not a valid rule: the message and, when known, the line.
class RuleCompileError : public std::runtime_error {
public:
    RuleCompileError(const std::string& message, std::optional<int> line)
        : std::runtime_error(message), line_(line) {}
    std::optional<int> line() const { return line_; }

private:
    std::optional<int> line_;
};

struct RunLimitsConfig {
    RunLimits lua;
    int actions = 20;
};

struct RunResult {
    std::string outcome;  // ok, error, skipped, limit_exceeded
    bool matched = false;  // `when` held (or there is none) and `run` was called
    std::string error;
    std::optional<int> line;
    nlohmann::json actions = nlohmann::json::array();  // the write actions, {action, args}
    std::vector<std::string> logs;
    std::int64_t duration_us = 0;
};

class RuleRuntime {
public:
    explicit RuleRuntime(RunLimitsConfig limits);

    // Compiles a rule source (chunk name: `label`, used in error lines) and
    // keeps it under `key`. Throws RuleCompileError.
    RuleSpec add(const std::string& key, const std::string& source, const std::string& label);
    bool has(const std::string& key) const { return rules_.count(key) > 0; }
    void clear();

    // Runs the rule under `key` for `event` (the envelope of sdk::to_json):
    // `when`, then `run` with the api. Lua failures and broken limits come
    // back in the result; nothing is thrown for them.
    RunResult run(const std::string& key, const nlohmann::json& event, RuleActions& actions);

private:
    struct Compiled {
        RuleSpec spec;
        int table_ref = LUA_NOREF;
    };
    struct Context {
        RuleActions* actions = nullptr;
        RunResult* result = nullptr;
        int actions_used = 0;
    };

    void build_api();
    void push_event(const nlohmann::json& event);
    static int api_call(lua_State* L);
    static int api_log(lua_State* L);
    static int api_now(lua_State* L);
    static RuleRuntime& self(lua_State* L);
    RuleSpec read_spec(int table);

    RunLimitsConfig limits_;
    LuaState lua_;
    std::map<std::string, Compiled> rules_;
    int api_ref_ = LUA_NOREF;
    // The frozen event of the last run: every rule of one event shares it.
    std::int64_t event_id_ = 0;
    int event_ref_ = LUA_NOREF;
    Context context_;
};

}  // namespace tasklane::rules
