#include "cron.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace tasklane::rules {
namespace {

// std::chrono's civil calendar is an independent oracle for the module's own
// date arithmetic (calendar only; no time zone database involved).
std::int64_t at(int year, unsigned month, unsigned day, int hour = 0, int minute = 0) {
    using namespace std::chrono;
    const sys_days date{std::chrono::year{year} / std::chrono::month{month} / std::chrono::day{day}};
    return duration_cast<minutes>(date.time_since_epoch()).count() + hour * 60 + minute;
}

std::string iso(std::int64_t epoch_minute) {
    using namespace std::chrono;
    const sys_time<minutes> time{minutes{epoch_minute}};
    const sys_days date = floor<days>(time);
    const year_month_day ymd{date};
    const hh_mm_ss hms{time - date};
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02ld:%02ldZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()));
    return buffer;
}

std::string next_iso(const std::string& expression, std::int64_t after) {
    const auto next = CronSchedule::parse(expression).next_after(after);
    return next ? iso(*next) : "none";
}

// All matching minutes in [from, from + count), by brute force over matches().
std::vector<std::int64_t> matching(const CronSchedule& schedule, std::int64_t from, std::int64_t count) {
    std::vector<std::int64_t> found;
    for (std::int64_t minute = from; minute < from + count; ++minute) {
        if (schedule.matches(minute)) {
            found.push_back(minute);
        }
    }
    return found;
}

// The message parse() throws, or "" if it accepted the expression.
std::string parse_error(const std::string& expression) {
    try {
        (void)CronSchedule::parse(expression);
    } catch (const std::invalid_argument& error) {
        return error.what();
    }
    return "";
}

TEST(CronTest, KnownTimestamps) {
    const std::int64_t t = at(2026, 11, 28, 10, 15);
    EXPECT_EQ(iso(t), "2026-11-28T10:15Z");
    EXPECT_EQ(t, 1795860900 / 60);  // date -u -d 2026-11-28T10:15Z +%s
    EXPECT_TRUE(CronSchedule::parse("*/15 * * * *").matches(t));
    EXPECT_TRUE(CronSchedule::parse("15 10 28 11 SAT").matches(t));
    EXPECT_TRUE(CronSchedule::parse("15 10 * * 6").matches(t));
    EXPECT_FALSE(CronSchedule::parse("*/15 * * * *").matches(t + 1));
    EXPECT_FALSE(CronSchedule::parse("15 10 28 11 *").matches(t + 60));
    // The epoch itself: Thursday 1970-01-01 00:00.
    EXPECT_TRUE(CronSchedule::parse("0 0 1 1 THU").matches(0));
    EXPECT_TRUE(CronSchedule::parse("0 0 * * 4").matches(0));
    EXPECT_FALSE(CronSchedule::parse("0 0 * * 3").matches(0));
}

TEST(CronTest, TextIsTheExpressionAsGiven) {
    EXPECT_EQ(CronSchedule::parse("*/15 * * * *").text(), "*/15 * * * *");
    EXPECT_EQ(CronSchedule::parse("  0 0  * * 1 ").text(), "  0 0  * * 1 ");
    EXPECT_EQ(CronSchedule::parse("@daily").text(), "@daily");
}

TEST(CronTest, StarMatchesEveryMinute) {
    const auto schedule = CronSchedule::parse("* * * * *");
    EXPECT_EQ(matching(schedule, at(2026, 3, 1), 3 * 1440).size(), 3U * 1440U);
}

TEST(CronTest, SingleNumbers) {
    const auto schedule = CronSchedule::parse("30 14 * * *");
    EXPECT_EQ(matching(schedule, at(2026, 5, 1), 3 * 1440),
              (std::vector<std::int64_t>{at(2026, 5, 1, 14, 30), at(2026, 5, 2, 14, 30), at(2026, 5, 3, 14, 30)}));
}

TEST(CronTest, Ranges) {
    const auto schedule = CronSchedule::parse("0 9-17 * * *");
    const auto found = matching(schedule, at(2026, 5, 1), 1440);
    ASSERT_EQ(found.size(), 9U);
    EXPECT_EQ(iso(found.front()), "2026-05-01T09:00Z");
    EXPECT_EQ(iso(found.back()), "2026-05-01T17:00Z");
}

