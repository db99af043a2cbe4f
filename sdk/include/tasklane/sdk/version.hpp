#pragma once
// The SDK's ABI contract. Bump kApiVersion whenever a class in this directory
// changes layout or a virtual function is added, removed or reordered: the
// loader refuses a plugin built against another version before running any of
// its code (see plugin.hpp).
#include <cstdint>

namespace tasklane::sdk {

inline constexpr std::uint32_t kApiVersion = 5;  // 5: Route::max_body_bytes; 4: feed channels; 3: services, user feed; 2: statement cache, job queue, after_commit

// What a plugin exports next to its factory. `struct_size` lets a future host
// read an older, smaller handshake safely.
struct Handshake {
    std::uint32_t api_version;
    std::uint32_t struct_size;
    const char* plugin_name;
};

}  // namespace tasklane::sdk
