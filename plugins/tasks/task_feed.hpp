#pragma once
// The /ws/tasks feed: task events as WebSocket messages (DESIGN.md section 6),
// to every user who may see the task before or after the change.
#include <tasklane/sdk/user_feed.hpp>

namespace tasklane::tasks {

sdk::FeedChannel task_feed_channel();

// "task.created" -> "task_created"; a status move is a "task_updated" whose
// changes name the status (the protocol has no separate type for it).
std::string feed_message_type(const std::string& event_type);

// Whether `caller` sees the event's task as it is now, or saw it before: a
// task reassigned away from someone still reaches them once.
bool sees_task_event(const sdk::Caller& caller, const sdk::Event& event);

}  // namespace tasklane::tasks