TEST(CronTest, StepsOverStar) {
    const auto found = matching(CronSchedule::parse("*/15 * * * *"), at(2026, 5, 1), 60);
    EXPECT_EQ(found, (std::vector<std::int64_t>{at(2026, 5, 1, 0, 0), at(2026, 5, 1, 0, 15), at(2026, 5, 1, 0, 30),
                                                at(2026, 5, 1, 0, 45)}));
}

TEST(CronTest, StepsOverRange) {
    const auto found = matching(CronSchedule::parse("10-30/10 * * * *"), at(2026, 5, 1), 60);
    EXPECT_EQ(found, (std::vector<std::int64_t>{at(2026, 5, 1, 0, 10), at(2026, 5, 1, 0, 20), at(2026, 5, 1, 0, 30)}));
}

TEST(CronTest, StepFromStartRunsToFieldMax) {
    const auto found = matching(CronSchedule::parse("50/3 * * * *"), at(2026, 5, 1), 60);
    EXPECT_EQ(found, (std::vector<std::int64_t>{at(2026, 5, 1, 0, 50), at(2026, 5, 1, 0, 53), at(2026, 5, 1, 0, 56),
                                                at(2026, 5, 1, 0, 59)}));
    // Hours: 20/2 = 20, 22.
    EXPECT_EQ(matching(CronSchedule::parse("0 20/2 * * *"), at(2026, 5, 1), 1440).size(), 2U);
}

TEST(CronTest, Lists) {
    const auto found = matching(CronSchedule::parse("1,5,10-20/2 * * * *"), at(2026, 5, 1), 60);
    std::vector<std::int64_t> expected;
    for (const int minute : {1, 5, 10, 12, 14, 16, 18, 20}) {
        expected.push_back(at(2026, 5, 1, 0, minute));
    }
    EXPECT_EQ(found, expected);
}

TEST(CronTest, OverlappingListElementsAreHarmless) {
    EXPECT_EQ(matching(CronSchedule::parse("0-10,5-15 * * * *"), at(2026, 5, 1), 60).size(), 16U);
}

TEST(CronTest, MonthNamesAreCaseInsensitive) {
    for (const char* expression : {"0 0 1 JUN *", "0 0 1 jun *", "0 0 1 Jun *", "0 0 1 6 *"}) {
        EXPECT_EQ(next_iso(expression, at(2026, 1, 1)), "2026-06-01T00:00Z") << expression;
    }
    EXPECT_EQ(next_iso("0 0 1 jan-mar/2 *", at(2026, 1, 1)), "2026-03-01T00:00Z");
    EXPECT_EQ(next_iso("0 0 1 NOV,dec *", at(2026, 1, 1)), "2026-11-01T00:00Z");
}

TEST(CronTest, DayNamesAreCaseInsensitive) {
    // 2026-05-01 is a Friday.
    EXPECT_EQ(next_iso("0 12 * * MON", at(2026, 5, 1)), "2026-05-04T12:00Z");
    EXPECT_EQ(next_iso("0 12 * * mon", at(2026, 5, 1)), "2026-05-04T12:00Z");
    EXPECT_EQ(next_iso("0 12 * * Wed", at(2026, 5, 1)), "2026-05-06T12:00Z");
    const auto weekdays = CronSchedule::parse("0 12 * * mon-FRI");
    EXPECT_EQ(matching(weekdays, at(2026, 5, 1), 14 * 1440).size(), 10U);
}

TEST(CronTest, SundayIsBothZeroAndSeven) {
    // 2026-05-03 is a Sunday.
    for (const char* expression : {"0 0 * * 0", "0 0 * * 7", "0 0 * * SUN", "0 0 * * sun"}) {
        const auto schedule = CronSchedule::parse(expression);
        EXPECT_TRUE(schedule.matches(at(2026, 5, 3))) << expression;
        EXPECT_FALSE(schedule.matches(at(2026, 5, 2))) << expression;
        EXPECT_FALSE(schedule.matches(at(2026, 5, 4))) << expression;
    }
    // Ranges ending at 7 wrap onto Sunday.
    const auto weekend = CronSchedule::parse("0 0 * * 6-7");
    EXPECT_TRUE(weekend.matches(at(2026, 5, 2)));
    EXPECT_TRUE(weekend.matches(at(2026, 5, 3)));
    EXPECT_FALSE(weekend.matches(at(2026, 5, 4)));
    EXPECT_EQ(matching(CronSchedule::parse("0 0 * * 0-7"), at(2026, 5, 1), 7 * 1440).size(), 7U);
}

