#include "webhook_service.hpp"

#include "secrets.hpp"
#include "signing.hpp"
#include "webhook_url.hpp"

#include <chrono>
#include <regex>
#include <set>

namespace tasklane::integrations {

namespace {

using nlohmann::json;

// "task.created", "comment.created", "acme.thing_done": a dotted lower-case
// name, so a typo such as "Task.Created" is refused instead of never matching.
bool valid_event_type(const std::string& type) {
    static const std::regex pattern("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+");
    return type == "*" || (type.size() <= 100 && std::regex_match(type, pattern));
}

constexpr std::size_t kMinSecret = 16;
constexpr std::size_t kMaxSecret = 256;

}  // namespace

json webhook_json(const Webhook& w) {
    return {{"id", w.id},
            {"url", w.url},
            {"events", w.events},
            {"active", w.active},
            {"has_secret", !w.secret.empty()},
            {"created_by", w.created_by ? json(*w.created_by) : json(nullptr)},
            {"created_at", sdk::iso8601_utc(w.created_at)},
            {"updated_at", sdk::iso8601_utc(w.updated_at)}};
}

json delivery_json(const Delivery& d, const std::vector<Attempt>& attempts) {
    json list = json::array();
    for (const auto& a : attempts) {
        list.push_back({{"status_code", a.status_code ? json(*a.status_code) : json(nullptr)},
                        {"duration_ms", a.duration_ms},
                        {"error", a.error ? json(*a.error) : json(nullptr)},
                        {"at", sdk::iso8601_utc(a.created_at)}});
    }
    return {{"id", d.delivery_id},
            {"webhook_id", d.webhook_id ? json(*d.webhook_id) : json(nullptr)},
            {"target", d.target ? json(*d.target) : json(nullptr)},
            {"event_id", d.event_id ? json(*d.event_id) : json(nullptr)},
            {"event_type", d.event_type},
            {"status", d.status},
            {"attempt_count", d.attempts},
            {"last_error", d.last_error ? json(*d.last_error) : json(nullptr)},
            {"created_at", sdk::iso8601_utc(d.created_at)},
            {"updated_at", sdk::iso8601_utc(d.updated_at)},
            {"attempts", list}};
}

json actor_json(const sdk::Actor& actor) { return {{"type", actor.type}, {"id", actor.id}}; }

json list_body(json items, std::int64_t total, std::int64_t page, std::int64_t per_page) {
    return {{"items", std::move(items)}, {"total", total}, {"page", page}, {"per_page", per_page}};
}

std::vector<sdk::FieldError> WebhookService::apply(const json& body, Webhook& w, bool require_all) {
    std::vector<sdk::FieldError> errors;
    static const std::set<std::string> known = {"url", "events", "secret", "active"};
    for (const auto& [key, value] : body.items()) {
        if (known.count(key) == 0) {
            errors.push_back({key, "is not a webhook field (known: url, events, secret, active)"});
        }
    }
    if (body.contains("url")) {
        const auto& url = body["url"];
        std::string problem;
        if (!url.is_string()) {
            errors.push_back({"url", "must be a string"});
        } else if (auto parsed = parse_webhook_url(url.get<std::string>(), problem)) {
            if (auto refused = literal_address_problem(*parsed, settings_.allowlist)) {
                errors.push_back({"url", *refused});
            } else {
                w.url = url.get<std::string>();
            }
        } else {
            errors.push_back({"url", problem});
        }
    } else if (require_all) {
        errors.push_back({"url", "is required"});
    }
    if (body.contains("events")) {
        const auto& events = body["events"];
        std::vector<std::string> list;
        bool ok = events.is_array() && !events.empty() && events.size() <= 50;
        if (ok) {
            for (const auto& e : events) {
                if (!e.is_string() || !valid_event_type(e.get<std::string>())) {
                    ok = false;
                    break;
                }
                if (std::find(list.begin(), list.end(), e.get<std::string>()) == list.end()) {
                    list.push_back(e.get<std::string>());
                }
            }
        }
        if (ok) {
            w.events = std::move(list);
        } else {
            errors.push_back({"events", "must be a non-empty list (at most 50) of event types such as "
                                        "\"task.created\", or [\"*\"] for every event"});
        }
    } else if (require_all) {
        errors.push_back({"events", "is required"});
    }
    if (body.contains("secret")) {
        const auto& secret = body["secret"];
        if (!secret.is_string() || secret.get<std::string>().size() < kMinSecret ||
            secret.get<std::string>().size() > kMaxSecret) {
            errors.push_back({"secret", "must be a string of " + std::to_string(kMinSecret) + " to " +
                                            std::to_string(kMaxSecret) + " characters (omit it to have one generated)"});
        } else {
            w.secret = secret.get<std::string>();
        }
    }
    if (body.contains("active")) {
        if (!body["active"].is_boolean()) {
            errors.push_back({"active", "must be true or false"});
        } else {
            w.active = body["active"].get<bool>();
        }
    }
    return errors;
}

json WebhookService::create(const json& body, const sdk::Caller& caller) {
    Webhook w;
    auto errors = apply(body, w, /*require_all=*/true);
    if (!errors.empty()) {
        throw sdk::ApiError::validation(std::move(errors));
    }
    if (w.secret.empty()) {
        w.secret = secrets::random_token(32);
    }
    w.created_by = caller.user_id;
    w.created_at = w.updated_at = clock_();
    auto tx = db_.begin();
    store_.insert_webhook(tx->sql(), w);
    tx->commit();
    auto out = webhook_json(w);
    out["secret"] = w.secret;  // shown once; GET never returns it
    return out;
}

json WebhookService::list(std::int64_t page, std::int64_t per_page) {
    auto session = db_.session();
    json items = json::array();
    for (const auto& w : store_.webhooks(session->sql(), (page - 1) * per_page, per_page)) {
        items.push_back(webhook_json(w));
    }
    return list_body(std::move(items), store_.count_webhooks(session->sql()), page, per_page);
}

Webhook WebhookService::existing(soci::session& sql, std::int64_t id) {
    auto w = store_.webhook(sql, id);
    if (!w) {
        throw sdk::ApiError::not_found("webhook " + std::to_string(id) + " not found");
    }
    return *w;
}

json WebhookService::get(std::int64_t id) {
    auto session = db_.session();
    return webhook_json(existing(session->sql(), id));
}

json WebhookService::update(std::int64_t id, const json& body, bool replace) {
    auto tx = db_.begin();
    auto w = existing(tx->sql(), id);
    auto errors = apply(body, w, replace);
    if (!errors.empty()) {
        throw sdk::ApiError::validation(std::move(errors));
    }
    w.updated_at = clock_();
    store_.update_webhook(tx->sql(), w);
    tx->commit();
    return webhook_json(w);
}

void WebhookService::remove(std::int64_t id) {
    auto tx = db_.begin();
    if (!store_.delete_webhook(tx->sql(), id)) {
        throw sdk::ApiError::not_found("webhook " + std::to_string(id) + " not found");
    }
    tx->commit();
}

json WebhookService::deliveries(std::int64_t webhook_id, std::int64_t page, std::int64_t per_page) {
    auto session = db_.session();
    existing(session->sql(), webhook_id);
    json items = json::array();
    for (const auto& d : store_.deliveries(session->sql(), webhook_id, (page - 1) * per_page, per_page)) {
        items.push_back(delivery_json(d, store_.attempts(session->sql(), d.delivery_id)));
    }
    return list_body(std::move(items), store_.count_deliveries(session->sql(), webhook_id), page, per_page);
}

json WebhookService::redeliver(std::int64_t webhook_id, const std::string& delivery_id) {
    auto tx = db_.begin();
    existing(tx->sql(), webhook_id);
    const auto d = store_.delivery(tx->sql(), delivery_id);
    if (!d || d->webhook_id != webhook_id) {
        throw sdk::ApiError::not_found("delivery " + delivery_id + " of webhook " + std::to_string(webhook_id) +
                                       " not found");
    }
    store_.set_delivery_status(tx->sql(), delivery_id, "pending", d->last_error, false, clock_());
    enqueue(*tx, delivery_id);
    tx->commit();
    return {{"delivery_id", delivery_id}, {"status", "pending"}};
}

void WebhookService::enqueue(sdk::Transaction& tx, const std::string& delivery_id) {
    sdk::JobOptions options;
    options.max_attempts = settings_.max_attempts;
    jobs_.enqueue(tx, kDeliverJob, json{{"delivery_id", delivery_id}}, options);
}

void WebhookService::on_event(const sdk::Event& event) {
    // A failure (the database away for a moment) throws: the dispatcher hands
    // the event to this durable subscriber again with a growing delay, and the
    // unique (webhook, event) pair keeps a retry from delivering twice.
    fan_out(event);
}

void WebhookService::fan_out(const sdk::Event& event) {
    std::vector<Webhook> wanting;
    {
        auto session = db_.session();
        for (auto& w : store_.active_webhooks(session->sql())) {
            if (w.wants(event.type)) {
                wanting.push_back(std::move(w));
            }
        }
    }
    if (wanting.empty()) {
        return;
    }
    const auto body = sdk::to_json(event).dump();
    const auto actor = actor_json(event.actor).dump();
    const auto now = clock_();
    auto tx = db_.begin();
    for (const auto& w : wanting) {
        Delivery d;
        d.delivery_id = random_uuid();
        d.webhook_id = w.id;
        d.event_id = event.id;
        d.event_type = event.type;
        d.body = body;
        d.actor = actor;
        d.status = "pending";
        d.created_at = d.updated_at = now;
        // A redelivered event finds its row and queues nothing again.
        if (store_.insert_delivery_if_new(tx->sql(), d)) {
            enqueue(*tx, d.delivery_id);
        }
    }
    tx->commit();
}

std::string WebhookService::send_to_target(sdk::Transaction& tx, const std::string& name, const json& payload,
                                           const sdk::Actor& actor) {
    if (!has_target(name)) {
        std::string known;
        for (const auto& [n, t] : settings_.targets) {
            known += (known.empty() ? "" : ", ") + n;
        }
        throw sdk::ApiError::validation(
            {{"target", "'" + name + "' is not a webhook target in integrations.targets (known: " +
                            (known.empty() ? "none" : known) + ")"}},
            "unknown webhook target");
    }
    Delivery d;
    d.delivery_id = random_uuid();
    d.target = name;
    d.event_type = kTargetEventType;
    d.body = payload.dump();
    d.actor = actor_json(actor).dump();
    d.status = "pending";
    d.created_at = d.updated_at = clock_();
    store_.insert_delivery_if_new(tx.sql(), d);
    enqueue(tx, d.delivery_id);
    return d.delivery_id;
}

}  // namespace tasklane::integrations
