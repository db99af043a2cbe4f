#pragma once
// Text helpers every plugin's validation needs.
#include <cstddef>
#include <string>

namespace tasklane::sdk {

// Length in code points, as users count characters (UTF-8 continuation
// bytes are not counted).
inline std::size_t utf8_length(const std::string& text) {
    std::size_t n = 0;
    for (unsigned char c : text) {
        n += (c & 0xC0) != 0x80 ? 1 : 0;
    }
    return n;
}

}  // namespace tasklane::sdk