TEST(CronTest, DayOfWeekStarAndStepsStopAtSaturday) {
    // */2 = Sun, Tue, Thu, Sat; 1/2 = Mon, Wed, Fri (7 is only an alias, not a step target).
    EXPECT_EQ(matching(CronSchedule::parse("0 0 * * */2"), at(2026, 5, 3), 7 * 1440).size(), 4U);
    const auto odd = CronSchedule::parse("0 0 * * 1/2");
    EXPECT_EQ(matching(odd, at(2026, 5, 3), 7 * 1440).size(), 3U);
    EXPECT_FALSE(odd.matches(at(2026, 5, 3)));  // Sunday
}

TEST(CronTest, WeekdaysAgreeWithChronoOverManyYears) {
    const auto mondays = CronSchedule::parse("0 0 * * MON");
    for (int year : {1900, 1969, 1970, 2000, 2026, 2100, 2400}) {
        using namespace std::chrono;
        for (unsigned day = 1; day <= 14; ++day) {
            const sys_days date{std::chrono::year{year} / January / day};
            EXPECT_EQ(mondays.matches(at(year, 1, day)), weekday{date} == Monday) << year << "-01-" << day;
        }
    }
}

TEST(CronTest, BothDayFieldsRestrictedMeansEither) {
    // The 13th OR any Friday. May 2026: Fridays 1, 8, 15, 22, 29; plus the 13th (a Wednesday).
    const auto schedule = CronSchedule::parse("0 0 13 * FRI");
    std::vector<std::string> days;
    for (const std::int64_t minute : matching(schedule, at(2026, 5, 1), 31 * 1440)) {
        days.push_back(iso(minute).substr(0, 10));
    }
    EXPECT_EQ(days, (std::vector<std::string>{"2026-05-01", "2026-05-08", "2026-05-13", "2026-05-15", "2026-05-22",
                                              "2026-05-29"}));
}

TEST(CronTest, OneDayFieldStarredMeansTheOtherDecides) {
    EXPECT_EQ(matching(CronSchedule::parse("0 0 13 * *"), at(2026, 5, 1), 31 * 1440).size(), 1U);
    EXPECT_EQ(matching(CronSchedule::parse("0 0 * * FRI"), at(2026, 5, 1), 31 * 1440).size(), 5U);
    // Vixie: a field starting with '*' counts as unrestricted, so "*/2" ANDs:
    // odd days of May 2026 that are Fridays are the 1st, 15th and 29th.
    EXPECT_EQ(matching(CronSchedule::parse("0 0 */2 * FRI"), at(2026, 5, 1), 31 * 1440).size(), 3U);
}

TEST(CronTest, Macros) {
    const std::int64_t from = at(2026, 5, 6, 10, 30);  // a Wednesday
    EXPECT_EQ(next_iso("@hourly", from), "2026-05-06T11:00Z");
    EXPECT_EQ(next_iso("@daily", from), "2026-05-07T00:00Z");
    EXPECT_EQ(next_iso("@midnight", from), "2026-05-07T00:00Z");
    EXPECT_EQ(next_iso("@weekly", from), "2026-05-10T00:00Z");  // Sunday
    EXPECT_EQ(next_iso("@monthly", from), "2026-06-01T00:00Z");
    EXPECT_EQ(next_iso("@yearly", from), "2027-01-01T00:00Z");
    EXPECT_EQ(next_iso("@annually", from), "2027-01-01T00:00Z");
    EXPECT_EQ(next_iso(" @DAILY ", from), "2026-05-07T00:00Z");
}

TEST(CronTest, LeapDay) {
    EXPECT_EQ(next_iso("0 0 29 2 *", at(2026, 1, 1)), "2028-02-29T00:00Z");
    EXPECT_EQ(next_iso("0 0 29 2 *", at(2028, 2, 29)), "2032-02-29T00:00Z");
    EXPECT_EQ(next_iso("0 0 29 2 *", at(2000, 3, 1)), "2004-02-29T00:00Z");
    EXPECT_EQ(next_iso("0 0 29 2 *", at(2099, 1, 1)), "none");  // 2100 is no leap year; 2104 is > 5 years out
    EXPECT_EQ(next_iso("0 0 * 2 *", at(2100, 2, 28)), "2101-02-01T00:00Z");
    EXPECT_EQ(next_iso("0 0 * 2 *", at(2000, 2, 28)), "2000-02-29T00:00Z");
}

