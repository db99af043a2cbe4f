#pragma once
// Webhook subscriptions and their deliveries: admin CRUD, the fan-out of
// events into delivery rows and jobs, named-target sends, redelivery. Knows
// nothing of HTTP routing; failures are sdk::ApiError.
#include "integration_store.hpp"
#include "settings.hpp"

#include <tasklane/sdk/events.hpp>
#include <tasklane/sdk/http.hpp>
#include <tasklane/sdk/jobs.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>

namespace tasklane::integrations {

inline constexpr const char* kDeliverJob = "integrations.deliver";
// X-Tasklane-Event of a named-target send (its body is the caller's payload).
inline constexpr const char* kTargetEventType = "webhook.target";

using Clock = std::function<std::int64_t()>;  // epoch ms

class WebhookService {
public:
    WebhookService(sdk::Database& db, IntegrationStore& store, sdk::JobQueue& jobs, const Settings& settings,
                   Clock clock)
        : db_(db), store_(store), jobs_(jobs), settings_(settings), clock_(std::move(clock)) {}

    // The created webhook, with its secret this once.
    nlohmann::json create(const nlohmann::json& body, const sdk::Caller& caller);
    nlohmann::json list(std::int64_t page, std::int64_t per_page);
    nlohmann::json get(std::int64_t id);
    // PATCH semantics; `replace` (PUT) also requires url and events.
    nlohmann::json update(std::int64_t id, const nlohmann::json& body, bool replace);
    void remove(std::int64_t id);

    nlohmann::json deliveries(std::int64_t webhook_id, std::int64_t page, std::int64_t per_page);
    // A new job for the same delivery id; the delivery goes back to pending.
    nlohmann::json redeliver(std::int64_t webhook_id, const std::string& delivery_id);

    // The durable subscription's handler: one delivery (and job) per
    // subscribed active webhook, at most once per (webhook, event).
    void on_event(const sdk::Event& event);

    bool has_target(const std::string& name) const { return settings_.targets.count(name) > 0; }
    // The delivery id; the row and its job are written in `tx`.
    std::string send_to_target(sdk::Transaction& tx, const std::string& name, const nlohmann::json& payload,
                               const sdk::Actor& actor);

private:
    // Field errors of `body` (all of them), filling `webhook`.
    std::vector<sdk::FieldError> apply(const nlohmann::json& body, Webhook& webhook, bool require_all);
    void enqueue(sdk::Transaction& tx, const std::string& delivery_id);
    void fan_out(const sdk::Event& event);
    Webhook existing(soci::session& sql, std::int64_t id);

    sdk::Database& db_;
    IntegrationStore& store_;
    sdk::JobQueue& jobs_;
    const Settings& settings_;
    Clock clock_;
};

nlohmann::json webhook_json(const Webhook& webhook);
nlohmann::json delivery_json(const Delivery& delivery, const std::vector<Attempt>& attempts);
nlohmann::json actor_json(const sdk::Actor& actor);
// The DESIGN list body.
nlohmann::json list_body(nlohmann::json items, std::int64_t total, std::int64_t page, std::int64_t per_page);

}  // namespace tasklane::integrations
