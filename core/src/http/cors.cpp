#include "cors.hpp"

#include <algorithm>

namespace tasklane::core {

namespace {
constexpr const char* kExposed = "X-Request-ID, ETag, Location, Retry-After, RateLimit-Limit, RateLimit-Remaining, "
                                 "RateLimit-Reset";
constexpr const char* kMethods = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
}  // namespace

bool CorsPolicy::allows(const std::string& origin) const {
    return !origin.empty() && std::any_of(allowed_origins.begin(), allowed_origins.end(), [&](const std::string& a) {
               return a == origin || (a == "*" && !allow_credentials);
           });
}

std::optional<sdk::Response> CorsPolicy::preflight(const sdk::Request& request) const {
    const auto origin = request.header("Origin");
    if (request.method != "OPTIONS" || !origin || !request.header("Access-Control-Request-Method")) {
        return std::nullopt;
    }
    sdk::Response response;
    response.status = 204;
    response.headers["Vary"] = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
    if (allows(*origin)) {
        decorate(request, response);
        response.headers["Access-Control-Allow-Methods"] = kMethods;
        response.headers["Access-Control-Allow-Headers"] =
            request.header("Access-Control-Request-Headers").value_or("Authorization, Content-Type");
        response.headers["Access-Control-Max-Age"] = std::to_string(max_age_seconds);
    }
    return response;
}

void CorsPolicy::decorate(const sdk::Request& request, sdk::Response& response) const {
    const auto origin = request.header("Origin");
    if (!origin || !allows(*origin)) {
        return;
    }
    const bool any = std::find(allowed_origins.begin(), allowed_origins.end(), *origin) == allowed_origins.end();
    response.headers["Access-Control-Allow-Origin"] = any ? "*" : *origin;
    if (!any && !response.headers.count("Vary")) {
        response.headers["Vary"] = "Origin";
    }
    if (allow_credentials && !any) {
        response.headers["Access-Control-Allow-Credentials"] = "true";
    }
    response.headers["Access-Control-Expose-Headers"] = kExposed;
}

}  // namespace tasklane::core
