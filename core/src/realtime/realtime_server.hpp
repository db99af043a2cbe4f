#pragma once
// The WebSocket server of DESIGN.md section 6 on Boost.Beast: its own port and
// Asio threads in the same process as the REST server. Beast is compiled in
// realtime_server.cpp only (it is heavy to compile); this header is plain.
#include "feed_hub.hpp"

#include "../db/session_pool.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tasklane::core::realtime {

struct RealtimeOptions {
    std::string host = "0.0.0.0";
    std::uint16_t port = 8081;
    int threads = 2;
    std::size_t max_message_bytes = 64 * 1024;  // larger client frames close the connection (1009)
    std::size_t send_queue = 1024;               // frames queued per connection before it is closed (1013)
    std::chrono::milliseconds ping_interval{30000};  // a peer silent for two intervals is dropped
    std::chrono::milliseconds handshake_timeout{10000};
    std::chrono::milliseconds reauth_interval{60000};  // expired or revoked tokens close the connection (1008)
    std::vector<std::string> allowed_origins;
    ConnectionLimits limits;
    int replay_max_events = 10000;  // outbox events scanned for a since= replay before asking for a resync
    std::size_t max_subscriptions = 1000;
};

// The caller a token stands for; throws sdk::ApiError(401) for a bad,
// expired or revoked token (and anything else when it cannot tell).
using TokenAuthenticator = std::function<sdk::Caller(const std::string& token, const std::string& remote_address)>;

class RealtimeServer {
public:
    RealtimeServer(FeedHub& hub, SessionPool& pool, TokenAuthenticator authenticate,
                   std::function<std::int64_t()> head_event_id, RealtimeOptions options,
                   std::shared_ptr<spdlog::logger> log);
    ~RealtimeServer();
    RealtimeServer(const RealtimeServer&) = delete;
    RealtimeServer& operator=(const RealtimeServer&) = delete;

    // Binds and starts the threads; throws when the port cannot be bound.
    void start();
    // Closes every connection (1001, going away) and joins the threads.
    void stop();
    std::uint16_t port() const;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace tasklane::core::realtime
