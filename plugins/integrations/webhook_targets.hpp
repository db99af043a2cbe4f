#pragma once
// sdk::WebhookTargets for the rule engine's api.webhook(name, payload): only
// names from integrations.targets, queued like any webhook delivery.
#include "webhook_service.hpp"

#include <tasklane/sdk/webhooks.hpp>

#include <memory>

namespace tasklane::integrations {

class WebhookTargetsService : public sdk::WebhookTargets {
public:
    explicit WebhookTargetsService(std::shared_ptr<WebhookService> service) : service_(std::move(service)) {}
    bool has(const std::string& target_name) const override;
    std::string send(sdk::Transaction& tx, const std::string& target_name, const nlohmann::json& payload,
                     const sdk::Actor& actor) override;

private:
    std::shared_ptr<WebhookService> service_;
};

}  // namespace tasklane::integrations
