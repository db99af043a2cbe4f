#include "field_checks.hpp"

#include <algorithm>

namespace tasklane::tasks {

bool valid_tag(const std::string& tag) {
    if (tag.empty() || tag.size() > 50) {
        return false;
    }
    return std::all_of(tag.begin(), tag.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
               c == '.' || c == ':';
    });
}

}  // namespace tasklane::tasks
