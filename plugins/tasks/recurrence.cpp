#include "recurrence.hpp"

#include <array>
#include <sstream>
#include <vector>

namespace tasklane::tasks {

namespace {

struct Rule {
    std::string freq;  // DAILY, WEEKLY, MONTHLY
    int interval = 1;
    std::vector<int> weekdays;  // 0 = Monday ... 6 = Sunday
};

const std::array<const char*, 7> kDays = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};

std::optional<Rule> parse(const std::string& text, std::string& problem) {
    Rule rule;
    if (text == "daily" || text == "weekly" || text == "monthly") {
        rule.freq = text == "daily" ? "DAILY" : text == "weekly" ? "WEEKLY" : "MONTHLY";
        return rule;
    }
    const std::string prefix = "RRULE:";
    if (text.rfind(prefix, 0) != 0) {
        problem = "must be daily, weekly, monthly or RRULE:FREQ=...;INTERVAL=n;BYDAY=MO,...";
        return std::nullopt;
    }
    std::stringstream parts(text.substr(prefix.size()));
    std::string part;
    while (std::getline(parts, part, ';')) {
        const auto eq = part.find('=');
        const auto key = part.substr(0, eq);
        const auto value = eq == std::string::npos ? "" : part.substr(eq + 1);
        if (key == "FREQ" && (value == "DAILY" || value == "WEEKLY" || value == "MONTHLY")) {
            rule.freq = value;
        } else if (key == "INTERVAL") {
            try {
                std::size_t used = 0;
                rule.interval = std::stoi(value, &used);
                if (used != value.size() || rule.interval < 1 || rule.interval > 366) {
                    throw std::invalid_argument("range");
                }
            } catch (const std::exception&) {
                problem = "INTERVAL must be an integer from 1 to 366";
                return std::nullopt;
            }
        } else if (key == "BYDAY") {
            if (value.empty()) {
                problem = "BYDAY needs at least one of MO, TU, WE, TH, FR, SA, SU";
                return std::nullopt;
            }
            std::stringstream days(value);
            std::string day;
            while (std::getline(days, day, ',')) {
                int found = -1;
                for (int i = 0; i < 7; ++i) {
                    found = day == kDays[static_cast<std::size_t>(i)] ? i : found;
                }
                if (found < 0) {
                    problem = "BYDAY takes MO, TU, WE, TH, FR, SA, SU";
                    return std::nullopt;
                }
                rule.weekdays.push_back(found);
            }
        } else {
            problem = "unsupported RRULE part '" + part + "' (supported: FREQ=DAILY|WEEKLY|MONTHLY, INTERVAL, BYDAY)";
            return std::nullopt;
        }
    }
    if (rule.freq.empty()) {
        problem = "RRULE needs FREQ=DAILY, WEEKLY or MONTHLY";
        return std::nullopt;
    }
    if (!rule.weekdays.empty() && rule.freq != "WEEKLY") {
        problem = "BYDAY is supported with FREQ=WEEKLY only";
        return std::nullopt;
    }
    return rule;
}

constexpr std::int64_t kDayMs = 86400000;

int weekday(std::int64_t ms) {
    const std::int64_t days = ms >= 0 ? ms / kDayMs : (ms - kDayMs + 1) / kDayMs;
    return static_cast<int>(((days + 3) % 7 + 7) % 7);  // 1970-01-01 was a Thursday (3)
}

std::int64_t add_months(std::int64_t ms, int months) {
    // Same day of month, clamped to the month's length (Jan 31 + 1 month = Feb 28/29).
    const std::int64_t days = ms >= 0 ? ms / kDayMs : (ms - kDayMs + 1) / kDayMs;
    const std::int64_t time_of_day = ms - days * kDayMs;
    std::int64_t z = days + 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const std::int64_t doe = z - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    std::int64_t y = yoe + era * 400;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
    std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2 ? 1 : 0;
    std::int64_t total = y * 12 + (m - 1) + months;
    y = total / 12;
    m = total % 12 + 1;
    static const int lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    const std::int64_t max_day = lengths[m - 1] + (m == 2 && leap ? 1 : 0);
    const std::int64_t day = d < max_day ? d : max_day;
    // days_from_civil
    const std::int64_t yy = y - (m <= 2 ? 1 : 0);
    const std::int64_t era2 = (yy >= 0 ? yy : yy - 399) / 400;
    const std::int64_t yoe2 = yy - era2 * 400;
    const std::int64_t doy2 = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + day - 1;
    const std::int64_t doe2 = yoe2 * 365 + yoe2 / 4 - yoe2 / 100 + doy2;
    return (era2 * 146097 + doe2 - 719468) * kDayMs + time_of_day;
}

}  // namespace

std::optional<std::string> recurrence_problem(const std::string& rule) {
    std::string problem;
    if (!parse(rule, problem)) {
        return problem;
    }
    return std::nullopt;
}

std::int64_t next_occurrence(const std::string& text, std::int64_t due_ms) {
    std::string problem;
    const auto rule = parse(text, problem);
    if (!rule) {
        return due_ms;
    }
    if (rule->freq == "DAILY") {
        return due_ms + rule->interval * kDayMs;
    }
    if (rule->freq == "MONTHLY") {
        return add_months(due_ms, rule->interval);
    }
    if (rule->weekdays.empty()) {
        return due_ms + 7 * rule->interval * kDayMs;
    }
    // WEEKLY with BYDAY: the next listed weekday in this week; past the last
    // one, the first listed weekday `interval` weeks on.
    const int today = weekday(due_ms);
    int best_later = 8;
    int first = 7;
    for (int d : rule->weekdays) {
        if (d > today && d < best_later) {
            best_later = d;
        }
        first = d < first ? d : first;
    }
    if (best_later < 8) {
        return due_ms + (best_later - today) * kDayMs;
    }
    return due_ms + ((7 - today) + first + 7 * (rule->interval - 1)) * kDayMs;
}

}  // namespace tasklane::tasks
