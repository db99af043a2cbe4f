#pragma once
// One outbound webhook POST through libcurl, hardened for untrusted URLs:
// http/https only, no redirects, no proxy, connect and total timeouts, the
// host pinned to addresses the SSRF guard already checked (CURLOPT_RESOLVE,
// so DNS rebinding cannot swap them), and every socket re-checked before it
// connects (CURLOPT_OPENSOCKETFUNCTION).
#include "address_guard.hpp"
#include "webhook_url.hpp"

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace tasklane::integrations {

struct PostRequest {
    std::string url;
    WebhookUrl target;                        // the parsed url
    std::vector<IpAddress> pinned_addresses;  // what `target.host` resolved to and the guard accepted
    std::vector<std::string> headers;         // "Name: value"
    std::string body;
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds timeout{10000};
    std::function<bool(const IpAddress&)> may_connect;  // the last word before connect()
};

struct PostResult {
    long status = 0;    // 0 when no HTTP response arrived
    std::string error;  // empty when a response arrived
    bool timed_out = false;
    std::chrono::milliseconds duration{0};
};

PostResult http_post(const PostRequest& request);

// Resolves `host` (getaddrinfo, both families). Throws std::runtime_error
// naming the host when resolution fails (a transient failure: retried).
std::vector<IpAddress> resolve_host(const std::string& host, int port);

}  // namespace tasklane::integrations
