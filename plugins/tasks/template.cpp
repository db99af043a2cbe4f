#include "template.hpp"

#include "field_checks.hpp"
#include "recurrence.hpp"
#include "task.hpp"

#include <tasklane/sdk/errors.hpp>
#include <tasklane/sdk/events.hpp>

#include <set>

namespace tasklane::tasks {

namespace {

using Problems = std::vector<sdk::FieldError>;

constexpr std::size_t kMaxSubtasks = 50;
constexpr std::int64_t kMaxDueInDays = 3650;
constexpr std::int64_t kDayMs = 24LL * 60 * 60 * 1000;

// One task item, every field present; problems are named `prefix.field`.
nlohmann::json normalise_item(const nlohmann::json& item, const std::string& prefix, Problems& problems) {
    nlohmann::json out = {{"title", ""},      {"description", ""},      {"priority", "medium"},
                          {"tags", nlohmann::json::array()},            {"recurrence", nullptr},
                          {"assignee_id", nullptr},                     {"due_in_days", nullptr}};
    if (!item.is_object()) {
        problems.push_back({prefix, "must be an object with at least a title"});
        return out;
    }
    for (const auto& [key, value] : item.items()) {
        if (!out.contains(key)) {
            problems.push_back({prefix + "." + key, "is not a template task field"});
        }
    }
    auto problem = [&](const std::string& field, const std::string& message) {
        problems.push_back({prefix + "." + field, message});
    };
    const auto title = item.value("title", nlohmann::json());
    if (!title.is_string() || trim(title.get<std::string>()).empty() ||
        utf8_length(trim(title.get<std::string>())) > 200) {
        problem("title", "required, 1 to 200 characters after trimming");
    } else {
        out["title"] = trim(title.get<std::string>());
    }
    if (item.contains("description")) {
        const auto& d = item["description"];
        if (!d.is_string() || utf8_length(d.get<std::string>()) > 10000) {
            problem("description", "must be a string of at most 10000 characters");
        } else {
            out["description"] = d;
        }
    }
    if (item.contains("priority")) {
        const auto& p = item["priority"];
        if (!p.is_string() || !is_priority(p.get<std::string>())) {
            problem("priority", "must be low, medium, high or urgent");
        } else {
            out["priority"] = p;
        }
    }
    if (item.contains("tags")) {
        const auto& t = item["tags"];
        std::set<std::string> tags;
        bool ok = t.is_array() && t.size() <= 20;
        for (const auto& tag : ok ? t : nlohmann::json::array()) {
            ok = ok && tag.is_string() && valid_tag(tag.get<std::string>());
            if (ok) {
                tags.insert(tag.get<std::string>());
            }
        }
        if (!ok) {
            problem("tags", std::string("must be an array of at most 20 tags; ") + kTagRule);
        } else {
            out["tags"] = tags;
        }
    }
    if (item.contains("recurrence") && !item["recurrence"].is_null()) {
        const auto& r = item["recurrence"];
        if (!r.is_string()) {
            problem("recurrence", "must be a string or null");
        } else if (auto why = recurrence_problem(r.get<std::string>())) {
            problem("recurrence", *why);
        } else {
            out["recurrence"] = r;
        }
    }
    if (item.contains("assignee_id") && !item["assignee_id"].is_null()) {
        const auto& a = item["assignee_id"];
        if (!a.is_number_integer() || a.get<std::int64_t>() <= 0) {
            problem("assignee_id", "must be a user id or null");
        } else {
            out["assignee_id"] = a;
        }
    }
    if (item.contains("due_in_days") && !item["due_in_days"].is_null()) {
        const auto& d = item["due_in_days"];
        if (!d.is_number_integer() || d.get<std::int64_t>() < 0 || d.get<std::int64_t>() > kMaxDueInDays) {
            problem("due_in_days", "must be a whole number of days from 0 to 3650, or null");
        } else {
            out["due_in_days"] = d;
        }
    }
    return out;
}

}  // namespace

nlohmann::json to_json(const TaskTemplate& tmpl) {
    return {{"id", tmpl.id},
            {"name", tmpl.name},
            {"description", tmpl.description},
            {"task", tmpl.task},
            {"subtasks", tmpl.subtasks},
            {"creator_id", tmpl.creator_id},
            {"created_at", sdk::iso8601_utc(tmpl.created_at)},
            {"updated_at", sdk::iso8601_utc(tmpl.updated_at)}};
}

void apply_template_body(TaskTemplate& tmpl, const nlohmann::json& body, bool creating) {
    if (!body.is_object()) {
        throw sdk::ApiError::bad_request("the body must be a JSON object");
    }
    static const std::set<std::string> kFields = {"name", "description", "task", "subtasks"};
    static const std::set<std::string> kReadOnly = {"id", "creator_id", "created_at", "updated_at"};
    Problems problems;
    for (const auto& [key, value] : body.items()) {
        if (!kFields.count(key) && !kReadOnly.count(key)) {
            problems.push_back({key, "is not a template field"});
        }
    }
    if (body.contains("name") || creating) {
        const auto name = body.value("name", nlohmann::json());
        if (!name.is_string() || trim(name.get<std::string>()).empty() ||
            utf8_length(trim(name.get<std::string>())) > 100) {
            problems.push_back({"name", "required, 1 to 100 characters after trimming"});
        } else {
            tmpl.name = trim(name.get<std::string>());
        }
    }
    if (body.contains("description")) {
        const auto& d = body["description"];
        if (!d.is_string() || utf8_length(d.get<std::string>()) > 10000) {
            problems.push_back({"description", "must be a string of at most 10000 characters"});
        } else {
            tmpl.description = d.get<std::string>();
        }
    }
    if (body.contains("task") || creating) {
        tmpl.task = normalise_item(body.value("task", nlohmann::json()), "task", problems);
    }
    if (body.contains("subtasks")) {
        const auto& list = body["subtasks"];
        if (!list.is_array() || list.size() > kMaxSubtasks) {
            problems.push_back({"subtasks", "must be an array of at most 50 task items"});
        } else {
            tmpl.subtasks = nlohmann::json::array();
            for (std::size_t i = 0; i < list.size(); ++i) {
                tmpl.subtasks.push_back(normalise_item(list[i], "subtasks[" + std::to_string(i) + "]", problems));
            }
        }
    }
    if (!problems.empty()) {
        throw sdk::ApiError::validation(problems);
    }
}

nlohmann::json task_body_of(const nlohmann::json& item, std::int64_t now_ms) {
    nlohmann::json body = item;
    body.erase("due_in_days");
    if (item["due_in_days"].is_number_integer()) {
        body["due_date"] = sdk::iso8601_utc(now_ms + item["due_in_days"].get<std::int64_t>() * kDayMs);
    }
    return body;
}

}  // namespace tasklane::tasks
