#include "integration_store.hpp"

#include <tasklane/sdk/query.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace tasklane::integrations {

namespace {

using sdk::Query;

template <typename T>
std::optional<T> optional_of(const T& value, soci::indicator ind) {
    return ind == soci::i_ok ? std::optional<T>(value) : std::nullopt;
}

std::optional<long long> as_ll(const std::optional<std::int64_t>& v) {
    return v ? std::optional<long long>(*v) : std::nullopt;
}

const char* const kWebhookColumns = "id, url, events, secret, active, created_by, created_at, updated_at";

struct WebhookRow {
    long long id = 0, active = 0, created_by = 0, created_at = 0, updated_at = 0;
    std::string url, events, secret;
    soci::indicator created_by_ind = soci::i_null;

    void bind(soci::statement& st) {
        st.exchange(soci::into(id));
        st.exchange(soci::into(url));
        st.exchange(soci::into(events));
        st.exchange(soci::into(secret));
        st.exchange(soci::into(active));
        st.exchange(soci::into(created_by, created_by_ind));
        st.exchange(soci::into(created_at));
        st.exchange(soci::into(updated_at));
    }
    Webhook to_webhook() const {
        Webhook w;
        w.id = id;
        w.url = url;
        const auto list = nlohmann::json::parse(events, nullptr, false);
        if (list.is_array()) {
            for (const auto& e : list) {
                if (e.is_string()) {
                    w.events.push_back(e.get<std::string>());
                }
            }
        }
        w.secret = secret;
        w.active = active != 0;
        w.created_by = optional_of<std::int64_t>(created_by, created_by_ind);
        w.created_at = created_at;
        w.updated_at = updated_at;
        return w;
    }
};

const char* const kDeliveryColumns =
    "seq, delivery_id, webhook_id, target, event_id, event_type, body, actor, status, attempts, last_error, "
    "created_at, updated_at";

struct DeliveryRow {
    long long seq = 0, webhook_id = 0, event_id = 0, attempts = 0, created_at = 0, updated_at = 0;
    std::string delivery_id, target, event_type, body, actor, status, last_error;
    soci::indicator webhook_ind = soci::i_null, target_ind = soci::i_null, event_ind = soci::i_null,
                    error_ind = soci::i_null;

    void bind(soci::statement& st) {
        st.exchange(soci::into(seq));
        st.exchange(soci::into(delivery_id));
        st.exchange(soci::into(webhook_id, webhook_ind));
        st.exchange(soci::into(target, target_ind));
        st.exchange(soci::into(event_id, event_ind));
        st.exchange(soci::into(event_type));
        st.exchange(soci::into(body));
        st.exchange(soci::into(actor));
        st.exchange(soci::into(status));
        st.exchange(soci::into(attempts));
        st.exchange(soci::into(last_error, error_ind));
        st.exchange(soci::into(created_at));
        st.exchange(soci::into(updated_at));
    }
    Delivery to_delivery() const {
        Delivery d;
        d.seq = seq;
        d.delivery_id = delivery_id;
        d.webhook_id = optional_of<std::int64_t>(webhook_id, webhook_ind);
        d.target = optional_of(target, target_ind);
        d.event_id = optional_of<std::int64_t>(event_id, event_ind);
        d.event_type = event_type;
        d.body = body;
        d.actor = actor;
        d.status = status;
        d.attempts = attempts;
        d.last_error = optional_of(last_error, error_ind);
        d.created_at = created_at;
        d.updated_at = updated_at;
        return d;
    }
};

struct AttemptRow {
    long long id = 0, status_code = 0, duration_ms = 0, created_at = 0;
    std::string error;
    soci::indicator status_ind = soci::i_null, error_ind = soci::i_null;

