#include "feed_hub.hpp"

#include <algorithm>
#include <mutex>
#include <utility>

namespace tasklane::core::realtime {

Frame event_frame(const sdk::FeedMessage& message, const sdk::Event& event) {
    const auto envelope = sdk::to_json(event);
    nlohmann::json frame = {{"type", message.type},
                            {"event_id", event.id},
                            {"data", message.data},
                            {"timestamp", envelope["occurred_at"]},
                            {"actor", envelope["actor"]}};
    return std::make_shared<const std::string>(frame.dump());
}

std::string control_frame(const std::string& type, const nlohmann::json& data) {
    return nlohmann::json{{"type", type}, {"data", data}}.dump();
}

FeedHub::FeedHub(std::vector<sdk::FeedChannel> channels, ConnectionLimits limits, std::shared_ptr<spdlog::logger> log)
    : limits_(limits), log_(std::move(log)) {
    for (auto& c : channels) {
        channels_.push_back({std::move(c), {}});
    }
}

FeedHub::ChannelState* FeedHub::state(const std::string& name) {
    return const_cast<ChannelState*>(std::as_const(*this).state(name));
}

const FeedHub::ChannelState* FeedHub::state(const std::string& name) const {
    auto it = std::find_if(channels_.begin(), channels_.end(), [&](const auto& c) { return c.channel.name == name; });
    return it == channels_.end() ? nullptr : &*it;
}

const sdk::FeedChannel* FeedHub::channel(const std::string& name) const {
    const auto* found = state(name);
    return found ? &found->channel : nullptr;
}

std::vector<std::string> FeedHub::channel_names() const {
    std::vector<std::string> names;
    for (const auto& c : channels_) {
        names.push_back(c.channel.name);
    }
    return names;
}

Admission FeedHub::attach(const std::string& channel, const sdk::Caller& caller,
                          const std::shared_ptr<Connection>& connection) {
    std::unique_lock lock(mutex_);
    auto* target = state(channel);
    if (!target) {
        throw std::invalid_argument("no feed channel " + channel);
    }
    if (total_ >= limits_.max_connections) {
        return Admission::TooMany;
    }
    std::size_t of_user = 0;
    for (const auto& c : channels_) {
        if (auto u = c.users.find(caller.user_id); u != c.users.end()) {
            of_user += u->second.connections.size();
        }
    }
    if (of_user >= limits_.max_per_user) {
        return Admission::TooManyForUser;
    }
    auto& user = target->users[caller.user_id];
    user.caller = caller;
    user.connections.push_back(connection);
    ++total_;
    return Admission::Admitted;
}

void FeedHub::detach(const std::string& channel, std::int64_t user_id, const Connection* connection) {
    std::unique_lock lock(mutex_);
    auto* c = state(channel);
    if (!c) {
        return;
    }
    auto u = c->users.find(user_id);
    if (u == c->users.end()) {
        return;
    }
    auto& list = u->second.connections;
    const auto before = list.size();
    std::erase_if(list, [&](const auto& p) { return p.get() == connection; });
    total_ -= before - list.size();
    if (list.empty()) {
        c->users.erase(u);
    }
}

void FeedHub::refresh_caller(const std::string& channel, const sdk::Caller& caller) {
    std::unique_lock lock(mutex_);
    if (auto* c = state(channel)) {
        if (auto u = c->users.find(caller.user_id); u != c->users.end()) {
            u->second.caller = caller;
        }
    }
}

void FeedHub::clear() {
    std::unique_lock lock(mutex_);
    for (auto& c : channels_) {
        c.users.clear();
    }
    total_ = 0;
}

void FeedHub::publish(const sdk::Event& event) {
    for (const auto& c : channels_) {
        const auto& types = c.channel.event_types;
        if (std::find(types.begin(), types.end(), event.type) == types.end()) {
            continue;
        }
        const auto message = c.channel.message(event);
        if (!message) {
            continue;
        }
        const auto frame = event_frame(*message, event);
        std::shared_lock lock(mutex_);
        for (const auto& [user_id, user] : c.users) {
            bool visible = false;
            try {
                visible = c.channel.visible(user.caller, event);
            } catch (const std::exception& e) {
                log_->error("feed '{}' could not decide whether user {} sees event {}: {}", c.channel.name, user_id,
                            event.id, e.what());
            }
            if (visible) {
                for (const auto& connection : user.connections) {
                    connection->deliver(frame, event.id, message->subject_id);
                }
            }
        }
    }
}

void FeedHub::push(std::int64_t user_id, const std::string& channel, const nlohmann::json& message) {
    std::shared_lock lock(mutex_);
    const auto* c = state(channel);
    if (!c) {
        return;
    }
    if (auto u = c->users.find(user_id); u != c->users.end()) {
        const Frame frame = std::make_shared<const std::string>(message.dump());
        for (const auto& connection : u->second.connections) {
            connection->deliver(frame, 0, 0);
        }
    }
}

Frame FeedHub::render_for(const sdk::FeedChannel& channel, const sdk::Caller& caller, const sdk::Event& event,
                          std::int64_t& subject_id) const {
    const auto& types = channel.event_types;
    if (std::find(types.begin(), types.end(), event.type) == types.end() || !channel.visible(caller, event)) {
        return nullptr;
    }
    const auto message = channel.message(event);
    if (!message) {
        return nullptr;
    }
    subject_id = message->subject_id;
    return event_frame(*message, event);
}

std::size_t FeedHub::connections() const {
    std::shared_lock lock(mutex_);
    return total_;
}

std::map<std::string, std::size_t> FeedHub::connections_by_channel() const {
    std::shared_lock lock(mutex_);
    std::map<std::string, std::size_t> counts;
    for (const auto& c : channels_) {
        auto& n = counts[c.channel.name];
        for (const auto& [id, user] : c.users) {
            n += user.connections.size();
        }
    }
    return counts;
}

}  // namespace tasklane::core::realtime
