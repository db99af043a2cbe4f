#pragma once
// Task templates: a named blueprint of one task and its subtasks that any
// member can instantiate. The blueprint is stored as normalised JSON items:
// {title, description, priority, tags, recurrence, assignee_id, due_in_days}.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace tasklane::tasks {

struct TaskTemplate {
    std::int64_t id = 0;
    std::string name;
    std::string description;
    nlohmann::json task = nlohmann::json::object();
    nlohmann::json subtasks = nlohmann::json::array();
    std::int64_t creator_id = 0;
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
};

nlohmann::json to_json(const TaskTemplate& tmpl);

// Applies a create (all of name and task required) or partial update body
// onto `tmpl`; throws ApiError 422 naming every bad field ("task.title",
// "subtasks[2].priority").
void apply_template_body(TaskTemplate& tmpl, const nlohmann::json& body, bool creating);

// The body of POST /api/v1/tasks for one template item, due `due_in_days`
// after `now_ms` when the item has it.
nlohmann::json task_body_of(const nlohmann::json& item, std::int64_t now_ms);

}  // namespace tasklane::tasks
