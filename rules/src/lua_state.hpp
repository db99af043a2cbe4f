#pragma once
// One sandboxed Lua 5.4 state (never shared between threads) with per-run
// limits: memory through a counting allocator, instructions and wall time
// through a count hook. A limit that trips stays tripped until the run ends,
// and the sandbox's pcall/xpcall re-raise it, so a rule cannot catch its way
// past a limit.
//
// The sandbox (DESIGN.md section 7): base functions without dofile, loadfile,
// require, collectgarbage and binary chunks (load is text-only); string
// (without dump), table, math, utf8 and os.time/date/clock. Each rule gets its
// own environment with its own copies of those tables, so one rule cannot
// change what another sees.
#include <lua.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

namespace tasklane::rules {

struct RunLimits {
    std::uint64_t instructions = 1'000'000;
    std::size_t memory_bytes = 8u << 20;
    std::chrono::milliseconds wall_time{1000};
};

// A Lua error: the message and, when Lua named one, the line of the chunk.
class LuaError : public std::runtime_error {
public:
    LuaError(const std::string& message, std::optional<int> line) : std::runtime_error(message), line_(line) {}
    std::optional<int> line() const { return line_; }

private:
    std::optional<int> line_;
};

// A run stopped by a limit ("instruction limit of 1000000 exceeded", ...).
class LimitExceeded : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class LuaState {
public:
    LuaState();
    ~LuaState();
    LuaState(const LuaState&) = delete;
    LuaState& operator=(const LuaState&) = delete;

    lua_State* L() const { return L_; }

    // Pushes a fresh rule environment (a table of the sandbox's globals).
    // `print` in it calls on_print.
    void push_environment();

    // Loads `source` as a text chunk named `chunk_name` (used in error
    // messages: "name:LINE: ..."), sets its _ENV to the table at the top of
    // the stack (popped) and leaves the function there. Throws LuaError.
    void load_chunk(const std::string& source, const std::string& chunk_name);

    // Calls the function below its `nargs` arguments on the stack with the
    // limits armed; leaves `nresults` results. Throws LimitExceeded or LuaError.
    void call(int nargs, int nresults, const RunLimits& limits);

    // Bytes the state holds now.
    std::size_t memory_in_use() const { return budget_.used; }

    // Called by the sandbox's print(...) with its arguments joined by tabs.
    std::function<void(const std::string&)> on_print;

    // The limit that tripped in the current call, if any (for C functions
    // that run inside it, e.g. the API given to rules).
    const std::string& tripped() const { return budget_.tripped; }

    // Marks the current call as over a limit (e.g. the rule API's action
    // count); the caller then raises the Lua error.
    void trip(const std::string& reason) {
        if (budget_.tripped.empty()) {
            budget_.tripped = reason;
        }
    }

    // Extracts "chunk:LINE:" from a Lua error message.
    static std::optional<int> line_of(const std::string& message);

private:
    struct Budget {
        std::size_t used = 0;
        std::size_t limit = SIZE_MAX;  // no limit outside call()
        std::size_t run_memory = 0;    // what the current call may add
        std::uint64_t instructions = 0;
        std::uint64_t instruction_limit = UINT64_MAX;
        std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
        std::string tripped;  // why the current call must stop; empty while within limits
    };

    static void* allocate(void* ud, void* ptr, std::size_t osize, std::size_t nsize);
    static void count_hook(lua_State* L, lua_Debug* ar);
    static int sandbox_pcall(lua_State* L);
    static int sandbox_xpcall(lua_State* L);
    static int sandbox_load(lua_State* L);
    static int sandbox_print(lua_State* L);
    static LuaState& self(lua_State* L);
    void build_library();

    Budget budget_;
    lua_State* L_ = nullptr;
    int library_ref_ = LUA_NOREF;  // registry: the pristine sandbox globals to copy from
};

}  // namespace tasklane::rules
