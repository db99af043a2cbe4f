#pragma once
// JSON <-> Lua values for the rule engine. JSON null becomes nil (so a key
// holding null is absent, as `t.assignee_id == nil` expects); arrays become
// sequences. Back from Lua, a table whose keys are exactly 1..n is an array
// (an empty table too), any other table an object with string keys.
#include <lua.hpp>
#include <nlohmann/json.hpp>

#include <stdexcept>

namespace tasklane::rules {

// A value a rule passed that has no JSON form (a function, a NaN, a table
// nested too deeply or with a non-string key, a string that is not UTF-8).
class NotJson : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

void push_json(lua_State* L, const nlohmann::json& value);
// As push_json, but every table is a read-only view: writing to it raises an
// error. One event is handed to every rule; none can change what the next sees.
void push_frozen_json(lua_State* L, const nlohmann::json& value);
// Replaces the table at the top of the stack with a read-only view of it.
void freeze_table(lua_State* L);
// Throws NotJson; never raises a Lua error.
nlohmann::json to_json(lua_State* L, int index);

}  // namespace tasklane::rules