    void bind(soci::statement& st) {
        st.exchange(soci::into(id));
        st.exchange(soci::into(status_code, status_ind));
        st.exchange(soci::into(duration_ms));
        st.exchange(soci::into(error, error_ind));
        st.exchange(soci::into(created_at));
    }
};

const char* const kTokenColumns = "id, name, token_hash, secret, defaults, created_by, created_at";

struct TokenRow {
    long long id = 0, created_by = 0, created_at = 0;
    std::string name, token_hash, secret, defaults;

    void bind(soci::statement& st) {
        st.exchange(soci::into(id));
        st.exchange(soci::into(name));
        st.exchange(soci::into(token_hash));
        st.exchange(soci::into(secret));
        st.exchange(soci::into(defaults));
        st.exchange(soci::into(created_by));
        st.exchange(soci::into(created_at));
    }
    InboundToken to_token() const { return {id, name, token_hash, secret, defaults, created_by, created_at}; }
};

struct IdRow {
    long long id = 0;
    void bind(soci::statement& st) { st.exchange(soci::into(id)); }
};

std::string events_json(const std::vector<std::string>& events) { return nlohmann::json(events).dump(); }

}  // namespace

bool Webhook::wants(const std::string& event_type) const {
    return std::find(events.begin(), events.end(), "*") != events.end() ||
           std::find(events.begin(), events.end(), event_type) != events.end();
}

void IntegrationStore::insert_webhook(soci::session& sql, Webhook& w) {
    Query q;
    q.text = "INSERT INTO webhooks (url, events, secret, active, created_by, created_at, updated_at) VALUES (" +
             q.param(w.url) + ", " + q.param(events_json(w.events)) + ", " + q.param(w.secret) + ", " +
             q.param(static_cast<long long>(w.active ? 1 : 0)) + ", " + q.param(as_ll(w.created_by)) + ", " +
             q.param(static_cast<long long>(w.created_at)) + ", " + q.param(static_cast<long long>(w.updated_at)) +
             ") RETURNING id";
    q.run<IdRow>(db_, sql, [&](const IdRow& row) { w.id = row.id; });
}

std::optional<Webhook> IntegrationStore::webhook(soci::session& sql, std::int64_t id) {
    Query q;
    q.text = std::string("SELECT ") + kWebhookColumns + " FROM webhooks WHERE id = " + q.param(static_cast<long long>(id));
    std::optional<Webhook> out;
    q.run<WebhookRow>(db_, sql, [&](const WebhookRow& row) { out = row.to_webhook(); });
    return out;
}

std::vector<Webhook> IntegrationStore::webhooks(soci::session& sql, std::int64_t offset, std::int64_t limit) {
    Query q;
    q.text = std::string("SELECT ") + kWebhookColumns + " FROM webhooks ORDER BY id LIMIT " +
             q.param(static_cast<long long>(limit)) + " OFFSET " + q.param(static_cast<long long>(offset));
    std::vector<Webhook> out;
    q.run<WebhookRow>(db_, sql, [&](const WebhookRow& row) { out.push_back(row.to_webhook()); });
    return out;
}

std::vector<Webhook> IntegrationStore::active_webhooks(soci::session& sql) {
    Query q;
    q.text = std::string("SELECT ") + kWebhookColumns + " FROM webhooks WHERE active = 1 ORDER BY id";
    std::vector<Webhook> out;
    q.run<WebhookRow>(db_, sql, [&](const WebhookRow& row) { out.push_back(row.to_webhook()); });
    return out;
}

std::int64_t IntegrationStore::count_webhooks(soci::session& sql) {
    Query q;
    q.text = "SELECT COUNT(*) FROM webhooks";
    std::int64_t n = 0;
    q.run<IdRow>(db_, sql, [&](const IdRow& row) { n = row.id; });
    return n;
}

void IntegrationStore::update_webhook(soci::session& sql, const Webhook& w) {
    Query q;
    q.text = "UPDATE webhooks SET url = " + q.param(w.url) + ", events = " + q.param(events_json(w.events)) +
             ", secret = " + q.param(w.secret) + ", active = " + q.param(static_cast<long long>(w.active ? 1 : 0)) +
             ", updated_at = " + q.param(static_cast<long long>(w.updated_at)) +
             " WHERE id = " + q.param(static_cast<long long>(w.id));
    q.execute(db_, sql);
}

