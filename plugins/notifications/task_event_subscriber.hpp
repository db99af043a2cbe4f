#pragma once
// The durable "notifications" subscription: turns task events into
// notifications and keeps the due-date table the reminders scan. Delivery is
// at least once; every write is idempotent (notifications by their
// source_key's unique index, due dates by upsert), so a redelivered event
// changes nothing.
#include "notification_service.hpp"

#include <tasklane/sdk/events.hpp>

#include <spdlog/logger.h>

#include <memory>

namespace tasklane::notifications {

class TaskEventSubscriber {
public:
    TaskEventSubscriber(sdk::Database& db, NotificationStore& store, NotificationService& service,
                        std::shared_ptr<spdlog::logger> log)
        : db_(db), store_(store), service_(service), log_(std::move(log)) {}

    void handle(const sdk::Event& event);

private:
    std::string actor_name(const sdk::Actor& actor);

    sdk::Database& db_;
    NotificationStore& store_;
    NotificationService& service_;
    std::shared_ptr<spdlog::logger> log_;
};

}  // namespace tasklane::notifications
