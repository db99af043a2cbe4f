#pragma once
// The host side of sdk::Services and sdk::UserFeed: one registry and one feed
// per App, shared by every plugin. Each service remembers the plugin that
// provided it so the App can withdraw it before that plugin's library unloads.
#include <tasklane/sdk/services.hpp>
#include <tasklane/sdk/user_feed.hpp>

#include <spdlog/logger.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace tasklane::core {

class ServiceRegistry {
public:
    void provide(const std::string& owner, const std::string& name, std::shared_ptr<void> service);
    std::shared_ptr<void> find(const std::string& name) const;
    // Drops every service `owner` provided (after its stop()).
    void withdraw(const std::string& owner);

private:
    struct Entry {
        std::string owner;
        std::shared_ptr<void> service;
    };
    mutable std::mutex mutex_;
    std::map<std::string, Entry> entries_;
};

// sdk::Services as one plugin sees it: what it provides is recorded as its own.
class PluginServices : public sdk::Services {
public:
    PluginServices(ServiceRegistry& registry, std::string owner) : registry_(registry), owner_(std::move(owner)) {}
    void provide_named(const std::string& name, std::shared_ptr<void> service) override {
        registry_.provide(owner_, name, std::move(service));
    }
    std::shared_ptr<void> find_named(const std::string& name) const override { return registry_.find(name); }

private:
    ServiceRegistry& registry_;
    std::string owner_;
};

class LocalUserFeed : public sdk::UserFeed {
public:
    explicit LocalUserFeed(std::shared_ptr<spdlog::logger> log) : log_(std::move(log)) {}
    void push(std::int64_t user_id, const std::string& channel, const nlohmann::json& message) override;
    std::uint64_t listen(sdk::FeedListener listener) override;
    void unlisten(std::uint64_t listener_id) override;
    void add_channel(sdk::FeedChannel channel) override;
    // The channels plugins added, for the WebSocket server (after the plugins started).
    std::vector<sdk::FeedChannel> channels() const;

private:
    std::shared_ptr<spdlog::logger> log_;
    std::vector<sdk::FeedChannel> channels_;
    mutable std::mutex mutex_;
    std::uint64_t next_id_ = 1;
    // Shared pointers so push() can run listeners without holding the lock.
    std::map<std::uint64_t, std::shared_ptr<const sdk::FeedListener>> listeners_;
};

}  // namespace tasklane::core
