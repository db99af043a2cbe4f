#include "task_event_subscriber.hpp"

#include "task_event_notices.hpp"

namespace tasklane::notifications {

std::string TaskEventSubscriber::actor_name(const sdk::Actor& actor) {
    if (actor.type == "user" && actor.id.is_number_integer()) {
        const auto user = service_.users().get(actor.id.get<std::int64_t>());
        return user ? user->username : "a former user";
    }
    if (actor.type == "rule") {
        return "rule " + (actor.id.is_string() ? actor.id.get<std::string>() : std::string("(unnamed)"));
    }
    return "Tasklane";
}

void TaskEventSubscriber::handle(const sdk::Event& event) {
    // Names are looked up before the transaction: the directory uses its own
    // session and SQLite writers should hold their lock briefly.
    const auto planned = notices_for(event, [this](const sdk::Actor& a) { return actor_name(a); });
    auto tx = db_.begin();
    for (const auto& p : planned) {
        try {
            service_.notify(*tx, p.notice, p.source_key);
        } catch (const sdk::ApiError& e) {
            // A deactivated recipient gets nothing; the others still do.
            log_->info("event {}: no {} notification for user {}: {}", event.id, p.notice.type, p.notice.user_id,
                       e.what());
        }
    }
    const bool task_event = event.type != "comment.created";
    if (task_event && event.data.is_object() && event.data.contains("task")) {
        if (const auto due = due_date_of(event)) {
            store_.upsert_due(tx->sql(), *due);
        } else if (const auto id = event.data["task"].value("id", std::int64_t{0}); id > 0) {
            store_.delete_due(tx->sql(), id);
        }
    }
    tx->commit();
}

}  // namespace tasklane::notifications
