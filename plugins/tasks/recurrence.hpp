#pragma once
// Recurrence rules: "daily", "weekly", "monthly", or the RFC 5545 subset
// "RRULE:FREQ=DAILY|WEEKLY|MONTHLY;INTERVAL=n;BYDAY=MO,TU,...".
#include <cstdint>
#include <optional>
#include <string>

namespace tasklane::tasks {

// A sentence describing what is wrong, or nullopt when the rule is valid.
std::optional<std::string> recurrence_problem(const std::string& rule);

// The next due date after `due_ms` (epoch ms, UTC) under a valid rule.
std::int64_t next_occurrence(const std::string& rule, std::int64_t due_ms);

}  // namespace tasklane::tasks
