#pragma once
// The integrations config section, checked once at start: the allowlist
// parsed strictly, every named target's URL validated, timeouts as durations.
#include "address_guard.hpp"
#include "webhook_url.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <string>

namespace tasklane::integrations {

struct Target {
    std::string url;
    WebhookUrl parsed;
    std::string secret;
};

struct Settings {
    Allowlist allowlist;
    std::map<std::string, Target> targets;
    std::chrono::milliseconds timeout{10000};
    std::chrono::milliseconds connect_timeout{5000};
    int max_attempts = 0;  // 0: the job queue's jobs.max_attempts

    // From the validated section (defaults filled in). Throws
    // std::invalid_argument naming every bad entry in one message.
    static Settings from_config(const nlohmann::json& section);
};

}  // namespace tasklane::integrations
