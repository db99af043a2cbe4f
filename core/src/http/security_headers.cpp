#include "security_headers.hpp"

#include <algorithm>

namespace tasklane::core {

void SecurityHeaders::apply(const sdk::Request& request, sdk::Response& response) const {
    auto set_default = [&](const std::string& name, const std::string& value) {
        if (!value.empty() && !response.headers.count(name)) {
            response.headers[name] = value;
        }
    };
    set_default("X-Content-Type-Options", "nosniff");
    set_default("X-Frame-Options", frame_options);
    set_default("Referrer-Policy", referrer_policy);
    const auto type = response.headers.count("Content-Type") ? response.headers.at("Content-Type") : "";
    if (type.rfind("text/html", 0) == 0) {
        set_default("Content-Security-Policy", content_security_policy);
    }
    if (hsts_max_age_seconds > 0) {
        set_default("Strict-Transport-Security", "max-age=" + std::to_string(hsts_max_age_seconds) + "; includeSubDomains");
    }
    if (request.header("Authorization")) {
        set_default("Cache-Control", "no-store");
    }
}

std::size_t json_nesting_depth(const std::string& text) {
    std::size_t depth = 0;
    std::size_t deepest = 0;
    bool in_string = false;
    bool escaped = false;
    for (const char c : text) {
        if (in_string) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            deepest = std::max(deepest, ++depth);
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

}  // namespace tasklane::core
