#include "task.hpp"

#include <tasklane/sdk/events.hpp>

#include <cctype>

namespace tasklane::tasks {

namespace {

nlohmann::json optional_time(const std::optional<std::int64_t>& ms) {
    return ms ? nlohmann::json(sdk::iso8601_utc(*ms)) : nlohmann::json(nullptr);
}

template <typename T>
nlohmann::json optional_value(const std::optional<T>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool digits(const std::string& s, std::size_t pos, std::size_t n, int& out) {
    if (pos + n > s.size()) {
        return false;
    }
    out = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) {
            return false;
        }
        out = out * 10 + (s[i] - '0');
    }
    return true;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

nlohmann::json to_json(const Task& task) {
    return {{"id", task.id},
            {"title", task.title},
            {"description", task.description},
            {"status", task.status},
            {"priority", task.priority},
            {"due_date", optional_time(task.due_date)},
            {"creator_id", task.creator_id},
            {"assignee_id", optional_value(task.assignee_id)},
            {"parent_id", optional_value(task.parent_id)},
            {"tags", task.tags},
            {"recurrence", optional_value(task.recurrence)},
            {"depends_on", task.depends_on},
            {"blocked_by", task.blocked_by},
            {"created_at", sdk::iso8601_utc(task.created_at)},
            {"updated_at", sdk::iso8601_utc(task.updated_at)},
            {"completed_at", optional_time(task.completed_at)},
            {"version", task.version},
            {"position", task.position}};
}

nlohmann::json to_json(const Comment& comment) {
    return {{"id", comment.id},
            {"task_id", comment.task_id},
            {"author_id", comment.author_id},
            {"body", comment.body},
            {"created_at", sdk::iso8601_utc(comment.created_at)}};
}

bool is_priority(const std::string& value) { return priority_rank(value) > 0; }

int priority_rank(const std::string& value) {
    if (value == "low") {
        return 1;
    }
    if (value == "medium") {
        return 2;
    }
    if (value == "high") {
        return 3;
    }
    if (value == "urgent") {
        return 4;
    }
    return 0;
}

std::optional<std::int64_t> parse_timestamp(const std::string& s) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
        !digits(s, 8, 2, d)) {
        return std::nullopt;
    }
    static const int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mo < 1 || mo > 12 || d < 1 || d > month_days[mo - 1] + (mo == 2 && leap(y) ? 1 : 0)) {
        return std::nullopt;
    }
    std::int64_t ms = 0;
    std::int64_t offset_s = 0;
    if (s.size() > 10) {
        if ((s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2, h) || s.size() < 19 || s[13] != ':' ||
            !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, sec) || h > 23 || mi > 59 || sec > 59) {
            return std::nullopt;
        }
        std::size_t pos = 19;
        if (pos < s.size() && s[pos] == '.') {
            int scale = 100;
            ++pos;
            const std::size_t start = pos;
            while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
                ms += (s[pos] - '0') * scale;
                scale /= 10;
                ++pos;
            }
            if (pos == start) {
                return std::nullopt;
            }
        }
        if (pos == s.size()) {
            return std::nullopt;  // a time without a zone is ambiguous
        }
        if (s[pos] == 'Z' || s[pos] == 'z') {
            ++pos;
        } else if (s[pos] == '+' || s[pos] == '-') {
            int oh = 0, om = 0;
            if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !digits(s, pos + 4, 2, om) ||
                oh > 23 || om > 59) {
                return std::nullopt;
            }
            offset_s = (oh * 3600 + om * 60) * (s[pos] == '+' ? 1 : -1);
            pos += 6;
        } else {
            return std::nullopt;
        }
        if (pos != s.size()) {
            return std::nullopt;
        }
    }
    const std::int64_t seconds = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 +
                                 h * 3600 + mi * 60 + sec - offset_s;
    return seconds * 1000 + ms;
}

}  // namespace tasklane::tasks
