#include "lua_json.hpp"

#include <cmath>
#include <string>

namespace tasklane::rules {

namespace {

constexpr int kMaxDepth = 32;

void push_value(lua_State* L, const nlohmann::json& value, bool frozen);

void push_table(lua_State* L, const nlohmann::json& value, bool frozen) {
    lua_createtable(L, value.is_array() ? static_cast<int>(value.size()) : 0,
                    value.is_object() ? static_cast<int>(value.size()) : 0);
    if (value.is_array()) {
        lua_Integer i = 1;
        for (const auto& item : value) {
            push_value(L, item, frozen);
            lua_rawseti(L, -2, i++);
        }
    } else {
        for (const auto& [key, item] : value.items()) {
            if (item.is_null()) {
                continue;
            }
            push_value(L, item, frozen);
            lua_setfield(L, -2, key.c_str());
        }
    }
}

// The metatable of a frozen view keeps the real table at __index; these read it.
int frozen_newindex(lua_State* L) { return luaL_error(L, "the event is read-only"); }

int frozen_len(lua_State* L) {
    lua_getmetatable(L, 1);
    lua_getfield(L, -1, "__index");
    lua_pushinteger(L, static_cast<lua_Integer>(lua_rawlen(L, -1)));
    return 1;
}

int frozen_pairs(lua_State* L) {
    lua_getmetatable(L, 1);
    lua_getglobal(L, "next");  // the real state's next, not a rule's
    lua_getfield(L, -2, "__index");
    lua_pushnil(L);
    return 3;
}

void freeze_top(lua_State* L) {
    lua_newtable(L);  // the view
    lua_createtable(L, 0, 5);
    lua_pushvalue(L, -3);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, frozen_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushcfunction(L, frozen_len);
    lua_setfield(L, -2, "__len");
    lua_pushcfunction(L, frozen_pairs);
    lua_setfield(L, -2, "__pairs");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_remove(L, -2);  // the real table lives on in the metatable
}

void push_value(lua_State* L, const nlohmann::json& value, bool frozen) {
    switch (value.type()) {
        case nlohmann::json::value_t::null:
        case nlohmann::json::value_t::discarded:
            lua_pushnil(L);
            break;
        case nlohmann::json::value_t::boolean:
            lua_pushboolean(L, value.get<bool>() ? 1 : 0);
            break;
        case nlohmann::json::value_t::number_integer:
            lua_pushinteger(L, value.get<std::int64_t>());
            break;
        case nlohmann::json::value_t::number_unsigned:
            lua_pushinteger(L, static_cast<lua_Integer>(value.get<std::uint64_t>()));
            break;
        case nlohmann::json::value_t::number_float:
            lua_pushnumber(L, value.get<double>());
            break;
        case nlohmann::json::value_t::string: {
            const auto& s = value.get_ref<const std::string&>();
            lua_pushlstring(L, s.data(), s.size());
            break;
        }
        case nlohmann::json::value_t::binary:
            lua_pushnil(L);
            break;
        case nlohmann::json::value_t::array:
        case nlohmann::json::value_t::object:
            push_table(L, value, frozen);
            if (frozen) {
                freeze_top(L);
            }
            break;
    }
}

nlohmann::json read_value(lua_State* L, int index, int depth);

nlohmann::json read_table(lua_State* L, int index, int depth) {
    if (depth > kMaxDepth) {
        throw NotJson("a table nested deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    // A frozen view (an event passed back): read the real table behind it.
    if (lua_getmetatable(L, index)) {
        lua_getfield(L, -1, "__index");
        if (lua_istable(L, -1) && lua_rawlen(L, index) == 0) {
            nlohmann::json inner = read_table(L, lua_gettop(L), depth);
            lua_pop(L, 2);
            return inner;
        }
        lua_pop(L, 2);
    }
    const auto length = static_cast<lua_Integer>(lua_rawlen(L, index));
    lua_Integer keys = 0;
    bool sequence = true;
    lua_pushnil(L);
    while (lua_next(L, index) != 0) {
        ++keys;
        if (!lua_isinteger(L, -2) || lua_tointeger(L, -2) < 1 || lua_tointeger(L, -2) > length) {
            sequence = false;
        }
        lua_pop(L, 1);
    }
    if (sequence && keys == length) {
        nlohmann::json array = nlohmann::json::array();
        for (lua_Integer i = 1; i <= length; ++i) {
            lua_rawgeti(L, index, i);
            array.push_back(read_value(L, lua_gettop(L), depth + 1));
            lua_pop(L, 1);
        }
        return array;
    }
    nlohmann::json object = nlohmann::json::object();
    lua_pushnil(L);
    while (lua_next(L, index) != 0) {
        if (lua_type(L, -2) != LUA_TSTRING) {
            lua_pop(L, 2);
            throw NotJson("a table mixes array items and keys, or has a key that is not a string");
        }
        std::size_t size = 0;
        const char* key = lua_tolstring(L, -2, &size);
        try {
            object[std::string(key, size)] = read_value(L, lua_gettop(L), depth + 1);
        } catch (...) {
            lua_pop(L, 2);
            throw;
        }
        lua_pop(L, 1);
    }
    return object;
}

nlohmann::json read_value(lua_State* L, int index, int depth) {
    switch (lua_type(L, index)) {
        case LUA_TNIL:
        case LUA_TNONE:
            return nullptr;
        case LUA_TBOOLEAN:
            return lua_toboolean(L, index) != 0;
        case LUA_TNUMBER: {
            if (lua_isinteger(L, index)) {
                return static_cast<std::int64_t>(lua_tointeger(L, index));
            }
            const double d = lua_tonumber(L, index);
            if (!std::isfinite(d)) {
                throw NotJson("a number that is not finite");
            }
            return d;
        }
        case LUA_TSTRING: {
            std::size_t size = 0;
            const char* text = lua_tolstring(L, index, &size);
            std::string s(text, size);
            try {
                (void)nlohmann::json(s).dump();  // throws on invalid UTF-8
            } catch (const nlohmann::json::exception&) {
                throw NotJson("a string that is not valid UTF-8");
            }
            return s;
        }
        case LUA_TTABLE:
            return read_table(L, lua_absindex(L, index), depth);
        default:
            throw NotJson(std::string("a ") + lua_typename(L, lua_type(L, index)) + " has no JSON form");
    }
}

}  // namespace

void push_json(lua_State* L, const nlohmann::json& value) { push_value(L, value, false); }

void freeze_table(lua_State* L) { freeze_top(L); }

void push_frozen_json(lua_State* L, const nlohmann::json& value) { push_value(L, value, true); }

nlohmann::json to_json(lua_State* L, int index) { return read_value(L, lua_absindex(L, index), 0); }

}  // namespace tasklane::rules
