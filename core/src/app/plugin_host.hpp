#pragma once
// The sdk::Host handed to one plugin: the shared services, seen under the
// plugin's name (routes are registered with it as owner, its logger carries it).
#include "../http/http_pipeline.hpp"
#include "service_registry.hpp"

#include <tasklane/sdk/host.hpp>

namespace tasklane::core {

class PluginHost : public sdk::Host, private sdk::Routes {
public:
    PluginHost(std::string plugin_name, HttpPipeline& pipeline, sdk::Events& events, sdk::Database& database,
               sdk::JobQueue& jobs, ServiceRegistry& services, sdk::UserFeed& feed, nlohmann::json config,
               std::shared_ptr<spdlog::logger> logger, nlohmann::json& meta)
        : name_(std::move(plugin_name)),
          pipeline_(pipeline),
          events_(events),
          database_(database),
          jobs_(jobs),
          services_(services, name_),
          feed_(feed),
          config_(std::move(config)),
          logger_(std::move(logger)),
          meta_(meta) {}

    sdk::Routes& routes() override { return *this; }
    sdk::Events& events() override { return events_; }
    sdk::Database& database() override { return database_; }
    sdk::JobQueue& jobs() override { return jobs_; }
    sdk::Services& services() override { return services_; }
    sdk::UserFeed& user_feed() override { return feed_; }
    const nlohmann::json& config() const override { return config_; }
    std::shared_ptr<spdlog::logger> logger() override { return logger_; }
    void set_meta(const std::string& key, nlohmann::json value) override {
        if (meta_.contains(key)) {
            throw std::invalid_argument("meta key '" + key + "' of plugin '" + name_ + "' is already set");
        }
        meta_[key] = std::move(value);
    }

private:
    void add(sdk::Route route, sdk::Handler handler) override {
        pipeline_.add_owned(std::move(route), std::move(handler), "plugin '" + name_ + "'");
    }
    void set_authenticator(sdk::Authenticator authenticator) override {
        pipeline_.set_authenticator(std::move(authenticator));
    }

    std::string name_;
    HttpPipeline& pipeline_;
    sdk::Events& events_;
    sdk::Database& database_;
    sdk::JobQueue& jobs_;
    PluginServices services_;
    sdk::UserFeed& feed_;
    nlohmann::json config_;
    std::shared_ptr<spdlog::logger> logger_;
    nlohmann::json& meta_;  // owned by the App, served by /api/v1/meta
};

}  // namespace tasklane::core
