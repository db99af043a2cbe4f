// The integrations plugin: outbound webhooks (subscriptions to events,
// delivered as signed jobs behind an SSRF guard), named webhook targets for
// rules (sdk::WebhookTargets) and inbound task creation. Logic lives in
// WebhookService, DeliveryJob and InboundService; SQL in IntegrationStore.
#include "delivery_job.hpp"
#include "inbound_service.hpp"
#include "integration_routes.hpp"
#include "secrets.hpp"
#include "settings.hpp"
#include "signing.hpp"
#include "webhook_service.hpp"
#include "webhook_targets.hpp"

#include <tasklane/sdk/sdk.hpp>

#include <curl/curl.h>

#include <stdexcept>

std::vector<tasklane::sdk::Migration> integrations_migrations(tasklane::sdk::Dialect dialect);

namespace tasklane::integrations {

using sdk::ConfigKey;
using sdk::ConfigType;

class IntegrationsPlugin : public sdk::Plugin {
public:
    sdk::PluginInfo info() const override {
        // auth and tasks: the inbound route keeps their services' pointers.
        return {.name = "integrations", .version = "0.1.0",
                .description = "Outbound webhooks, named webhook targets, inbound task creation",
                .requires_plugins = {"auth", "tasks"}};
    }

    ConfigKey config_schema() const override {
        return ConfigKey::section(
            "integrations", "Webhooks and inbound integrations (the integrations plugin).",
            {ConfigKey::value("allowlist", ConfigType::StringList, nlohmann::json::array(),
                              "Addresses or CIDRs (IPv4/IPv6) webhooks may reach although private, loopback or "
                              "link-local (the SSRF guard refuses those otherwise)."),
             ConfigKey::map("targets", "Named webhook targets rules call with api.webhook(name, payload).",
                            ConfigKey::section("", "A target.",
                                               {ConfigKey::value("url", ConfigType::String, nullptr,
                                                                 "Absolute http(s) URL the payload is POSTed to."),
                                                ConfigKey::value("secret", ConfigType::String, nullptr,
                                                                 "Key of the X-Tasklane-Signature HMAC.")})),
             ConfigKey::value("timeout", ConfigType::Duration, "10s", "Longest a delivery request may take in all."),
             ConfigKey::value("connect_timeout", ConfigType::Duration, "5s", "Longest a connection may take."),
             ConfigKey::value("max_attempts", ConfigType::Integer, 0,
                              "Attempts before a failing delivery is dead (0: jobs.max_attempts).")});
    }

    std::vector<sdk::Migration> migrations(sdk::Dialect dialect) const override {
        return integrations_migrations(dialect);
    }

    void start(sdk::Host& host) override {
        try {
            settings_ = Settings::from_config(host.config());
        } catch (const std::invalid_argument& e) {
            throw std::runtime_error(std::string("invalid integrations config: ") + e.what());
        }
        secrets::init_sodium();
        // Reference-counted and thread-safe in libcurl >= 7.84; paired with stop().
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            throw std::runtime_error("curl_global_init failed");
        }
        curl_initialised_ = true;
        auto tasks = host.services().find<sdk::TaskApi>();
        auto users = host.services().find<sdk::UserDirectory>();
        if (!tasks || !users) {
            throw std::runtime_error("integrations needs the TaskApi and UserDirectory services (tasks and auth)");
        }
        const Clock clock = [] {
            return std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                .count();
        };
        auto& db = host.database();
        store_ = std::make_unique<IntegrationStore>(db);
        webhooks_ = std::make_shared<WebhookService>(db, *store_, host.jobs(), settings_, clock);
        delivery_ = std::make_unique<DeliveryJob>(db, *store_, settings_, host.logger(), clock);
        inbound_ = std::make_unique<InboundService>(db, *store_, std::move(tasks), std::move(users), clock);

        register_webhook_routes(host.routes(), *webhooks_);
        register_inbound_routes(host.routes(), *inbound_);
        host.jobs().handle(kDeliverJob, [this](const sdk::Job& job) { delivery_->run(job); });
        host.events().subscribe({.name = "integrations.webhooks",
                                 .types = {},
                                 .handler = [this](const sdk::Event& event) { webhooks_->on_event(event); },
                                 .durable = true});
        host.services().provide<sdk::WebhookTargets>(std::make_shared<WebhookTargetsService>(webhooks_));
    }

    void stop() override {
        inbound_.reset();
        delivery_.reset();
        webhooks_.reset();
        store_.reset();
        if (curl_initialised_) {
            curl_global_cleanup();
            curl_initialised_ = false;
        }
    }

private:
    Settings settings_;
    std::unique_ptr<IntegrationStore> store_;
    // Shared with the WebhookTargets service, which the host may hold a moment past stop().
    std::shared_ptr<WebhookService> webhooks_;
    std::unique_ptr<DeliveryJob> delivery_;
    std::unique_ptr<InboundService> inbound_;
    bool curl_initialised_ = false;
};

}  // namespace tasklane::integrations

TASKLANE_PLUGIN(tasklane::integrations::IntegrationsPlugin, "integrations")
