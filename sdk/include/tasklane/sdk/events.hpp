#pragma once
// Domain events, as stored in the outbox and handed to subscribers.
//
// Delivery: after commit, in id order, at least once. Each durable subscriber
// has its own cursor, stored in the database after every event it handled, so
// a restart resumes after the last event it finished. If the process dies
// while a handler runs, that one event is delivered again: make handlers
// idempotent by event id when they have side effects outside the database.
#include "export.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace tasklane::sdk {

struct Actor {
    std::string type = "system";  // "user" | "rule" | "system"
    nlohmann::json id;            // user id (number), rule name (string) or null
    // How many rule actions led here: 0 for a person or the system, the
    // triggering event's depth + 1 for a rule's action. Rules stop reacting
    // past rules.limits.depth, so rules that trigger each other cannot loop.
    int depth = 0;

    static Actor user(std::int64_t user_id) { return {"user", user_id, 0}; }
    static Actor rule(const std::string& rule_name, int depth = 1) { return {"rule", rule_name, depth}; }
    static Actor system() { return {"system", nullptr, 0}; }
};

struct Event {
    std::int64_t id = 0;  // monotonic, assigned at publish
    std::string type;     // "task.created", ...
    std::int64_t occurred_at_ms = 0;
    Actor actor;
    nlohmann::json data;
};

// {id, type, occurred_at (ISO 8601 UTC), actor:{type,id[,depth when > 0]}, data}
nlohmann::json to_json(const Event& event);

using EventHandler = std::function<void(const Event&)>;

struct Subscription {
    std::string name{};                // stable: the durable cursor is stored under it
    std::vector<std::string> types{};  // empty: every type
    EventHandler handler{};
    // Durable subscribers resume from their stored cursor; live ones (e.g. a
    // WebSocket fan-out) start at the head of the outbox when the host starts.
    bool durable = true;
};

// Threading: handlers run on the host's dispatcher thread, one event at a
// time. An exception from a durable subscriber's handler is logged and the
// same event is handed to it again after a growing delay (0.2 s to 12.8 s),
// up to 8 calls in about 25 s, so a passing failure (the database away for a
// moment) loses nothing; then it is skipped with an error log line. The
// subscriber's later events wait meanwhile; other subscribers carry on. A
// live subscriber's failed event is skipped at once.
class TASKLANE_SDK_VISIBLE Events {
public:
    virtual ~Events() = default;
    // Call from Plugin::start(); a duplicate name is refused.
    virtual void subscribe(Subscription subscription) = 0;
};

inline std::string iso8601_utc(std::int64_t epoch_ms) {
    const std::int64_t secs = epoch_ms >= 0 ? epoch_ms / 1000 : (epoch_ms - 999) / 1000;
    // Civil-from-days (Howard Hinnant), no locale, no time zone database.
    std::int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    const std::int64_t rem = secs - days * 86400;
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const std::int64_t doe = days - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
    const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
    char buf[128];  // large enough for any int64 fields: no truncation warning
    std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", static_cast<long long>(y),
                  static_cast<long long>(m), static_cast<long long>(d), static_cast<long long>(rem / 3600),
                  static_cast<long long>(rem % 3600 / 60), static_cast<long long>(rem % 60));
    return buf;
}

inline nlohmann::json to_json(const Event& event) {
    return {{"id", event.id},
            {"type", event.type},
            {"occurred_at", iso8601_utc(event.occurred_at_ms)},
            {"actor", event.actor.depth > 0 ? nlohmann::json{{"type", event.actor.type}, {"id", event.actor.id},
                                                             {"depth", event.actor.depth}}
                                             : nlohmann::json{{"type", event.actor.type}, {"id", event.actor.id}}},
            {"data", event.data}};
}

}  // namespace tasklane::sdk
