#include "http_pipeline.hpp"

#include "../app/logging.hpp"
#include "../db/session_pool.hpp"
#include "client_address.hpp"

#include <algorithm>
#include <chrono>
#include <random>

namespace tasklane::core {

namespace {

const char* reason_code(int status) {
    switch (status) {
        case 400: return "bad_request";
        case 401: return "unauthorized";
        case 403: return "forbidden";
        case 404: return "not_found";
        case 405: return "method_not_allowed";
        case 413: return "payload_too_large";
        case 429: return "rate_limited";
        case 503: return "service_unavailable";
        default: return "internal_error";
    }
}

}  // namespace

sdk::Response error_response(int status, const std::string& code, const std::string& message,
                             const std::vector<sdk::FieldError>& details, const std::string& request_id) {
    nlohmann::json d = nlohmann::json::array();
    for (const auto& f : details) {
        d.push_back({{"field", f.field}, {"message", f.message}});
    }
    auto response = sdk::Response::json(
        status, {{"error", {{"code", code}, {"message", message}, {"details", d}, {"request_id", request_id}}}});
    if (status == 401) {
        response.headers["WWW-Authenticate"] = "Bearer";
    }
    return response;
}

std::string request_id_for(const std::optional<std::string>& client_value) {
    if (client_value && !client_value->empty() && client_value->size() <= 128) {
        bool sane = true;
        for (char c : *client_value) {
            const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                            c == '_' || c == '-' || c == ':';
            sane = sane && ok;
        }
        if (sane) {
            return *client_value;
        }
    }
    thread_local std::mt19937_64 rng{std::random_device{}()};
    char buf[33];
    std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                  static_cast<unsigned long long>(rng()));
    return buf;
}

HttpPipeline::HttpPipeline(Metrics& metrics, std::shared_ptr<spdlog::logger> log, HttpLimits limits)
    : metrics_(metrics), log_(std::move(log)), limits_(limits) {}

void HttpPipeline::add(sdk::Route route, sdk::Handler handler) { add_owned(std::move(route), std::move(handler), "core"); }

void HttpPipeline::add_owned(sdk::Route route, sdk::Handler handler, const std::string& owner) {
    table_.add(std::move(route), std::move(handler), owner);
}

std::optional<sdk::Caller> HttpPipeline::authenticate(const sdk::Request& request) const {
    return authenticator_ ? authenticator_(request) : std::nullopt;
}

void HttpPipeline::set_authenticator(sdk::Authenticator authenticator) {
    if (authenticator_) {
        throw std::invalid_argument("an authenticator is already installed; only one plugin may provide authentication");
    }
    authenticator_ = std::move(authenticator);
}

sdk::Response HttpPipeline::handle(sdk::Request& request) const {
    const auto started = std::chrono::steady_clock::now();
    request.request_id = request_id_for(request.header("X-Request-ID"));
    request.remote_address =
        client_address(request.remote_address, request.header("X-Forwarded-For"), policies_.trusted_proxies);
    RequestLogScope scope(request.request_id);
    sdk::Response response;
    RateVerdict shown;
    bool preflight = false;
    try {
        if (auto answer = policies_.cors.preflight(request)) {
            response = std::move(*answer);
            preflight = true;
        } else {
            response = dispatch(request, shown);
        }
    } catch (const sdk::ApiError& e) {
        response = error_response(e.status(), e.code(), e.what(), e.details(), request.request_id);
        for (const auto& [name, value] : e.headers()) {
            response.headers[name] = value;
        }
    } catch (const DatabaseUnavailable& e) {
        log_->error("database unavailable: {}", e.what());
        response = error_response(503, "database_unavailable", "the database is not reachable; retry shortly", {},
                                  request.request_id);
        response.headers["Retry-After"] = "5";
    } catch (const std::exception& e) {
        // Never leak internals to the client; the log line carries the request id.
        log_->error("unhandled exception in {} {}: {}", request.method, request.route, e.what());
        response = error_response(500, "internal_error", "internal server error", {}, request.request_id);
    } catch (...) {
        log_->error("unhandled non-standard exception in {} {}", request.method, request.route);
        response = error_response(500, "internal_error", "internal server error", {}, request.request_id);
    }
    if (!preflight) {
        policies_.cors.decorate(request, response);  // errors too: a browser page reads their body
    }
    if (shown.limit > 0) {
        response.headers["RateLimit-Limit"] = std::to_string(shown.limit);
        response.headers["RateLimit-Remaining"] = std::to_string(shown.remaining);
        response.headers["RateLimit-Reset"] = std::to_string(shown.reset_seconds);
    }
    policies_.headers.apply(request, response);
    response.headers["X-Request-ID"] = request.request_id;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    static const std::string unmatched = "(unmatched)";
    const std::string& route = request.route.empty() ? unmatched : request.route;
    metrics_.observe_http(request.method, route, response.status, seconds);
    log_->info("{} {} {} {:.3f}ms", request.method, route, response.status, seconds * 1000);
    return response;
}

