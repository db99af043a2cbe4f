#pragma once
// Live messages for users' open clients: the WebSocket feeds of DESIGN.md
// section 6 (`/ws/<channel>`).
//
// Two ways in:
// - A channel (add_channel): a plugin names outbox event types and says how an
//   event reads as a message and who may receive it. The host delivers every
//   such event, after commit and in id order, to every open connection of the
//   channel whose user may see it, on every node, and replays them to a client
//   that reconnects with `since=<event id>`. This is the way for anything a
//   client must not miss (the tasks and notifications plugins use it).
// - push(): a message for one user's connections on this node, now, best
//   effort (nothing replays it): for transient things such as progress.
#include "events.hpp"
#include "export.hpp"
#include "http.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tasklane::sdk {

// channel: the feed, e.g. "notifications"; message: the JSON frame to send.
using FeedListener = std::function<void(std::int64_t user_id, const std::string& channel, const nlohmann::json& message)>;

// An event as a channel's clients read it. The host adds `event_id`,
// `timestamp` (the event's occurred_at) and `actor` to the frame.
struct FeedMessage {
    std::string type;                          // the frame's "type", e.g. "task_updated"
    nlohmann::json data = nlohmann::json::object();
    // What a client's {"type":"subscribe", ...} narrows by (a task id); 0: the
    // message passes every subscription.
    std::int64_t subject_id = 0;
};

struct FeedChannel {
    std::string name{};                     // the path: /ws/<name>
    std::vector<std::string> event_types{};  // outbox events that feed it
    // The message for an event, or nullopt to send nothing. Called once per
    // event on the host's fan-out thread; must not block.
    std::function<std::optional<FeedMessage>(const Event&)> message{};
    // Whether `caller` may receive the event. Called once per connected user
    // per event, so it must be quick and must not touch the database: decide
    // from the event (e.g. the task it carries, before and after the change).
    std::function<bool(const Caller&, const Event&)> visible{};
    // The key of subscribe/unsubscribe messages that lists subject ids (e.g.
    // "task_ids"); empty: the channel takes no subscriptions.
    std::string subject_key{};
};

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
    // Call from Plugin::start(); a duplicate name is refused. The channel's
    // functions run until the plugin stops.
    virtual void add_channel(FeedChannel channel) = 0;
};

}  // namespace tasklane::sdk
