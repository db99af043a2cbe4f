#include "webhook_targets.hpp"

namespace tasklane::integrations {

bool WebhookTargetsService::has(const std::string& target_name) const { return service_->has_target(target_name); }

std::string WebhookTargetsService::send(sdk::Transaction& tx, const std::string& target_name,
                                        const nlohmann::json& payload, const sdk::Actor& actor) {
    return service_->send_to_target(tx, target_name, payload, actor);
}

}  // namespace tasklane::integrations
