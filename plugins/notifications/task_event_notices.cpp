#include "task_event_notices.hpp"

#include <cstdio>
#include <set>

namespace tasklane::notifications {

namespace {

std::optional<std::int64_t> id_field(const nlohmann::json& object, const char* key) {
    if (object.is_object() && object.contains(key) && object[key].is_number_integer()) {
        return object[key].get<std::int64_t>();
    }
    return std::nullopt;
}

// A user's own action notifies nobody; a rule's or the system's notifies.
bool acted_by(const sdk::Actor& actor, std::int64_t user_id) {
    return actor.type == "user" && actor.id.is_number_integer() && actor.id.get<std::int64_t>() == user_id;
}

// The change of `field` as [old, new], or null when it did not change.
const nlohmann::json& change_of(const nlohmann::json& data, const char* field) {
    static const nlohmann::json none;
    if (data.contains("changes") && data["changes"].is_object() && data["changes"].contains(field) &&
        data["changes"][field].is_array() && data["changes"][field].size() == 2) {
        return data["changes"][field];
    }
    return none;
}

// Assignment happens through /assign (task.assigned), a PATCH of
// assignee_id (task.updated) or a task created with an assignee.
std::optional<std::int64_t> new_assignee(const sdk::Event& event, const nlohmann::json& task) {
    if (event.type == "task.created") {
        return id_field(task, "assignee_id");
    }
    const auto& change = change_of(event.data, "assignee_id");
    if (!change.is_null() && change[1].is_number_integer() && change[0] != change[1]) {
        return change[1].get<std::int64_t>();
    }
    return std::nullopt;
}

// Completion happens through /complete or a status change into a done
// status; completed_at going from null to a time marks both.
bool became_completed(const sdk::Event& event) {
    const auto& change = change_of(event.data, "completed_at");
    return !change.is_null() && change[0].is_null() && !change[1].is_null();
}

sdk::Notice notice(std::int64_t user_id, const std::string& type, std::string title, std::string body,
                   const nlohmann::json& task, const sdk::Event& event) {
    return {user_id, type, std::move(title), std::move(body),
            {{"task_id", task.value("id", std::int64_t{0})},
             {"event_id", event.id},
             {"actor", {{"type", event.actor.type}, {"id", event.actor.id}}}}};
}

}  // namespace

const std::vector<std::string>& task_event_types() {
    static const std::vector<std::string> types = {"task.created",        "task.updated",   "task.assigned",
                                                   "task.status_changed", "task.completed", "task.deleted",
                                                   "comment.created"};
    return types;
}

std::vector<PlannedNotice> notices_for(const sdk::Event& event, const ActorName& actor_name) {
    std::vector<PlannedNotice> out;
    const auto& data = event.data;
    if (!data.is_object() || !data.contains("task") || !data["task"].is_object()) {
        return out;
    }
    const auto& task = data["task"];
    const std::string title = task.value("title", std::string("(untitled)"));
    const auto add = [&](sdk::Notice n, const std::string& kind) {
        out.push_back({std::move(n), "event:" + std::to_string(event.id) + ":" + kind});
    };

    if (event.type == "comment.created") {
        const auto& comment = data.value("comment", nlohmann::json::object());
        std::set<std::int64_t> recipients;
        for (const auto* key : {"creator_id", "assignee_id"}) {
            if (const auto id = id_field(task, key); id && !acted_by(event.actor, *id)) {
                recipients.insert(*id);
            }
        }
        for (const auto user_id : recipients) {
            auto n = notice(user_id, "comment.created", "New comment on: " + title,
                            actor_name(event.actor) + " commented: " + comment.value("body", std::string()), task,
                            event);
            n.data["comment_id"] = comment.value("id", std::int64_t{0});
            add(std::move(n), "comment");
        }
        return out;
    }
    if (event.type == "task.deleted") {
        return out;
    }
    if (const auto assignee = new_assignee(event, task); assignee && !acted_by(event.actor, *assignee)) {
        add(notice(*assignee, "task.assigned", "Assigned to you: " + title,
                   actor_name(event.actor) + " assigned you the task \"" + title + "\".", task, event),
            "assigned");
    }
    if (became_completed(event)) {
        if (const auto creator = id_field(task, "creator_id"); creator && !acted_by(event.actor, *creator)) {
            add(notice(*creator, "task.completed", "Completed: " + title,
                       actor_name(event.actor) + " completed your task \"" + title + "\".", task, event),
                "completed");
        }
    }
    return out;
}

std::optional<std::int64_t> parse_iso8601_utc(const std::string& text) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    char z = 0;
    if (text.size() != 20 || std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &z) != 7 ||
        z != 'Z' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) {
        return std::nullopt;
    }
    // Days from civil (Howard Hinnant), the inverse of sdk::iso8601_utc.
    const int yy = y - (mo <= 2 ? 1 : 0);
    const int era = (yy >= 0 ? yy : yy - 399) / 400;
    const int yoe = yy - era * 400;
    const int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    const std::int64_t days = static_cast<std::int64_t>(era) * 146097 + doe - 719468;
    return ((days * 24 + h) * 60 + mi) * 60000LL + s * 1000LL;
}

std::optional<DueDate> due_date_of(const sdk::Event& event) {
    const auto& data = event.data;
    if (event.type == "task.deleted" || !data.is_object() || !data.contains("task") || !data["task"].is_object()) {
        return std::nullopt;
    }
    const auto& task = data["task"];
    if (!task.contains("completed_at") || !task["completed_at"].is_null() || !task.contains("due_date") ||
        !task["due_date"].is_string()) {
        return std::nullopt;
    }
    const auto due = parse_iso8601_utc(task["due_date"].get<std::string>());
    const auto id = id_field(task, "id");
    const auto recipient = id_field(task, "assignee_id") ? id_field(task, "assignee_id") : id_field(task, "creator_id");
    if (!due || !id || !recipient) {
        return std::nullopt;
    }
    return DueDate{*id, *due, *recipient, task.value("title", std::string())};
}

}  // namespace tasklane::notifications
