#pragma once
// Which task events notify whom, as a pure function of the event: assigned
// to you, your task completed, a comment on your task. Nobody is notified of
// their own action; a rule or the system always counts as someone else.
#include "notification_store.hpp"

#include <tasklane/sdk/events.hpp>
#include <tasklane/sdk/notifier.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tasklane::notifications {

// Event types the durable subscription listens to.
const std::vector<std::string>& task_event_types();

// A display name for whoever acted ("alice", "rule auto-assign", "Tasklane").
using ActorName = std::function<std::string(const sdk::Actor&)>;

struct PlannedNotice {
    sdk::Notice notice;
    std::string source_key;  // "event:<id>:<type>": one per event, recipient and kind
};

std::vector<PlannedNotice> notices_for(const sdk::Event& event, const ActorName& actor_name);

// "2026-12-01T17:00:00Z" (what sdk::iso8601_utc writes) -> epoch ms.
std::optional<std::int64_t> parse_iso8601_utc(const std::string& text);

// The reminder row a task event implies: nullopt when the task has no due
// date, is completed or was deleted (the row goes).
std::optional<DueDate> due_date_of(const sdk::Event& event);

}  // namespace tasklane::notifications