TEST(CronTest, MonthEnds) {
    // The 31st skips months that lack one.
    EXPECT_EQ(next_iso("0 0 31 * *", at(2026, 4, 1)), "2026-05-31T00:00Z");
    EXPECT_EQ(next_iso("0 0 31 * *", at(2026, 5, 31)), "2026-07-31T00:00Z");
    EXPECT_EQ(next_iso("0 0 30 * *", at(2026, 1, 30)), "2026-03-30T00:00Z");
    EXPECT_EQ(next_iso("59 23 31 12 *", at(2026, 1, 1)), "2026-12-31T23:59Z");
    // Rolling over the end of a month and of a year.
    EXPECT_EQ(next_iso("0 0 * * *", at(2026, 4, 30, 12)), "2026-05-01T00:00Z");
    EXPECT_EQ(next_iso("* * * * *", at(2026, 12, 31, 23, 59)), "2027-01-01T00:00Z");
}

TEST(CronTest, ImpossibleDatesGiveNullopt) {
    EXPECT_EQ(CronSchedule::parse("0 0 30 2 *").next_after(at(2026, 1, 1)), std::nullopt);
    EXPECT_EQ(CronSchedule::parse("0 0 31 4,6,9,11 *").next_after(at(2026, 1, 1)), std::nullopt);
    // ...unless day-of-week also allows a day (either-matches semantics).
    EXPECT_EQ(next_iso("0 0 30 2 MON", at(2026, 1, 1)), "2026-02-02T00:00Z");
}

TEST(CronTest, NextAfterIsStrictlyAfter) {
    const auto schedule = CronSchedule::parse("*/15 * * * *");
    const std::int64_t t = at(2026, 11, 28, 10, 15);
    ASSERT_TRUE(schedule.matches(t));
    EXPECT_EQ(schedule.next_after(t), at(2026, 11, 28, 10, 30));
    EXPECT_EQ(schedule.next_after(t - 1), t);
    EXPECT_EQ(CronSchedule::parse("* * * * *").next_after(t), t + 1);
    EXPECT_EQ(next_iso("0 0 1 1 *", at(2027, 1, 1)), "2028-01-01T00:00Z");
}

TEST(CronTest, NextAfterWithinTheSameHourAndDay) {
    EXPECT_EQ(next_iso("5,45 * * * *", at(2026, 5, 1, 10, 5)), "2026-05-01T10:45Z");
    EXPECT_EQ(next_iso("5,45 * * * *", at(2026, 5, 1, 10, 45)), "2026-05-01T11:05Z");
    EXPECT_EQ(next_iso("0 8,20 * * *", at(2026, 5, 1, 9)), "2026-05-01T20:00Z");
    EXPECT_EQ(next_iso("30 8 * * *", at(2026, 5, 1, 8, 29)), "2026-05-01T08:30Z");
}

TEST(CronTest, NextAfterAgreesWithBruteForce) {
    const std::vector<std::string> expressions{
        "*/15 * * * *",  "7 */5 * * *",         "0 0 13 * FRI",    "30 4 1,15 * 1-5", "0 22 * * 1-5",
        "0 0 */2 * FRI", "15 10 28 11 SAT",     "5-10/2 3 * JAN,JUL MON", "0 0 31 * *", "0 0 29 2 *",
    };
    for (const std::string& expression : expressions) {
        const auto schedule = CronSchedule::parse(expression);
        for (const std::int64_t from : {at(2026, 1, 1), at(2026, 2, 27, 23, 59), at(2027, 12, 31, 13, 7)}) {
            const auto found = matching(schedule, from + 1, 62 * 1440);
            const auto next = schedule.next_after(from);
            ASSERT_TRUE(next.has_value()) << expression;
            if (!found.empty()) {
                EXPECT_EQ(*next, found.front()) << expression << " after " << iso(from);
            } else {
                EXPECT_GT(*next, from + 62 * 1440) << expression;
            }
            EXPECT_TRUE(schedule.matches(*next)) << expression;
        }
    }
}

