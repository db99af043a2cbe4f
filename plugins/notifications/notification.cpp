#include "notification.hpp"

#include <tasklane/sdk/events.hpp>

#include <chrono>
#include <vector>

namespace tasklane::notifications {

std::int64_t system_now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

nlohmann::json to_json(const Notification& n) {
    return {{"id", n.id},
            {"type", n.type},
            {"title", n.title},
            {"body", n.body},
            {"data", n.data},
            {"read", n.read_at.has_value()},
            {"read_at", n.read_at ? nlohmann::json(sdk::iso8601_utc(*n.read_at)) : nlohmann::json()},
            {"created_at", sdk::iso8601_utc(n.created_at)}};
}

const std::map<std::string, bool>& EmailDefaults::all() {
    // Mail what asks for action (work given to you, a question on your task,
    // a deadline); what only informs stays in the app unless the user opts in.
    static const std::map<std::string, bool> defaults = {{"task.assigned", true},
                                                         {"task.completed", false},
                                                         {"comment.created", true},
                                                         {"task.due_soon", true},
                                                         {"message", false}};
    return defaults;
}

std::string preference_key(const std::string& type) {
    return EmailDefaults::all().count(type) > 0 ? type : "message";
}

std::map<std::string, bool> parse_preferences_update(const nlohmann::json& body) {
    std::vector<sdk::FieldError> errors;
    std::map<std::string, bool> changes;
    if (!body.is_object()) {
        throw sdk::ApiError::validation({{"", "the body must be an object {\"email\": {type: true|false}}"}});
    }
    for (const auto& [key, value] : body.items()) {
        if (key != "email") {
            errors.push_back({key, "is not a known key (known: email)"});
        }
    }
    if (body.contains("email")) {
        const auto& email = body["email"];
        if (!email.is_object()) {
            errors.push_back({"email", "must be an object of type: true|false"});
        } else {
            for (const auto& [type, value] : email.items()) {
                if (EmailDefaults::all().count(type) == 0) {
                    std::string known;
                    for (const auto& [k, v] : EmailDefaults::all()) {
                        known += (known.empty() ? "" : ", ") + k;
                    }
                    errors.push_back({"email." + type, "is not a known notification type (known: " + known + ")"});
                } else if (!value.is_boolean()) {
                    errors.push_back({"email." + type, "must be true or false"});
                } else {
                    changes[type] = value.get<bool>();
                }
            }
        }
    }
    if (!errors.empty()) {
        throw sdk::ApiError::validation(std::move(errors), "invalid notification preferences");
    }
    return changes;
}

nlohmann::json preferences_json(const std::map<std::string, bool>& stored) {
    nlohmann::json email = nlohmann::json::object();
    for (const auto& [type, on] : EmailDefaults::all()) {
        const auto it = stored.find(type);
        email[type] = it == stored.end() ? on : it->second;
    }
    return {{"email", email}};
}

}  // namespace tasklane::notifications
