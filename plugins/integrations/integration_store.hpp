#pragma once
// SQL and row mapping for the integrations plugin: webhooks, their
// deliveries and attempts, inbound tokens. Every statement goes through
// sdk::Query with bound parameters; callers pass the session (a
// transaction's or a leased one) so they decide what commits together.
#include <tasklane/sdk/database.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tasklane::integrations {

struct Webhook {
    std::int64_t id = 0;
    std::string url;
    std::vector<std::string> events;  // event types, or {"*"}
    std::string secret;
    bool active = true;
    std::optional<std::int64_t> created_by;
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;

    bool wants(const std::string& event_type) const;
};

struct Delivery {
    std::int64_t seq = 0;
    std::string delivery_id;
    std::optional<std::int64_t> webhook_id;  // set for subscriptions
    std::optional<std::string> target;       // set for named targets
    std::optional<std::int64_t> event_id;
    std::string event_type;
    std::string body;   // the exact bytes sent (and signed) on every attempt
    std::string actor;  // JSON {type, id}
    std::string status;  // pending | retrying | succeeded | failed | dead
    std::int64_t attempts = 0;
    std::optional<std::string> last_error;
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
};

struct Attempt {
    std::int64_t id = 0;
    std::optional<std::int64_t> status_code;
    std::int64_t duration_ms = 0;
    std::optional<std::string> error;
    std::int64_t created_at = 0;
};

struct InboundToken {
    std::int64_t id = 0;
    std::string name;
    std::string token_hash;
    std::string secret;
    std::string defaults;  // JSON object
    std::int64_t created_by = 0;
    std::int64_t created_at = 0;
};

class IntegrationStore {
public:
    explicit IntegrationStore(sdk::Database& db) : db_(db) {}

    void insert_webhook(soci::session& sql, Webhook& webhook);
    std::optional<Webhook> webhook(soci::session& sql, std::int64_t id);
    std::vector<Webhook> webhooks(soci::session& sql, std::int64_t offset, std::int64_t limit);
    std::vector<Webhook> active_webhooks(soci::session& sql);
    std::int64_t count_webhooks(soci::session& sql);
    void update_webhook(soci::session& sql, const Webhook& webhook);
    bool delete_webhook(soci::session& sql, std::int64_t id);

    // False when (webhook_id, event_id) already has a delivery: a redelivered
    // event must not create a second one.
    bool insert_delivery_if_new(soci::session& sql, const Delivery& delivery);
    std::optional<Delivery> delivery(soci::session& sql, const std::string& delivery_id);
    // Newest first.
    std::vector<Delivery> deliveries(soci::session& sql, std::int64_t webhook_id, std::int64_t offset,
                                     std::int64_t limit);
    std::int64_t count_deliveries(soci::session& sql, std::int64_t webhook_id);
    std::vector<Attempt> attempts(soci::session& sql, const std::string& delivery_id);
    void insert_attempt(soci::session& sql, const std::string& delivery_id, const Attempt& attempt);
    void set_delivery_status(soci::session& sql, const std::string& delivery_id, const std::string& status,
                             const std::optional<std::string>& last_error, bool count_attempt, std::int64_t now);

    void insert_inbound_token(soci::session& sql, InboundToken& token);
    std::vector<InboundToken> inbound_tokens(soci::session& sql, std::int64_t offset, std::int64_t limit);
    std::int64_t count_inbound_tokens(soci::session& sql);
    bool delete_inbound_token(soci::session& sql, std::int64_t id);
    std::optional<InboundToken> inbound_token_by_hash(soci::session& sql, const std::string& token_hash);
    bool inbound_token_name_taken(soci::session& sql, const std::string& name);

private:
    sdk::Database& db_;
};

}  // namespace tasklane::integrations
