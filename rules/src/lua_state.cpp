#include "lua_state.hpp"

#include <cstdlib>
#include <cstring>

namespace tasklane::rules {

namespace {

constexpr int kHookEvery = 1000;  // instructions between limit checks

// The base functions a rule may use; everything else of the base library
// (dofile, loadfile, collectgarbage, ...) stays out of reach. No rawset: it
// would write past the read-only views of the event and the api, which every
// rule of the state shares.
constexpr const char* kBaseFunctions[] = {"assert", "error",    "getmetatable", "ipairs",   "next",
                                          "pairs",  "rawequal", "rawget",       "rawlen",   "select",
                                          "setmetatable", "tonumber", "tostring", "type"};
constexpr const char* kLibraries[] = {"string", "table", "math", "utf8"};
constexpr const char* kOsFunctions[] = {"time", "date", "clock"};

// Copies every field of the table at `from` into the table at `to` (absolute indexes).
void copy_fields(lua_State* L, int from, int to) {
    lua_pushnil(L);
    while (lua_next(L, from) != 0) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, to);
    }
}

}  // namespace

LuaState::LuaState() {
    L_ = lua_newstate(&LuaState::allocate, &budget_);
    if (L_ == nullptr) {
        throw std::runtime_error("cannot create a Lua state");
    }
    *static_cast<LuaState**>(lua_getextraspace(L_)) = this;
    build_library();
}

LuaState::~LuaState() {
    if (L_ != nullptr) {
        lua_close(L_);
    }
}

LuaState& LuaState::self(lua_State* L) { return **static_cast<LuaState**>(lua_getextraspace(L)); }

void* LuaState::allocate(void* ud, void* ptr, std::size_t osize, std::size_t nsize) {
    auto& budget = *static_cast<Budget*>(ud);
    const std::size_t old = ptr != nullptr ? osize : 0;  // without a block, osize is a type tag
    if (nsize == 0) {
        std::free(ptr);
        budget.used -= old;
        return nullptr;
    }
    if (nsize > old && budget.used - old + nsize > budget.limit) {
        if (budget.tripped.empty()) {
            budget.tripped = "memory limit of " + std::to_string(budget.run_memory) + " bytes exceeded";
        }
        return nullptr;  // Lua raises "not enough memory"
    }
    void* block = std::realloc(ptr, nsize);
    if (block != nullptr) {
        budget.used = budget.used - old + nsize;
    }
    return block;
}

void LuaState::count_hook(lua_State* L, lua_Debug*) {
    auto& budget = self(L).budget_;
    budget.instructions += kHookEvery;
    if (budget.tripped.empty()) {
        if (budget.instructions > budget.instruction_limit) {
            budget.tripped = "instruction limit of " + std::to_string(budget.instruction_limit) + " exceeded";
        } else if (std::chrono::steady_clock::now() > budget.deadline) {
            budget.tripped = "wall time limit exceeded";
        }
    }
    if (!budget.tripped.empty()) {
        luaL_error(L, "%s", budget.tripped.c_str());
    }
}

int LuaState::sandbox_pcall(lua_State* L) {
    luaL_checkany(L, 1);
    const int status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
    if (const auto& tripped = self(L).budget_.tripped; !tripped.empty()) {
        return luaL_error(L, "%s", tripped.c_str());  // a limit cannot be caught
    }
    lua_pushboolean(L, status == LUA_OK);
    lua_insert(L, 1);
    return lua_gettop(L);
}

int LuaState::sandbox_xpcall(lua_State* L) {
    const int n = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 1);  // swap f and msgh: the handler goes first, below the call
    lua_pushvalue(L, 2);
    lua_replace(L, 1);
    lua_replace(L, 2);
    const int status = lua_pcall(L, n - 2, LUA_MULTRET, 1);
    if (const auto& tripped = self(L).budget_.tripped; !tripped.empty()) {
        return luaL_error(L, "%s", tripped.c_str());
    }
    lua_pushboolean(L, status == LUA_OK);
    lua_replace(L, 1);
    return lua_gettop(L);
}

// load(text [, chunkname [, mode [, env]]]): text chunks only, whatever the
// mode says; the environment defaults to the calling rule's (upvalue 1).
int LuaState::sandbox_load(lua_State* L) {
    std::size_t size = 0;
    const char* text = luaL_checklstring(L, 1, &size);
    const char* name = luaL_optstring(L, 2, "=(load)");
    const bool has_env = !lua_isnone(L, 4);
    if (luaL_loadbufferx(L, text, size, name, "t") != LUA_OK) {
        lua_pushnil(L);
        lua_insert(L, -2);
        return 2;  // nil, message
    }
    if (has_env) {
        lua_pushvalue(L, 4);
    } else {
        lua_pushvalue(L, lua_upvalueindex(1));
    }
    if (lua_setupvalue(L, -2, 1) == nullptr) {
        lua_pop(L, 1);
    }
    return 1;
}

int LuaState::sandbox_print(lua_State* L) {
    std::string line;
    const int n = lua_gettop(L);
    for (int i = 1; i <= n; ++i) {
        std::size_t size = 0;
        const char* text = luaL_tolstring(L, i, &size);
        if (i > 1) {
            line += '\t';
        }
        line.append(text, size);
        lua_pop(L, 1);
    }
    auto& state = self(L);
    if (state.on_print) {
        state.on_print(line);
    }
    return 0;
}

