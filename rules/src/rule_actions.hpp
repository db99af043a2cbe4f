#pragma once
// What `api.*` does for a rule: every call but api.log and api.now arrives
// here as (action, args) — "tasks.get", "tasks.create", "tasks.update",
// "tasks.assign", "tasks.complete", "tasks.comment", "tasks.query",
// "users.get", "users.find", "notify", "webhook" — with the Lua arguments as a
// JSON array. Live actions call the plugins' services; a dry run records the
// writes instead (see rule_engine.cpp).
#include <nlohmann/json.hpp>

#include <string>

namespace tasklane::rules {

class RuleActions {
public:
    virtual ~RuleActions() = default;
    // The result handed back to Lua (null is nil). Throws sdk::ApiError or
    // std::exception; the rule sees a Lua error it may pcall.
    virtual nlohmann::json call(const std::string& action, const nlohmann::json& args) = 0;
};

// The actions that change something (a dry run records these).
bool is_write_action(const std::string& action);

}  // namespace tasklane::rules
