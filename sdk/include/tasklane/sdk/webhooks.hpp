#pragma once
// Service: the named webhook targets of the integrations config (provided by
// the integrations plugin), for the rule engine's api.webhook(name, payload).
// Only names from config can be called, never a raw URL.
#include "database.hpp"
#include "events.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace tasklane::sdk {

class TASKLANE_SDK_VISIBLE WebhookTargets {
public:
    static constexpr const char* kServiceName = "webhook_targets";
    virtual ~WebhookTargets() = default;
    virtual bool has(const std::string& target_name) const = 0;
    // Queues a signed delivery of `payload` to the target in `tx` (a job: it
    // is sent only if tx commits, retried like any webhook). Returns the
    // delivery id. ApiError 422 for an unknown target.
    virtual std::string send(Transaction& tx, const std::string& target_name, const nlohmann::json& payload,
                             const Actor& actor) = 0;
};

}  // namespace tasklane::sdk
