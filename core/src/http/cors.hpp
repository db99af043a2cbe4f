#pragma once
// Cross-origin requests from browsers: only listed origins get CORS headers,
// credentials only when configured and never with "*".
#include <tasklane/sdk/http.hpp>

#include <optional>
#include <string>
#include <vector>

namespace tasklane::core {

struct CorsPolicy {
    std::vector<std::string> allowed_origins;  // exact "https://app.example.com", or "*"
    bool allow_credentials = false;
    long max_age_seconds = 600;

    bool allows(const std::string& origin) const;
    // An OPTIONS preflight (Origin + Access-Control-Request-Method): the 204
    // answer, with CORS headers only for an allowed origin. nullopt for any
    // other request.
    std::optional<sdk::Response> preflight(const sdk::Request& request) const;
    // CORS headers on an actual response to an allowed origin.
    void decorate(const sdk::Request& request, sdk::Response& response) const;
};

}  // namespace tasklane::core