bool IntegrationStore::delete_webhook(soci::session& sql, std::int64_t id) {
    // Attempts reference deliveries by delivery_id; delete explicitly rather
    // than rely on cascades through two levels.
    Query attempts;
    attempts.text = "DELETE FROM webhook_delivery_attempts WHERE delivery_id IN (SELECT delivery_id FROM "
                    "webhook_deliveries WHERE webhook_id = " +
                    attempts.param(static_cast<long long>(id)) + ")";
    attempts.execute(db_, sql);
    Query deliveries;
    deliveries.text = "DELETE FROM webhook_deliveries WHERE webhook_id = " + deliveries.param(static_cast<long long>(id));
    deliveries.execute(db_, sql);
    Query q;
    q.text = "DELETE FROM webhooks WHERE id = " + q.param(static_cast<long long>(id));
    return q.execute(db_, sql) == 1;
}

bool IntegrationStore::insert_delivery_if_new(soci::session& sql, const Delivery& d) {
    Query q;
    q.text = "INSERT INTO webhook_deliveries (delivery_id, webhook_id, target, event_id, event_type, body, actor, "
             "status, attempts, created_at, updated_at) VALUES (" +
             q.param(d.delivery_id) + ", " + q.param(as_ll(d.webhook_id)) + ", " + q.param(d.target) + ", " +
             q.param(as_ll(d.event_id)) + ", " + q.param(d.event_type) + ", " + q.param(d.body) + ", " +
             q.param(d.actor) + ", " + q.param(d.status) + ", 0, " + q.param(static_cast<long long>(d.created_at)) +
             ", " + q.param(static_cast<long long>(d.updated_at)) + ") ON CONFLICT (webhook_id, event_id) DO NOTHING";
    return q.execute(db_, sql) == 1;
}

std::optional<Delivery> IntegrationStore::delivery(soci::session& sql, const std::string& delivery_id) {
    Query q;
    q.text = std::string("SELECT ") + kDeliveryColumns + " FROM webhook_deliveries WHERE delivery_id = " +
             q.param(delivery_id);
    std::optional<Delivery> out;
    q.run<DeliveryRow>(db_, sql, [&](const DeliveryRow& row) { out = row.to_delivery(); });
    return out;
}

std::vector<Delivery> IntegrationStore::deliveries(soci::session& sql, std::int64_t webhook_id, std::int64_t offset,
                                                   std::int64_t limit) {
    Query q;
    q.text = std::string("SELECT ") + kDeliveryColumns + " FROM webhook_deliveries WHERE webhook_id = " +
             q.param(static_cast<long long>(webhook_id)) + " ORDER BY seq DESC LIMIT " +
             q.param(static_cast<long long>(limit)) + " OFFSET " + q.param(static_cast<long long>(offset));
    std::vector<Delivery> out;
    q.run<DeliveryRow>(db_, sql, [&](const DeliveryRow& row) { out.push_back(row.to_delivery()); });
    return out;
}

std::int64_t IntegrationStore::count_deliveries(soci::session& sql, std::int64_t webhook_id) {
    Query q;
    q.text = "SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = " + q.param(static_cast<long long>(webhook_id));
    std::int64_t n = 0;
    q.run<IdRow>(db_, sql, [&](const IdRow& row) { n = row.id; });
    return n;
}

std::vector<Attempt> IntegrationStore::attempts(soci::session& sql, const std::string& delivery_id) {
    Query q;
    q.text = "SELECT id, status_code, duration_ms, error, created_at FROM webhook_delivery_attempts WHERE "
             "delivery_id = " +
             q.param(delivery_id) + " ORDER BY id";
    std::vector<Attempt> out;
    q.run<AttemptRow>(db_, sql, [&](const AttemptRow& row) {
        out.push_back({row.id, optional_of<std::int64_t>(row.status_code, row.status_ind), row.duration_ms,
                       optional_of(row.error, row.error_ind), row.created_at});
    });
    return out;
}

