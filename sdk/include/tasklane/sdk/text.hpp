#pragma once
// Text helpers every plugin's validation needs.
#include <cstddef>
#include <string>
#include <string_view>

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

// Without leading and trailing spaces, tabs and line breaks.
inline std::string trim(std::string_view text) {
    constexpr std::string_view blanks = " \t\r\n";
    const auto begin = text.find_first_not_of(blanks);
    if (begin == std::string_view::npos) {
        return "";
    }
    return std::string(text.substr(begin, text.find_last_not_of(blanks) - begin + 1));
}

}  // namespace tasklane::sdk
