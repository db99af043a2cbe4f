#pragma once
// Headers every response carries so browsers treat it safely.
#include <tasklane/sdk/http.hpp>

#include <string>

namespace tasklane::core {

struct SecurityHeaders {
    std::string frame_options = "DENY";
    std::string referrer_policy = "no-referrer";
    std::string content_security_policy;  // for HTML responses
    long hsts_max_age_seconds = 0;        // 0: no Strict-Transport-Security (not served over TLS)

    // Adds what the handler did not set itself. JSON answers to authenticated
    // requests are also marked `Cache-Control: no-store`.
    void apply(const sdk::Request& request, sdk::Response& response) const;
};

// The deepest nesting of arrays and objects in a JSON text (strings skipped),
// without parsing it: a cheap guard before a parser or handler recurses.
std::size_t json_nesting_depth(const std::string& text);

}  // namespace tasklane::core
