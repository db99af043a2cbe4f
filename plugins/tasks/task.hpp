#pragma once
// The task entity, its JSON shape (DESIGN.md section 5) and time parsing.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tasklane::tasks {

struct Task {
    std::int64_t id = 0;
    std::string title;
    std::string description;
    std::string status;
    std::string priority = "medium";
    std::optional<std::int64_t> due_date;  // epoch milliseconds
    std::int64_t creator_id = 0;
    std::optional<std::int64_t> assignee_id;
    std::optional<std::int64_t> parent_id;
    std::vector<std::string> tags;
    std::optional<std::string> recurrence;
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
    std::optional<std::int64_t> completed_at;
    std::int64_t version = 1;
    std::int64_t position = 0;             // order in its board column (ascending, then id)
    std::vector<std::int64_t> depends_on;  // every dependency, ascending (filled by the store)
    std::vector<std::int64_t> blocked_by;  // the dependencies not completed yet, ascending
};

nlohmann::json to_json(const Task& task);

struct Comment {
    std::int64_t id = 0;
    std::int64_t task_id = 0;
    std::int64_t author_id = 0;
    std::string body;
    std::int64_t created_at = 0;
};

nlohmann::json to_json(const Comment& comment);

bool is_priority(const std::string& value);
int priority_rank(const std::string& value);  // low 1 ... urgent 4

// "2026-11-22T18:00:00Z", "...T18:00:00.250+01:00" or a date "2026-11-22"
// (midnight UTC) -> epoch milliseconds; nullopt when malformed.
std::optional<std::int64_t> parse_timestamp(const std::string& text);

}  // namespace tasklane::tasks
