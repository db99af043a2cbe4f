#pragma once
// Text rules shared by tasks, comments and templates.
#include <cstddef>
#include <string>

namespace tasklane::tasks {

// Code points, not bytes: limits are in characters as users count them.
std::size_t utf8_length(const std::string& text);
std::string trim(const std::string& text);
// 1 to 50 of letters, digits, '_', '-', '.', ':'.
bool valid_tag(const std::string& tag);
inline constexpr const char* kTagRule = "each tag is 1 to 50 of letters, digits, '_', '-', '.', ':'";

}  // namespace tasklane::tasks
