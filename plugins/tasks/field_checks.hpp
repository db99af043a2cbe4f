#pragma once
// Text rules shared by tasks, comments and templates.
#include <tasklane/sdk/text.hpp>

#include <string>

namespace tasklane::tasks {

using sdk::utf8_length;  // code points, as users count characters
using sdk::trim;
// 1 to 50 of letters, digits, '_', '-', '.', ':'.
bool valid_tag(const std::string& tag);
inline constexpr const char* kTagRule = "each tag is 1 to 50 of letters, digits, '_', '-', '.', ':'";

}  // namespace tasklane::tasks
