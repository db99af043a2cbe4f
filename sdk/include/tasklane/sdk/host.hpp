#pragma once
// What the host offers a plugin in Plugin::start(). Every reference stays
// valid until the plugin's stop() has returned.
#include "config_schema.hpp"
#include "database.hpp"
#include "events.hpp"
#include "export.hpp"
#include "http.hpp"
#include "jobs.hpp"
#include "services.hpp"
#include "user_feed.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/logger.h>

#include <memory>

namespace tasklane::sdk {

class TASKLANE_SDK_VISIBLE Host {
public:
    virtual ~Host() = default;
    virtual Routes& routes() = 0;
    virtual Events& events() = 0;
    virtual Database& database() = 0;
    virtual JobQueue& jobs() = 0;
    // Interfaces plugins offer each other (see services.hpp).
    virtual Services& services() = 0;
    // Live pushes to a user's open clients (see user_feed.hpp).
    virtual UserFeed& user_feed() = 0;
    // This plugin's validated config section (defaults filled in), or an
    // empty object when the plugin declares none.
    virtual const nlohmann::json& config() const = 0;
    // A logger named after the plugin, writing in the host's format.
    virtual std::shared_ptr<spdlog::logger> logger() = 0;
    // Adds a top-level key to the public GET /api/v1/meta document that
    // clients read instead of hard-coding (the tasks plugin adds "workflow").
    // Call from start(); a key set twice is refused.
    virtual void set_meta(const std::string& key, nlohmann::json value) = 0;
};

}  // namespace tasklane::sdk