void IntegrationStore::insert_attempt(soci::session& sql, const std::string& delivery_id, const Attempt& a) {
    Query q;
    q.text = "INSERT INTO webhook_delivery_attempts (delivery_id, status_code, duration_ms, error, created_at) "
             "VALUES (" +
             q.param(delivery_id) + ", " + q.param(as_ll(a.status_code)) + ", " +
             q.param(static_cast<long long>(a.duration_ms)) + ", " + q.param(a.error) + ", " +
             q.param(static_cast<long long>(a.created_at)) + ")";
    q.execute(db_, sql);
}

void IntegrationStore::set_delivery_status(soci::session& sql, const std::string& delivery_id,
                                           const std::string& status, const std::optional<std::string>& last_error,
                                           bool count_attempt, std::int64_t now) {
    Query q;
    q.text = "UPDATE webhook_deliveries SET status = " + q.param(status) + ", last_error = " + q.param(last_error) +
             (count_attempt ? ", attempts = attempts + 1" : "") +
             ", updated_at = " + q.param(static_cast<long long>(now)) + " WHERE delivery_id = " + q.param(delivery_id);
    q.execute(db_, sql);
}

void IntegrationStore::insert_inbound_token(soci::session& sql, InboundToken& t) {
    Query q;
    q.text = "INSERT INTO inbound_tokens (name, token_hash, secret, defaults, created_by, created_at) VALUES (" +
             q.param(t.name) + ", " + q.param(t.token_hash) + ", " + q.param(t.secret) + ", " + q.param(t.defaults) +
             ", " + q.param(static_cast<long long>(t.created_by)) + ", " +
             q.param(static_cast<long long>(t.created_at)) + ") RETURNING id";
    q.run<IdRow>(db_, sql, [&](const IdRow& row) { t.id = row.id; });
}

std::vector<InboundToken> IntegrationStore::inbound_tokens(soci::session& sql, std::int64_t offset,
                                                           std::int64_t limit) {
    Query q;
    q.text = std::string("SELECT ") + kTokenColumns + " FROM inbound_tokens ORDER BY id LIMIT " +
             q.param(static_cast<long long>(limit)) + " OFFSET " + q.param(static_cast<long long>(offset));
    std::vector<InboundToken> out;
    q.run<TokenRow>(db_, sql, [&](const TokenRow& row) { out.push_back(row.to_token()); });
    return out;
}

std::int64_t IntegrationStore::count_inbound_tokens(soci::session& sql) {
    Query q;
    q.text = "SELECT COUNT(*) FROM inbound_tokens";
    std::int64_t n = 0;
    q.run<IdRow>(db_, sql, [&](const IdRow& row) { n = row.id; });
    return n;
}

bool IntegrationStore::delete_inbound_token(soci::session& sql, std::int64_t id) {
    Query q;
    q.text = "DELETE FROM inbound_tokens WHERE id = " + q.param(static_cast<long long>(id));
    return q.execute(db_, sql) == 1;
}

std::optional<InboundToken> IntegrationStore::inbound_token_by_hash(soci::session& sql, const std::string& token_hash) {
    Query q;
    q.text = std::string("SELECT ") + kTokenColumns + " FROM inbound_tokens WHERE token_hash = " + q.param(token_hash);
    std::optional<InboundToken> out;
    q.run<TokenRow>(db_, sql, [&](const TokenRow& row) { out = row.to_token(); });
    return out;
}

bool IntegrationStore::inbound_token_name_taken(soci::session& sql, const std::string& name) {
    Query q;
    q.text = "SELECT COUNT(*) FROM inbound_tokens WHERE name = " + q.param(name);
    std::int64_t n = 0;
    q.run<IdRow>(db_, sql, [&](const IdRow& row) { n = row.id; });
    return n > 0;
}

}  // namespace tasklane::integrations
