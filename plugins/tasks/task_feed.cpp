#include "task_feed.hpp"

#include "task_service.hpp"

#include <algorithm>

namespace tasklane::tasks {
namespace {

std::int64_t id_or_zero(const nlohmann::json& value) {
    return value.is_number_integer() ? value.get<std::int64_t>() : 0;
}

}  // namespace

std::string feed_message_type(const std::string& event_type) {
    if (event_type == "task.status_changed") {
        return "task_updated";
    }
    std::string type = event_type;
    std::replace(type.begin(), type.end(), '.', '_');
    return type;
}

bool sees_task_event(const sdk::Caller& caller, const sdk::Event& event) {
    const auto task = event.data.find("task");
    if (task == event.data.end() || !task->is_object()) {
        return false;
    }
    const auto viewer = viewer_of(caller);
    const auto creator = id_or_zero(task->value("creator_id", nlohmann::json()));
    if (viewer.sees(creator, id_or_zero(task->value("assignee_id", nlohmann::json())))) {
        return true;
    }
    const auto changes = event.data.find("changes");
    if (changes != event.data.end() && changes->is_object()) {
        const auto assignee = changes->find("assignee_id");
        if (assignee != changes->end() && assignee->is_array() && !assignee->empty()) {
            return viewer.sees(creator, id_or_zero((*assignee)[0]));
        }
    }
    return false;
}

sdk::FeedChannel task_feed_channel() {
    return {.name = "tasks",
            .event_types = {"task.created", "task.updated", "task.status_changed", "task.assigned", "task.completed",
                            "task.deleted", "comment.created",
                            // The attachments plugin's, which carry the task as these do.
                            "attachment.added", "attachment.deleted"},
            .message = [](const sdk::Event& event) -> std::optional<sdk::FeedMessage> {
                const auto task = event.data.find("task");
                if (task == event.data.end() || !task->is_object()) {
                    return std::nullopt;
                }
                return sdk::FeedMessage{.type = feed_message_type(event.type),
                                        .data = event.data,
                                        .subject_id = id_or_zero(task->value("id", nlohmann::json()))};
            },
            .visible = sees_task_event,
            .subject_key = "task_ids"};
}

}  // namespace tasklane::tasks
