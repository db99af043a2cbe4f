#include "rule_runtime.hpp"

#include "cron.hpp"
#include "lua_json.hpp"

#include <tasklane/sdk/errors.hpp>
#include <tasklane/sdk/events.hpp>

#include <chrono>

namespace tasklane::rules {

namespace {

constexpr const char* kTaskActions[] = {"get", "create", "update", "assign", "complete", "comment", "query"};
constexpr const char* kUserActions[] = {"get", "find"};

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// "tasks.update: 422 validation_failed: title: must not be empty"
std::string describe(const std::string& action, const std::exception& e) {
    std::string text = "api." + action + ": ";
    if (const auto* api = dynamic_cast<const sdk::ApiError*>(&e)) {
        text += std::to_string(api->status()) + " " + api->code() + ": " + api->what();
        for (const auto& d : api->details()) {
            text += "; " + d.field + ": " + d.message;
        }
    } else {
        text += e.what();
    }
    return text;
}

}  // namespace

bool is_write_action(const std::string& action) {
    return action == "tasks.create" || action == "tasks.update" || action == "tasks.assign" ||
           action == "tasks.complete" || action == "tasks.comment" || action == "notify" || action == "webhook";
}

RuleRuntime::RuleRuntime(RunLimitsConfig limits) : limits_(limits) { build_api(); }

RuleRuntime& RuleRuntime::self(lua_State* L) {
    return *static_cast<RuleRuntime*>(lua_touserdata(L, lua_upvalueindex(1)));
}

void RuleRuntime::build_api() {
    lua_State* L = lua_.L();
    auto add = [&](const char* lua_name, const std::string& action) {
        lua_pushlightuserdata(L, this);
        lua_pushstring(L, action.c_str());
        lua_pushcclosure(L, &RuleRuntime::api_call, 2);
        lua_setfield(L, -2, lua_name);
    };
    lua_newtable(L);  // api
    lua_newtable(L);
    for (const char* name : kTaskActions) {
        add(name, std::string("tasks.") + name);
    }
    freeze_table(L);  // shared by every rule of the state: none may change it for the others
    lua_setfield(L, -2, "tasks");
    lua_newtable(L);
    for (const char* name : kUserActions) {
        add(name, std::string("users.") + name);
    }
    freeze_table(L);
    lua_setfield(L, -2, "users");
    add("notify", "notify");
    add("webhook", "webhook");
    lua_pushlightuserdata(L, this);
    lua_pushcclosure(L, &RuleRuntime::api_log, 1);
    lua_setfield(L, -2, "log");
    lua_pushlightuserdata(L, this);
    lua_pushcclosure(L, &RuleRuntime::api_now, 1);
    lua_setfield(L, -2, "now");
    freeze_table(L);
    api_ref_ = luaL_ref(L, LUA_REGISTRYINDEX);
}

// Every api.* call but log and now. No C++ object may be alive when a Lua
// error unwinds this frame (Lua uses longjmp), hence the inner scope.
int RuleRuntime::api_call(lua_State* L) {
    auto& runtime = self(L);
    bool failed = false;
    bool over_limit = false;
    {
        const std::string action = lua_tostring(L, lua_upvalueindex(2));
        auto& context = runtime.context_;
        if (context.actions == nullptr) {
            lua_pushfstring(L, "api.%s can only be called while the rule runs", action.c_str());
            failed = true;
        } else if (++context.actions_used > runtime.limits_.actions) {
            lua_pushfstring(L, "action limit of %d exceeded", runtime.limits_.actions);
            failed = true;
            over_limit = true;
        } else {
            try {
                nlohmann::json args = nlohmann::json::array();
                for (int i = 1; i <= lua_gettop(L); ++i) {
                    args.push_back(to_json(L, i));
                }
                if (is_write_action(action)) {
                    context.result->actions.push_back({{"action", action}, {"args", args}});
                }
                const auto result = context.actions->call(action, args);
                lua_settop(L, 0);
                push_json(L, result);
            } catch (const std::exception& e) {
                lua_settop(L, 0);
                lua_pushstring(L, describe(action, e).c_str());
                failed = true;
            }
        }
    }
    if (over_limit) {
        runtime.lua_.trip(lua_tostring(L, -1));
    }
    if (failed) {
        return lua_error(L);
    }
    return 1;
}

int RuleRuntime::api_log(lua_State* L) {
    auto& runtime = self(L);
    std::size_t size = 0;
    const char* text = luaL_tolstring(L, 1, &size);
    if (runtime.context_.result != nullptr && runtime.context_.result->logs.size() < 100) {
        runtime.context_.result->logs.emplace_back(text, std::min<std::size_t>(size, 2000));
    }
    return 0;
}

// api.now(): the current time as ISO 8601 UTC, comparable with due_date.
int RuleRuntime::api_now(lua_State* L) {
    lua_pushstring(L, sdk::iso8601_utc(now_ms()).c_str());
    return 1;
}

RuleSpec RuleRuntime::read_spec(int table) {
    lua_State* L = lua_.L();
    RuleSpec spec;
    auto field_type = [&](const char* name) {
        lua_getfield(L, table, name);
        const int type = lua_type(L, -1);
        return type;
    };
    if (field_type("name") != LUA_TSTRING || lua_rawlen(L, -1) == 0 || lua_rawlen(L, -1) > 100) {
        lua_pop(L, 1);
        throw RuleCompileError("the rule needs a name: a string of 1 to 100 characters", std::nullopt);
    }
    spec.name = lua_tostring(L, -1);
    lua_pop(L, 1);
    const int on = field_type("on");
    if (on == LUA_TSTRING) {
        spec.on.push_back(lua_tostring(L, -1));
    } else if (on == LUA_TTABLE) {
        const auto n = static_cast<lua_Integer>(lua_rawlen(L, -1));
        for (lua_Integer i = 1; i <= n; ++i) {
            lua_rawgeti(L, -1, i);
            if (lua_type(L, -1) != LUA_TSTRING) {
                lua_pop(L, 2);
                throw RuleCompileError("`on` must list event types as strings", std::nullopt);
            }
            spec.on.push_back(lua_tostring(L, -1));
            lua_pop(L, 1);
        }
    } else if (on != LUA_TNIL) {
        lua_pop(L, 1);
        throw RuleCompileError("`on` must be an event type or a list of them", std::nullopt);
    }
    lua_pop(L, 1);
    const int schedule = field_type("schedule");
    if (schedule == LUA_TSTRING) {
        spec.schedule = lua_tostring(L, -1);
    } else if (schedule != LUA_TNIL) {
        lua_pop(L, 1);
        throw RuleCompileError("`schedule` must be a cron expression string", std::nullopt);
    }
    lua_pop(L, 1);
    if (spec.on.empty() == !spec.schedule.has_value()) {
        throw RuleCompileError("the rule needs either `on` (event types) or `schedule` (a cron expression)",
                               std::nullopt);
    }
    if (spec.schedule) {
        try {
            (void)CronSchedule::parse(*spec.schedule);
        } catch (const std::invalid_argument& e) {
            throw RuleCompileError(std::string("`schedule`: ") + e.what(), std::nullopt);
        }
    }
    const int when = field_type("when");
    lua_pop(L, 1);
    if (when != LUA_TNIL && when != LUA_TFUNCTION) {
        throw RuleCompileError("`when` must be a function(event)", std::nullopt);
    }
    spec.has_when = when == LUA_TFUNCTION;
    const int run = field_type("run");
    lua_pop(L, 1);
    if (run != LUA_TFUNCTION) {
        throw RuleCompileError("`run` must be a function(event, api)", std::nullopt);
    }
    const int retrigger = field_type("retrigger");
    spec.retrigger = retrigger == LUA_TBOOLEAN && lua_toboolean(L, -1) != 0;
    lua_pop(L, 1);
    if (retrigger != LUA_TNIL && retrigger != LUA_TBOOLEAN) {
        throw RuleCompileError("`retrigger` must be a boolean", std::nullopt);
    }
    if (field_type("description") == LUA_TSTRING) {
        spec.description = lua_tostring(L, -1);
    }
    lua_pop(L, 1);
    return spec;
}

RuleSpec RuleRuntime::add(const std::string& key, const std::string& source, const std::string& label) {
    lua_State* L = lua_.L();
    const int top = lua_gettop(L);
    lua_.push_environment();
    try {
        lua_.load_chunk(source, label);
        lua_.call(0, 1, limits_.lua);
    } catch (const LuaError& e) {
        lua_settop(L, top);
        throw RuleCompileError(e.what(), e.line());
    } catch (const LimitExceeded& e) {
        lua_settop(L, top);
        throw RuleCompileError(std::string("loading the rule: ") + e.what(), std::nullopt);
    }
    if (!lua_istable(L, -1)) {
        lua_settop(L, top);
        throw RuleCompileError("the chunk must return the rule's table", std::nullopt);
    }
    RuleSpec spec;
    try {
        spec = read_spec(lua_gettop(L));
    } catch (...) {
        lua_settop(L, top);
        throw;
    }
    if (auto it = rules_.find(key); it != rules_.end()) {
        luaL_unref(L, LUA_REGISTRYINDEX, it->second.table_ref);
        rules_.erase(it);
    }
    rules_[key] = Compiled{spec, luaL_ref(L, LUA_REGISTRYINDEX)};
    lua_settop(L, top);
    return spec;
}

void RuleRuntime::clear() {
    for (auto& [key, rule] : rules_) {
        luaL_unref(lua_.L(), LUA_REGISTRYINDEX, rule.table_ref);
    }
    rules_.clear();
    luaL_unref(lua_.L(), LUA_REGISTRYINDEX, event_ref_);
    event_ref_ = LUA_NOREF;
    event_id_ = 0;
    lua_gc(lua_.L(), LUA_GCCOLLECT);
}

void RuleRuntime::push_event(const nlohmann::json& event) {
    lua_State* L = lua_.L();
    const std::int64_t id = event.value("id", std::int64_t{0});
    if (id == 0 || id != event_id_ || event_ref_ == LUA_NOREF) {
        luaL_unref(L, LUA_REGISTRYINDEX, event_ref_);
        push_frozen_json(L, event);
        event_ref_ = luaL_ref(L, LUA_REGISTRYINDEX);
        event_id_ = id;
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, event_ref_);
}

RunResult RuleRuntime::run(const std::string& key, const nlohmann::json& event, RuleActions& actions) {
    RunResult result;
    const auto started = std::chrono::steady_clock::now();
    const auto& rule = rules_.at(key);
    lua_State* L = lua_.L();
    const int top = lua_gettop(L);
    context_ = Context{&actions, &result, 0};
    lua_.on_print = [&result](const std::string& line) {
        if (result.logs.size() < 100) {
            result.logs.push_back(line.substr(0, 2000));
        }
    };
    try {
        lua_rawgeti(L, LUA_REGISTRYINDEX, rule.table_ref);
        const int table = lua_gettop(L);
        bool matched = true;
        if (rule.spec.has_when) {
            lua_getfield(L, table, "when");
            push_event(event);
            lua_.call(1, 1, limits_.lua);
            matched = lua_toboolean(L, -1) != 0;
            lua_pop(L, 1);
        }
        if (matched) {
            result.matched = true;
            lua_getfield(L, table, "run");
            push_event(event);
            lua_rawgeti(L, LUA_REGISTRYINDEX, api_ref_);
            lua_.call(2, 0, limits_.lua);
            result.outcome = "ok";
        } else {
            result.outcome = "skipped";
        }
    } catch (const LimitExceeded& e) {
        result.outcome = "limit_exceeded";
        result.error = e.what();
    } catch (const LuaError& e) {
        result.outcome = "error";
        result.error = e.what();
        result.line = e.line();
    }
    lua_settop(L, top);
    context_ = Context{};
    lua_.on_print = nullptr;
    result.duration_us =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
    return result;
}

}  // namespace tasklane::rules
