#include "media_type.hpp"

#include <tasklane/sdk/text.hpp>

#include <algorithm>
#include <cstring>

namespace tasklane::attachments {

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out) {
        c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    return out;
}

// RFC 9110 token characters.
bool is_token(std::string_view text) {
    if (text.empty()) {
        return false;
    }
    return std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
    });
}

}  // namespace

std::string media_type_of(std::string_view content_type) {
    return lower(sdk::trim(content_type.substr(0, content_type.find(';'))));
}

std::optional<std::string> storable_content_type(std::string_view content_type) {
    auto value = sdk::trim(content_type);
    if (value.empty()) {
        return std::string(kDefaultContentType);
    }
    if (value.size() > 255 || !std::all_of(value.begin(), value.end(), [](char c) { return c >= 0x20 && c < 0x7F; })) {
        return std::nullopt;
    }
    const auto type = media_type_of(value);
    const auto slash = type.find('/');
    if (slash == std::string::npos || !is_token(std::string_view(type).substr(0, slash)) ||
        !is_token(std::string_view(type).substr(slash + 1))) {
        return std::nullopt;
    }
    const auto semicolon = value.find(';');
    return semicolon == std::string::npos ? type : type + value.substr(semicolon);
}

bool type_allowed(const std::string& media_type, const std::vector<std::string>& allowed) {
    if (allowed.empty()) {
        return true;
    }
    const auto major = media_type.substr(0, media_type.find('/'));
    return std::any_of(allowed.begin(), allowed.end(), [&](const std::string& entry) {
        const auto e = media_type_of(entry);
        return e == "*/*" || e == media_type || (e.size() > 2 && e.compare(e.size() - 2, 2, "/*") == 0 &&
                                                 e.substr(0, e.size() - 2) == major);
    });
}

}  // namespace tasklane::attachments
