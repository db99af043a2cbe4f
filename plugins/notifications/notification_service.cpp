#include "notification_service.hpp"

#include <tasklane/sdk/text.hpp>

#include <vector>

namespace tasklane::notifications {

namespace {

bool valid_type(const std::string& type) {
    if (type.empty() || type.size() > 64) {
        return false;
    }
    for (char c : type) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::optional<std::int64_t> NotificationService::notify(sdk::Transaction& tx, const sdk::Notice& notice,
                                                        const std::optional<std::string>& source_key) {
    Notification n;
    n.user_id = notice.user_id;
    n.type = notice.type;
    n.title = sdk::trim(notice.title);
    n.body = notice.body;
    n.data = notice.data.is_object() ? notice.data : nlohmann::json::object();
    n.source_key = source_key;
    n.created_at = clock_();

    std::vector<sdk::FieldError> errors;
    if (n.title.empty() || sdk::utf8_length(n.title) > 200) {
        errors.push_back({"title", "must be 1 to 200 characters after trimming"});
    }
    if (sdk::utf8_length(n.body) > 10000) {
        errors.push_back({"body", "must be at most 10000 characters"});
    }
    if (!valid_type(n.type)) {
        errors.push_back({"type", "must be 1 to 64 characters of a-z, 0-9, '.', '_' or '-'"});
    }
    // The directory reads on its own session: the user must have been
    // committed before, which every user a notice can name has been.
    const auto user = n.user_id > 0 ? users_.get(n.user_id) : std::nullopt;
    if (!user || !user->active) {
        errors.push_back({"user_id", "no active user with this id"});
    }
    if (!errors.empty()) {
        throw sdk::ApiError::validation(std::move(errors), "invalid notification");
    }

    auto& sql = tx.sql();
    if (!store_.insert(sql, n)) {
        return std::nullopt;  // already created for this source (a redelivered event)
    }
    tx.publish(kCreatedEvent, sdk::Actor::system(), {{"user_id", n.user_id}, {"notification", to_json(n)}});
    if (email_enabled_ && !user->email.empty()) {
        const auto key = preference_key(n.type);
        const bool wanted = store_.preference(sql, n.user_id, key).value_or(EmailDefaults::all().at(key));
        if (wanted) {
            jobs_.enqueue(tx, kEmailJob, {{"notification_id", n.id}});
        }
    }
    return n.id;
}

NotificationPage NotificationService::list(std::int64_t user_id, bool unread_only, std::int64_t page,
                                           std::int64_t per_page) {
    auto session = db_.session();
    return store_.list(session->sql(), user_id, unread_only, page, per_page);
}

void NotificationService::mark_read(std::int64_t user_id, std::int64_t id) {
    auto tx = db_.begin();
    // Someone else's id and a missing one answer the same: no existence leak.
    if (!store_.owned_by(tx->sql(), id, user_id)) {
        throw sdk::ApiError::not_found("no such notification");
    }
    store_.mark_read(tx->sql(), id, user_id, clock_());
    tx->commit();
}

void NotificationService::mark_all_read(std::int64_t user_id) {
    auto tx = db_.begin();
    store_.mark_all_read(tx->sql(), user_id, clock_());
    tx->commit();
}

nlohmann::json NotificationService::preferences(std::int64_t user_id) {
    auto session = db_.session();
    return preferences_json(store_.preferences(session->sql(), user_id));
}

nlohmann::json NotificationService::update_preferences(std::int64_t user_id, const nlohmann::json& body) {
    const auto changes = parse_preferences_update(body);
    auto tx = db_.begin();
    for (const auto& [type, email] : changes) {
        store_.set_preference(tx->sql(), user_id, type, email);
    }
    auto stored = store_.preferences(tx->sql(), user_id);
    tx->commit();
    return preferences_json(stored);
}

}  // namespace tasklane::notifications
