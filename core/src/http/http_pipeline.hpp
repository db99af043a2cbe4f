#pragma once
// Everything between the socket and a plugin's handler, free of Pistache
// types so it is tested directly: request id, body limit, routing (404/405),
// authentication and access, error rendering, metrics, the request log line.
#include "cors.hpp"
#include "metrics.hpp"
#include "rate_limiter.hpp"
#include "route_table.hpp"
#include "security_headers.hpp"

#include <tasklane/sdk/ip_address.hpp>

#include <tasklane/sdk/http.hpp>

#include <spdlog/logger.h>

#include <memory>

namespace tasklane::core {

struct HttpLimits {
    std::size_t max_body_bytes = 1 << 20;
    std::size_t max_json_depth = 64;
};

// The security middleware (config section `security`).
struct HttpPolicies {
    sdk::AddressList trusted_proxies;            // whose X-Forwarded-For is believed
    CorsPolicy cors;
    SecurityHeaders headers;
    std::shared_ptr<RateLimiter> rate_limiter;  // null: no rate limits
};

class HttpPipeline : public sdk::Routes {
public:
    HttpPipeline(Metrics& metrics, std::shared_ptr<spdlog::logger> log, HttpLimits limits);

    // sdk::Routes, for the core's own routes (owner "core"); plugins register
    // through a PluginRoutes view that names them as owner.
    void add(sdk::Route route, sdk::Handler handler) override;
    void set_authenticator(sdk::Authenticator authenticator) override;
    // Before serving.
    void set_policies(HttpPolicies policies) { policies_ = std::move(policies); }
    void add_owned(sdk::Route route, sdk::Handler handler, const std::string& owner);
    // What answers a GET no route matches on any method, when `accepts(path)`
    // (the web app's index.html for its own routes); every other unmatched
    // request stays a 404 (or 405 where the path has other methods).
    void set_fallback(std::function<bool(const std::string& path)> accepts, sdk::Handler handler);

    // The caller the authentication provider sees in `request` (nullopt when
    // anonymous or no provider); throws ApiError(401) for a bad credential.
    std::optional<sdk::Caller> authenticate(const sdk::Request& request) const;
    // Handles one request; never throws. Fills request.request_id, .route, .path_params, .caller.
    sdk::Response handle(sdk::Request& request) const;
    const RouteTable& table() const { return table_; }
    // The largest body any route takes: what the HTTP server must read in.
    std::size_t largest_body_limit() const;

private:
    sdk::Response dispatch(sdk::Request& request, RateVerdict& shown) const;
    // Takes a request from `client`'s bucket; throws 429 when it is empty.
    void limit_rate(const RateGroup& group, const RateLimit& limit, const std::string& client, RateVerdict& shown) const;

    Metrics& metrics_;
    std::shared_ptr<spdlog::logger> log_;
    HttpLimits limits_;
    RouteTable table_;
    sdk::Authenticator authenticator_;
    HttpPolicies policies_;
    std::function<bool(const std::string&)> fallback_accepts_;
    sdk::Handler fallback_;
};

// The uniform error body of DESIGN.md section 5.
sdk::Response error_response(int status, const std::string& code, const std::string& message,
                             const std::vector<sdk::FieldError>& details, const std::string& request_id);
// A client's X-Request-ID is echoed when sane (1-128 of [A-Za-z0-9._:-]); otherwise a new one.
std::string request_id_for(const std::optional<std::string>& client_value);

}  // namespace tasklane::core
