#pragma once
// Cron schedules for Lua rules (`schedule = "*/15 * * * *"`). Pure arithmetic
// on epoch minutes in UTC: no time zone database, no locale and no
// std::gmtime, so a parsed schedule can be shared freely between threads.
#include <cstdint>
#include <optional>
#include <string>

namespace tasklane::rules {

// A standard 5-field cron expression (minute hour day-of-month month
// day-of-week), UTC.
//
// Syntax: `*`, numbers, ranges `a-b`, steps `*/n`, `a-b/n` and `a/n` (a to
// the field's maximum), comma lists of any of these, month names JAN-DEC and
// day names SUN-SAT (case-insensitive), day-of-week 0-7 with both 0 and 7
// meaning Sunday, and the macros @hourly, @daily/@midnight, @weekly,
// @monthly, @yearly/@annually.
//
// Day matching follows Vixie cron: when both day-of-month and day-of-week are
// restricted (neither field starts with `*`), a day matches if EITHER field
// matches; otherwise both must match (the `*` one always does).
class CronSchedule {
public:
    // Throws std::invalid_argument with a message naming the field and the
    // problem (e.g. "hour: 24 is out of range 0-23") for anything invalid.
    static CronSchedule parse(const std::string& expression);

    // Whether the minute starting at epoch_minute (= unix seconds / 60) matches.
    bool matches(std::int64_t epoch_minute) const;

    // The first matching minute strictly after `after_epoch_minute`;
    // std::nullopt if none within about five years (e.g. "0 0 30 2 *").
    std::optional<std::int64_t> next_after(std::int64_t after_epoch_minute) const;

    // The expression exactly as given to parse().
    const std::string& text() const { return text_; }

private:
    CronSchedule() = default;

    bool day_matches(int month, int day_of_month, int weekday) const;
    // Minute of the day (0-1439) of the first matching time at or after
    // `from_minute_of_day`, if the day has one.
    std::optional<int> first_time_from(int from_minute_of_day) const;

    std::string text_;
    // Bit v set = value v is allowed. Day-of-week is folded to 0-6 (Sunday 0).
    std::uint64_t minutes_ = 0;
    std::uint64_t hours_ = 0;
    std::uint64_t days_of_month_ = 0;
    std::uint64_t months_ = 0;
    std::uint64_t days_of_week_ = 0;
    bool day_of_month_restricted_ = false;
    bool day_of_week_restricted_ = false;
};

}  // namespace tasklane::rules
