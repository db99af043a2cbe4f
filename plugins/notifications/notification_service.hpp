#pragma once
// The rules of in-app notifications: who may read what, what a notice must
// carry, and what happens when one is created (the row, the
// notification.created event for live feeds, an email job when the user's
// preference says so) — all in the caller's transaction.
#include "notification_store.hpp"

#include <tasklane/sdk/jobs.hpp>
#include <tasklane/sdk/notifier.hpp>
#include <tasklane/sdk/users.hpp>

#include <optional>
#include <string>

namespace tasklane::notifications {

inline constexpr const char* kEmailJob = "notifications.email";
inline constexpr const char* kCreatedEvent = "notification.created";

class NotificationService {
public:
    NotificationService(sdk::Database& db, NotificationStore& store, sdk::UserDirectory& users, sdk::JobQueue& jobs,
                        Clock clock, bool email_enabled)
        : db_(db), store_(store), users_(users), jobs_(jobs), clock_(std::move(clock)), email_enabled_(email_enabled) {}

    // Writes the notification in `tx`. ApiError 422 for an empty title, a bad
    // type or an unknown or inactive user. With a source_key, a second call
    // for the same user and key writes nothing and returns nullopt.
    std::optional<std::int64_t> notify(sdk::Transaction& tx, const sdk::Notice& notice,
                                       const std::optional<std::string>& source_key = std::nullopt);

    NotificationPage list(std::int64_t user_id, bool unread_only, std::int64_t page, std::int64_t per_page);
    // 404 when `id` is not the user's (whether or not it exists).
    void mark_read(std::int64_t user_id, std::int64_t id);
    void mark_all_read(std::int64_t user_id);
    nlohmann::json preferences(std::int64_t user_id);
    // Validates the whole body first: a bad one changes nothing.
    nlohmann::json update_preferences(std::int64_t user_id, const nlohmann::json& body);

    sdk::UserDirectory& users() { return users_; }
    std::int64_t now() const { return clock_(); }

private:
    sdk::Database& db_;
    NotificationStore& store_;
    sdk::UserDirectory& users_;
    sdk::JobQueue& jobs_;
    Clock clock_;
    bool email_enabled_;
};

// The Notifier service other plugins and the rule engine find.
class NotifierService : public sdk::Notifier {
public:
    explicit NotifierService(NotificationService& service) : service_(service) {}
    std::int64_t notify(sdk::Transaction& tx, const sdk::Notice& notice) override {
        return service_.notify(tx, notice).value_or(0);
    }

private:
    NotificationService& service_;
};

}  // namespace tasklane::notifications