TEST(CronTest, EpochBoundsAndExtremes) {
    const auto schedule = CronSchedule::parse("0 0 * * *");
    // Before 1970: floor division must not put 1969-12-31 23:59 on 1970-01-01.
    EXPECT_FALSE(schedule.matches(-1));
    EXPECT_EQ(schedule.next_after(-1), 0);
    EXPECT_EQ(next_iso("0 0 * * *", at(1969, 12, 30, 5)), "1969-12-31T00:00Z");
    // No overflow at the ends of int64 (the sanitizers would object).
    constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
    constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
    (void)schedule.matches(kMax);
    (void)schedule.matches(kMin);
    EXPECT_EQ(schedule.next_after(kMax), std::nullopt);
    const auto from_min = schedule.next_after(kMin);
    ASSERT_TRUE(from_min.has_value());
    EXPECT_TRUE(schedule.matches(*from_min));
}

TEST(CronTest, WhitespaceBetweenFields) {
    EXPECT_EQ(next_iso("\t0  12\t*  *   *  ", at(2026, 5, 1)), "2026-05-01T12:00Z");
}

struct InvalidCase {
    const char* expression;
    const char* message;
};

TEST(CronTest, InvalidExpressions) {
    const std::vector<InvalidCase> cases{
        {"", "expression: is empty"},
        {"   ", "expression: is empty"},
        {"* * * *", "expression: expected 5 fields (minute hour day-of-month month day-of-week), got 4"},
        {"* * * * * *", "expression: expected 5 fields (minute hour day-of-month month day-of-week), got 6"},
        {"@reboot", "expression: unknown macro '@reboot'"},
        {"@daily *", "expression: macro '@daily' takes no fields"},
        {"60 * * * *", "minute: 60 is out of range 0-59"},
        {"* 24 * * *", "hour: 24 is out of range 0-23"},
        {"* * 0 * *", "day-of-month: 0 is out of range 1-31"},
        {"* * 32 * *", "day-of-month: 32 is out of range 1-31"},
        {"* * * 0 *", "month: 0 is out of range 1-12"},
        {"* * * 13 *", "month: 13 is out of range 1-12"},
        {"* * * * 8", "day-of-week: 8 is out of range 0-7"},
        {"99999999999999999999 * * * *", "minute: 99999999999999999999 is out of range 0-59"},
        {"*/0 * * * *", "minute: step 0 must be at least 1"},
        {"* 1-5/0 * * *", "hour: step 0 must be at least 1"},
        {"*/60 * * * *", "minute: step 60 is out of range 1-59"},
        {"*/ * * * *", "minute: missing step after '/'"},
        {"*/x * * * *", "minute: 'x' is not a valid step"},
        {"/5 * * * *", "minute: missing value before '/'"},
        {"1/2/3 * * * *", "minute: '1/2/3' has more than one '/'"},
        {"* 17-9 * * *", "hour: range 17-9 is reversed (start is after end)"},
        {"* * * * FRI-MON", "day-of-week: range FRI-MON is reversed (start is after end)"},
        {"-5 * * * *", "minute: range '-5' is missing a bound"},
        {"5- * * * *", "minute: range '5-' is missing a bound"},
        {"1-2-3 * * * *", "minute: '2-3' is not a valid number"},
        {"5a * * * *", "minute: '5a' is not a valid number"},
        {"+5 * * * *", "minute: '+5' is not a valid number"},
        {"0x5 * * * *", "minute: '0x5' is not a valid number"},
        {"? * * * *", "minute: '?' is not a valid number"},
        {"1,,2 * * * *", "minute: empty list element"},
        {"1, * * * *", "minute: empty list element"},
        {",1 * * * *", "minute: empty list element"},
        {"* * * JANUARY *", "month: 'JANUARY' is not a valid number or name"},
        {"* * * MON *", "month: 'MON' is not a valid number or name"},
        {"* * * * JAN", "day-of-week: 'JAN' is not a valid number or name"},
        {"MON * * * *", "minute: 'MON' is not a valid number"},
        {"* * L * *", "day-of-month: 'L' is not a valid number"},
        {"* * * * 1#2", "day-of-week: '1#2' is not a valid number or name"},
    };
    for (const InvalidCase& c : cases) {
        EXPECT_EQ(parse_error(c.expression), c.message) << "expression: \"" << c.expression << "\"";
        EXPECT_THROW((void)CronSchedule::parse(c.expression), std::invalid_argument) << c.expression;
    }
}

}  // namespace
}  // namespace tasklane::rules
