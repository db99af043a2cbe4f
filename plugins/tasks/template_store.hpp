#pragma once
// SQL for task templates (table task_templates); the blueprint is one JSON
// text column {task, subtasks}.
#include "template.hpp"

#include <soci/soci.h>

#include <optional>
#include <vector>

namespace tasklane::tasks {

class TemplateStore {
public:
    void insert(soci::session& sql, TaskTemplate& tmpl);  // sets id
    std::optional<TaskTemplate> find(soci::session& sql, std::int64_t id);
    std::vector<TaskTemplate> list(soci::session& sql, int page, int per_page);  // by name, then id
    std::int64_t count(soci::session& sql);
    void update(soci::session& sql, const TaskTemplate& tmpl);
    void remove(soci::session& sql, std::int64_t id);
};

}  // namespace tasklane::tasks
