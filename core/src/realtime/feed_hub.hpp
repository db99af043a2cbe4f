#pragma once
// Who is connected to which feed, and the fan-out of events and pushes to
// them. Free of Beast so the routing is readable and tested on its own; the
// WebSocket sessions (ws_server.cpp) implement Connection.
#include <tasklane/sdk/http.hpp>
#include <tasklane/sdk/user_feed.hpp>

#include <spdlog/logger.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

namespace tasklane::core::realtime {

// A serialised frame, shared by every connection that sends it.
using Frame = std::shared_ptr<const std::string>;

// One open client. deliver() is called from any thread and must not block:
// the session queues the frame on its own executor.
class Connection {
public:
    virtual ~Connection() = default;
    // event_id: 0 for frames that are not events (pushes); subject_id: what a
    // subscription filters on (0 passes every filter).
    virtual void deliver(Frame frame, std::int64_t event_id, std::int64_t subject_id) = 0;
};

// Counters for /metrics; sessions add to them.
struct RealtimeCounters {
    std::atomic<std::uint64_t> accepted{0};
    std::atomic<std::uint64_t> refused{0};         // bad token, origin, caps, not an upgrade
    std::atomic<std::uint64_t> messages_sent{0};   // frames written to clients
    std::atomic<std::uint64_t> messages_dropped{0};  // frames never sent (connection closing)
    std::atomic<std::uint64_t> queue_overflows{0};   // clients closed with 1013
};

struct ConnectionLimits {
    std::size_t max_connections = 10000;
    std::size_t max_per_user = 20;
};

enum class Admission { Admitted, TooManyForUser, TooMany };

// {"type","event_id","data","timestamp","actor"} of an event message.
Frame event_frame(const sdk::FeedMessage& message, const sdk::Event& event);
// {"type": type, "data": data}: the server's control messages.
std::string control_frame(const std::string& type, const nlohmann::json& data);

class FeedHub {
public:
    FeedHub(std::vector<sdk::FeedChannel> channels, ConnectionLimits limits, std::shared_ptr<spdlog::logger> log);

    const sdk::FeedChannel* channel(const std::string& name) const;
    std::vector<std::string> channel_names() const;

    // Counts the connection against the caps and starts delivering to it.
    Admission attach(const std::string& channel, const sdk::Caller& caller, const std::shared_ptr<Connection>& connection);
    void detach(const std::string& channel, std::int64_t user_id, const Connection* connection);
    // A re-authentication saw the user's current role: later events use it.
    void refresh_caller(const std::string& channel, const sdk::Caller& caller);
    // At shutdown, after the connections' threads stopped: lets go of them all.
    void clear();

    // The dispatcher's live subscription: every channel that takes the event
    // renders it once and hands it to each connection whose user may see it.
    void publish(const sdk::Event& event);
    // sdk::UserFeed::push: to the user's connections on `channel`, now.
    void push(std::int64_t user_id, const std::string& channel, const nlohmann::json& message);

    // The frame `caller` gets for a replayed event, or null.
    Frame render_for(const sdk::FeedChannel& channel, const sdk::Caller& caller, const sdk::Event& event,
                     std::int64_t& subject_id) const;

    std::size_t connections() const;
    std::map<std::string, std::size_t> connections_by_channel() const;
    RealtimeCounters& counters() const { return counters_; }  // atomics: safe from any thread

private:
    struct UserConnections {
        sdk::Caller caller;
        std::vector<std::shared_ptr<Connection>> connections;
    };
    struct ChannelState {
        sdk::FeedChannel channel;
        std::map<std::int64_t, UserConnections> users;
    };

    // The channel called `name`, or null.
    ChannelState* state(const std::string& name);
    const ChannelState* state(const std::string& name) const;

    std::vector<ChannelState> channels_;  // fixed after construction; only `users` changes
    ConnectionLimits limits_;
    std::shared_ptr<spdlog::logger> log_;
    mutable std::shared_mutex mutex_;
    std::size_t total_ = 0;
    mutable RealtimeCounters counters_;
};

}  // namespace tasklane::core::realtime
