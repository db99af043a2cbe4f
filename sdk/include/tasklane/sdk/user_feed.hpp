#pragma once
// Live messages for one user's open clients (the WebSocket feeds of DESIGN.md
// section 6). Node-local and best effort: a user with no open client on this
// node simply gets nothing. Anything that must survive a restart or reach
// other nodes is published as an event first and pushed from a live event
// subscription on every node (the notifications plugin does so).
#include "export.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>

namespace tasklane::sdk {

// channel: the feed, e.g. "notifications"; message: the JSON frame to send.
using FeedListener = std::function<void(std::int64_t user_id, const std::string& channel, const nlohmann::json& message)>;

class TASKLANE_SDK_VISIBLE UserFeed {
public:
    virtual ~UserFeed() = default;
    // Hands `message` to every listener, on the caller's thread. Listeners
    // must not block; an exception from one is logged and the others still run.
    virtual void push(std::int64_t user_id, const std::string& channel, const nlohmann::json& message) = 0;
    // For transports (the WebSocket server) and tests. The id removes it again;
    // a plugin removes its listeners in stop().
    virtual std::uint64_t listen(FeedListener listener) = 0;
    virtual void unlisten(std::uint64_t listener_id) = 0;
};

}  // namespace tasklane::sdk