void LuaState::build_library() {
    luaL_requiref(L_, LUA_GNAME, luaopen_base, 1);
    luaL_requiref(L_, LUA_STRLIBNAME, luaopen_string, 1);
    luaL_requiref(L_, LUA_TABLIBNAME, luaopen_table, 1);
    luaL_requiref(L_, LUA_MATHLIBNAME, luaopen_math, 1);
    luaL_requiref(L_, LUA_UTF8LIBNAME, luaopen_utf8, 1);
    luaL_requiref(L_, LUA_OSLIBNAME, luaopen_os, 1);
    lua_settop(L_, 0);

    // string.dump makes bytecode, and strings reach the real string table
    // through their metatable: remove it there, and hide the metatable.
    lua_getglobal(L_, "string");
    lua_pushnil(L_);
    lua_setfield(L_, -2, "dump");
    lua_pop(L_, 1);
    lua_pushliteral(L_, "");
    lua_getmetatable(L_, -1);
    lua_pushboolean(L_, 0);
    lua_setfield(L_, -2, "__metatable");
    lua_pop(L_, 2);

    lua_newtable(L_);  // the library every environment copies
    const int library = lua_gettop(L_);
    for (const char* name : kBaseFunctions) {
        lua_getglobal(L_, name);
        lua_setfield(L_, library, name);
    }
    lua_pushliteral(L_, LUA_VERSION);
    lua_setfield(L_, library, "_VERSION");
    lua_pushcfunction(L_, &LuaState::sandbox_pcall);
    lua_setfield(L_, library, "pcall");
    lua_pushcfunction(L_, &LuaState::sandbox_xpcall);
    lua_setfield(L_, library, "xpcall");
    lua_pushcfunction(L_, &LuaState::sandbox_print);
    lua_setfield(L_, library, "print");
    for (const char* name : kLibraries) {
        lua_getglobal(L_, name);
        lua_setfield(L_, library, name);
    }
    lua_newtable(L_);
    lua_getglobal(L_, "os");
    for (const char* name : kOsFunctions) {
        lua_getfield(L_, -1, name);
        lua_setfield(L_, -3, name);
    }
    lua_pop(L_, 1);
    lua_setfield(L_, library, "os");
    library_ref_ = luaL_ref(L_, LUA_REGISTRYINDEX);
}

void LuaState::push_environment() {
    lua_newtable(L_);
    const int env = lua_gettop(L_);
    lua_rawgeti(L_, LUA_REGISTRYINDEX, library_ref_);
    const int library = lua_gettop(L_);
    lua_pushnil(L_);
    while (lua_next(L_, library) != 0) {
        if (lua_istable(L_, -1)) {  // a library table: this environment's own copy
            lua_newtable(L_);
            copy_fields(L_, lua_absindex(L_, -2), lua_gettop(L_));
            lua_replace(L_, -2);
        }
        lua_pushvalue(L_, -2);
        lua_insert(L_, -2);
        lua_rawset(L_, env);
    }
    lua_pop(L_, 1);  // the library
    lua_pushvalue(L_, env);
    lua_setfield(L_, env, "_G");
    lua_pushvalue(L_, env);
    lua_pushcclosure(L_, &LuaState::sandbox_load, 1);
    lua_setfield(L_, env, "load");
}

void LuaState::load_chunk(const std::string& source, const std::string& chunk_name) {
    const std::string name = "=" + chunk_name;
    if (luaL_loadbufferx(L_, source.data(), source.size(), name.c_str(), "t") != LUA_OK) {
        std::string message = lua_tostring(L_, -1) != nullptr ? lua_tostring(L_, -1) : "cannot load the chunk";
        lua_pop(L_, 2);  // message, environment
        throw LuaError(message, line_of(message));
    }
    lua_pushvalue(L_, -2);
    lua_setupvalue(L_, -2, 1);  // _ENV
    lua_remove(L_, -2);
}

void LuaState::call(int nargs, int nresults, const RunLimits& limits) {
    budget_.tripped.clear();
    budget_.instructions = 0;
    budget_.instruction_limit = limits.instructions;
    budget_.deadline = std::chrono::steady_clock::now() + limits.wall_time;
    budget_.limit = budget_.used + limits.memory_bytes;
    budget_.run_memory = limits.memory_bytes;
    lua_sethook(L_, &LuaState::count_hook, LUA_MASKCOUNT, kHookEvery);
    const int status = lua_pcall(L_, nargs, nresults, 0);
    lua_sethook(L_, nullptr, 0, 0);
    budget_.limit = SIZE_MAX;
    budget_.instruction_limit = UINT64_MAX;
    budget_.deadline = std::chrono::steady_clock::time_point::max();
    const std::string tripped = std::move(budget_.tripped);
    budget_.tripped.clear();
    if (status != LUA_OK) {
        const char* text = lua_tostring(L_, -1);
        std::string message = text != nullptr ? text : "error object is not a string";
        lua_pop(L_, 1);
        lua_gc(L_, LUA_GCCOLLECT);  // give back what the failed run held
        if (!tripped.empty()) {
            throw LimitExceeded(tripped);
        }
        throw LuaError(message, line_of(message));
    }
    if (!tripped.empty()) {
        lua_pop(L_, nresults);
        throw LimitExceeded(tripped);
    }
}

std::optional<int> LuaState::line_of(const std::string& message) {
    // "chunk:12: message": the first ":<digits>:" names the line.
    for (std::size_t colon = message.find(':'); colon != std::string::npos; colon = message.find(':', colon + 1)) {
        std::size_t end = colon + 1;
        while (end < message.size() && message[end] >= '0' && message[end] <= '9') {
            ++end;
        }
        if (end > colon + 1 && end < message.size() && message[end] == ':') {
            return std::stoi(message.substr(colon + 1, end - colon - 1));
        }
    }
    return std::nullopt;
}

}  // namespace tasklane::rules