void HttpPipeline::limit_rate(const RateGroup& group, const RateLimit& limit, const std::string& client,
                              RateVerdict& shown) const {
    if (!limit.enabled()) {
        return;
    }
    const auto verdict = policies_.rate_limiter->take(group, limit, client);
    if (shown.limit == 0 || verdict.remaining < shown.remaining || !verdict.allowed) {
        shown = verdict;  // the tighter of the client's buckets is the one to show
    }
    if (!verdict.allowed) {
        throw sdk::ApiError(429, reason_code(429),
                            "too many requests; retry in " + std::to_string(verdict.retry_after) + " s")
            .with_header("Retry-After", std::to_string(verdict.retry_after));
    }
}

void HttpPipeline::set_fallback(std::function<bool(const std::string&)> accepts, sdk::Handler handler) {
    fallback_accepts_ = std::move(accepts);
    fallback_ = std::move(handler);
}

std::size_t HttpPipeline::largest_body_limit() const {
    std::size_t largest = limits_.max_body_bytes;
    for (const auto& r : table_.routes()) {
        largest = std::max(largest, r.route.max_body_bytes);
    }
    return largest;
}

sdk::Response HttpPipeline::dispatch(sdk::Request& request, RateVerdict& shown) const {
    const RateGroup* group = nullptr;
    if (policies_.rate_limiter) {
        group = &policies_.rate_limiter->group_for(request.path);
        limit_rate(*group, group->per_ip, "ip:" + request.remote_address, shown);
    }
    auto match = table_.match(request.method, request.path);
    const auto body_limit = match.route && match.route->route.max_body_bytes > 0 ? match.route->route.max_body_bytes
                                                                                   : limits_.max_body_bytes;
    if (request.body.size() > body_limit) {
        throw sdk::ApiError(413, reason_code(413),
                            "request body is " + std::to_string(request.body.size()) + " bytes; the limit is " +
                                std::to_string(body_limit));
    }
    if (!request.body.empty() && (request.media_type().empty() || request.has_json_body()) &&
        json_nesting_depth(request.body) > limits_.max_json_depth) {
        throw sdk::ApiError(400, reason_code(400),
                            "the JSON body is nested deeper than " + std::to_string(limits_.max_json_depth) + " levels");
    }
    if (!match.route) {
        if (fallback_ && request.method == "GET" && match.allowed_methods.empty() && fallback_accepts_(request.path)) {
            request.route = "(web app)";
            return fallback_(request);
        }
        if (!match.allowed_methods.empty()) {
            std::string allow;
            for (const auto& m : match.allowed_methods) {
                allow += (allow.empty() ? "" : ", ") + m;
            }
            auto response = error_response(405, reason_code(405),
                                           request.method + " is not allowed on " + request.path + " (allowed: " + allow + ")",
                                           {}, request.request_id);
            response.headers["Allow"] = allow;
            return response;
        }
        throw sdk::ApiError(404, reason_code(404), "no route for " + request.method + " " + request.path);
    }
    const auto& route = *match.route;
    request.route = route.route.path;
    request.path_params = std::move(match.params);
    if (route.route.access == sdk::Access::Public) {
        // Health checks and login never pay for (or fail on) a token.
        return route.handler(request);
    }
    if (authenticator_) {
        request.caller = authenticator_(request);
    }
    if (!request.caller) {
        throw sdk::ApiError::unauthorized();
    }
    if (group) {
        limit_rate(*group, group->per_user, "user:" + std::to_string(request.caller->user_id), shown);
    }
    if (route.route.access == sdk::Access::Admin && !request.caller->is_admin()) {
        throw sdk::ApiError::forbidden("administrator role required");
    }
    return route.handler(request);
}

}  // namespace tasklane::core
