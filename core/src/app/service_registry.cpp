#include "service_registry.hpp"

#include <stdexcept>
#include <vector>

namespace tasklane::core {

void ServiceRegistry::provide(const std::string& owner, const std::string& name, std::shared_ptr<void> service) {
    if (!service) {
        throw std::invalid_argument("plugin '" + owner + "' provided an empty service '" + name + "'");
    }
    std::lock_guard lock(mutex_);
    const auto [it, inserted] = entries_.emplace(name, Entry{owner, std::move(service)});
    if (!inserted) {
        throw std::invalid_argument("service '" + name + "' of plugin '" + owner + "' is already provided by plugin '" +
                                    it->second.owner + "'");
    }
}

std::shared_ptr<void> ServiceRegistry::find(const std::string& name) const {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(name);
    return it == entries_.end() ? nullptr : it->second.service;
}

void ServiceRegistry::withdraw(const std::string& owner) {
    std::vector<std::shared_ptr<void>> dropped;  // destroyed outside the lock
    std::lock_guard lock(mutex_);
    for (auto it = entries_.begin(); it != entries_.end();) {
        if (it->second.owner == owner) {
            dropped.push_back(std::move(it->second.service));
            it = entries_.erase(it);
        } else {
            ++it;
        }
    }
}

void LocalUserFeed::push(std::int64_t user_id, const std::string& channel, const nlohmann::json& message) {
    std::vector<std::shared_ptr<const sdk::FeedListener>> targets;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [id, listener] : listeners_) {
            targets.push_back(listener);
        }
    }
    for (const auto& listener : targets) {
        try {
            (*listener)(user_id, channel, message);
        } catch (const std::exception& e) {
            log_->error("user feed listener failed on a '{}' message for user {}: {}", channel, user_id, e.what());
        }
    }
}

std::uint64_t LocalUserFeed::listen(sdk::FeedListener listener) {
    std::lock_guard lock(mutex_);
    const auto id = next_id_++;
    listeners_.emplace(id, std::make_shared<const sdk::FeedListener>(std::move(listener)));
    return id;
}

void LocalUserFeed::unlisten(std::uint64_t listener_id) {
    std::lock_guard lock(mutex_);
    listeners_.erase(listener_id);
}

void LocalUserFeed::add_channel(sdk::FeedChannel channel) {
    if (channel.name.empty() || channel.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos) {
        throw std::invalid_argument("feed channel name '" + channel.name + "' must be lower-case letters, digits, - or _");
    }
    if (!channel.message || !channel.visible || channel.event_types.empty()) {
        throw std::invalid_argument("feed channel '" + channel.name + "' needs event types, message and visible");
    }
    std::lock_guard lock(mutex_);
    for (const auto& c : channels_) {
        if (c.name == channel.name) {
            throw std::invalid_argument("feed channel '" + channel.name + "' is already added");
        }
    }
    channels_.push_back(std::move(channel));
}

std::vector<sdk::FeedChannel> LocalUserFeed::channels() const {
    std::lock_guard lock(mutex_);
    return channels_;
}

}  // namespace tasklane::core
