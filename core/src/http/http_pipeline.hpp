#pragma once
// Everything between the socket and a plugin's handler, free of Pistache
// types so it is tested directly: request id, body limit, routing (404/405),
// authentication and access, error rendering, metrics, the request log line.
#include "metrics.hpp"
#include "route_table.hpp"

#include <tasklane/sdk/http.hpp>

#include <spdlog/logger.h>

#include <memory>

namespace tasklane::core {

struct HttpLimits {
    std::size_t max_body_bytes = 1 << 20;
};

class HttpPipeline : public sdk::Routes {
public:
    HttpPipeline(Metrics& metrics, std::shared_ptr<spdlog::logger> log, HttpLimits limits);

    // sdk::Routes, for the core's own routes (owner "core"); plugins register
    // through a PluginRoutes view that names them as owner.
    void add(sdk::Route route, sdk::Handler handler) override;
    void set_authenticator(sdk::Authenticator authenticator) override;
    void add_owned(sdk::Route route, sdk::Handler handler, const std::string& owner);

    // The caller the authentication provider sees in `request` (nullopt when
    // anonymous or no provider); throws ApiError(401) for a bad credential.
    std::optional<sdk::Caller> authenticate(const sdk::Request& request) const;
    // Handles one request; never throws. Fills request.request_id, .route, .path_params, .caller.
    sdk::Response handle(sdk::Request& request) const;
    const RouteTable& table() const { return table_; }

private:
    sdk::Response dispatch(sdk::Request& request) const;

    Metrics& metrics_;
    std::shared_ptr<spdlog::logger> log_;
    HttpLimits limits_;
    RouteTable table_;
    sdk::Authenticator authenticator_;
};

// The uniform error body of DESIGN.md section 5.
sdk::Response error_response(int status, const std::string& code, const std::string& message,
                             const std::vector<sdk::FieldError>& details, const std::string& request_id);
// A client's X-Request-ID is echoed when sane (1-128 of [A-Za-z0-9._:-]); otherwise a new one.
std::string request_id_for(const std::optional<std::string>& client_value);

}  // namespace tasklane::core
