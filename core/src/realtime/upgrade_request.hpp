#pragma once
// What a WebSocket upgrade request asks for, read from its target and headers
// before anything is accepted: the feed, the token, the resume point and
// whether the browser's origin may connect. Free of Beast.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tasklane::core::realtime {

struct UpgradeRequest {
    std::string channel;                // from /ws/<channel>
    std::string token;                  // query token= or "Sec-WebSocket-Protocol: bearer, <token>"
    bool token_in_protocol = false;     // then the handshake answers with the "bearer" protocol
    std::optional<std::int64_t> since;  // resume after this event id
};

// A request that cannot be served, as an HTTP status and a message for the error body.
struct UpgradeRefusal {
    int status;
    std::string code;
    std::string message;
};

// Splits "/ws/tasks?token=..&since=5" and reads the protocol header
// (may be empty). Throws UpgradeRefusal for a bad path, since or missing token.
UpgradeRequest parse_upgrade_request(const std::string& target, const std::string& protocol_header);

// Browsers send Origin; other clients do not, and may always connect. A
// browser page may connect when its origin is listed ("*" lists every one) or
// when it is on the same host as the WebSocket server (any port: the web app
// is served from server.port, the feed from realtime.port).
bool origin_allowed(const std::string& origin, const std::string& host_header, const std::vector<std::string>& allowed);

}  // namespace tasklane::core::realtime
