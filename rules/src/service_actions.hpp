#pragma once
// The rule API on the plugins' services (sdk::TaskApi, UserDirectory,
// Notifier, WebhookTargets): validation, workflow and permissions as in REST,
// every change attributed to actor {type:"rule", id:<name>, depth}. In a dry
// run the writes are not made: each returns a stand-in and is only listed.
#include "rule_actions.hpp"

#include <tasklane/sdk/database.hpp>
#include <tasklane/sdk/events.hpp>
#include <tasklane/sdk/http.hpp>
#include <tasklane/sdk/services.hpp>

#include <optional>

namespace tasklane::rules {

// Who a rule acts as: an API rule as the admin who saved it, a file rule as
// the configured rules.run_as user. Resolved on first need.
struct RunAs {
    std::optional<std::int64_t> user_id;
    std::string username;
};

class ServiceActions : public RuleActions {
public:
    ServiceActions(sdk::Services& services, sdk::Database& database, std::string rule_name, RunAs run_as, int depth,
                   bool dry_run)
        : services_(services),
          database_(database),
          rule_name_(std::move(rule_name)),
          run_as_(std::move(run_as)),
          depth_(depth),
          dry_run_(dry_run) {}

    nlohmann::json call(const std::string& action, const nlohmann::json& args) override;

private:
    const sdk::Caller& caller();
    nlohmann::json write(const std::string& action, const nlohmann::json& args);
    nlohmann::json stand_in(const std::string& action, const nlohmann::json& args);

    sdk::Services& services_;
    sdk::Database& database_;
    std::string rule_name_;
    RunAs run_as_;
    int depth_;
    bool dry_run_;
    std::optional<sdk::Caller> caller_;
};

}  // namespace tasklane::rules
