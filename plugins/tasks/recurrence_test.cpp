// Time parsing (task.hpp) and recurrence (recurrence.hpp): what a due date
// means and where completing a recurring task moves it.
#include "recurrence.hpp"
#include "task.hpp"

#include <gtest/gtest.h>

#include <tasklane/sdk/events.hpp>

#include <string>

namespace tasklane::tasks {
namespace {

constexpr std::int64_t kDay = 86400000;
constexpr std::int64_t kNov22At18 = 1795370400000;  // 2026-11-22T18:00:00Z, a Sunday

// A time the test states in ISO 8601; fails the test when it does not parse.
std::int64_t at(const std::string& text) {
    const auto ms = parse_timestamp(text);
    EXPECT_TRUE(ms.has_value()) << text;
    return ms.value_or(0);
}

std::string next(const std::string& rule, const std::string& due) {
    return sdk::iso8601_utc(next_occurrence(rule, at(due)));
}

// --- parse_timestamp -----------------------------------------------------------

TEST(ParseTimestamp, UtcWithZIsEpochMilliseconds) {
    EXPECT_EQ(parse_timestamp("2026-11-22T18:00:00Z"), kNov22At18);
    EXPECT_EQ(parse_timestamp("1970-01-01T00:00:00Z"), 0);
    EXPECT_EQ(parse_timestamp("2026-11-22t18:00:00z"), kNov22At18);
}

TEST(ParseTimestamp, OffsetsAreConvertedToUtc) {
    EXPECT_EQ(parse_timestamp("2026-11-22T19:00:00+01:00"), kNov22At18);
    EXPECT_EQ(parse_timestamp("2026-11-22T12:30:00-05:30"), kNov22At18);
    EXPECT_EQ(parse_timestamp("2026-11-22T18:00:00+00:00"), kNov22At18);
    // An offset that crosses midnight lands on the previous UTC day.
    EXPECT_EQ(parse_timestamp("2026-11-23T01:00:00+07:00"), kNov22At18);
}

TEST(ParseTimestamp, FractionsOfASecondAreMilliseconds) {
    EXPECT_EQ(parse_timestamp("2026-11-22T18:00:00.250Z"), kNov22At18 + 250);
    EXPECT_EQ(parse_timestamp("2026-11-22T18:00:00.5Z"), kNov22At18 + 500);
    EXPECT_EQ(parse_timestamp("2026-11-22T18:00:00.007Z"), kNov22At18 + 7);
    // Digits past the millisecond are truncated, not rounded into the next second.
    EXPECT_EQ(parse_timestamp("2026-11-22T18:00:00.999999Z"), kNov22At18 + 999);
    EXPECT_EQ(parse_timestamp("2026-11-22T19:00:00.250+01:00"), kNov22At18 + 250);
}

TEST(ParseTimestamp, ADateAloneIsMidnightUtc) {
    EXPECT_EQ(parse_timestamp("2026-11-22"), 1795305600000);
    EXPECT_EQ(parse_timestamp("2026-11-22"), parse_timestamp("2026-11-22T00:00:00Z"));
    EXPECT_EQ(*parse_timestamp("2026-11-23") - *parse_timestamp("2026-11-22"), kDay);
    EXPECT_EQ(*parse_timestamp("2027-01-01") - *parse_timestamp("2026-12-31"), kDay);
}

TEST(ParseTimestamp, LeapDaysExistOnlyInLeapYears) {
    EXPECT_EQ(parse_timestamp("2024-02-29"), 1709164800000);
    EXPECT_EQ(parse_timestamp("2000-02-29T12:00:00Z"), 951825600000);  // divisible by 400: leap
    EXPECT_EQ(*parse_timestamp("2024-03-01") - *parse_timestamp("2024-02-28"), 2 * kDay);
    EXPECT_EQ(parse_timestamp("2023-02-29"), std::nullopt);
    EXPECT_EQ(parse_timestamp("1900-02-29"), std::nullopt);  // divisible by 100 only: not leap
    EXPECT_EQ(parse_timestamp("2024-02-30"), std::nullopt);
}

TEST(ParseTimestamp, MalformedTextIsNullopt) {
    for (const std::string text :
         {"", "tomorrow", "2026", "2026-11", "2026-1-22", "26-11-22", "2026/11/22", "2026-11-22 ", " 2026-11-22",
          "2026-00-10", "2026-13-01", "2026-11-00", "2026-11-31", "2026-11-22X", "2026-11-22T",
          "2026-11-22T18:00Z", "2026-11-22T18:00:00", "2026-11-22 18:00:00Z", "2026-11-22T24:00:00Z",
          "2026-11-22T18:60:00Z", "2026-11-22T18:00:60Z", "2026-11-22T18:00:00.Z", "2026-11-22T18:00:00.250",
          "2026-11-22T18:00:00+01", "2026-11-22T18:00:00+0100", "2026-11-22T18:00:00+24:00",
          "2026-11-22T18:00:00+01:60", "2026-11-22T18:00:00ZZ", "2026-11-22T18:00:00Z ", "2026-11-22T18:00:00UTC",
          "2026-11-22T1a:00:00Z", "abcd-ef-ghT18:00:00Z"}) {
        EXPECT_EQ(parse_timestamp(text), std::nullopt) << "'" << text << "'";
    }
}

// --- next_occurrence -----------------------------------------------------------

TEST(NextOccurrence, DailyIsOneDayLaterAtTheSameTime) {
    EXPECT_EQ(next_occurrence("daily", kNov22At18), kNov22At18 + kDay);
    EXPECT_EQ(next("daily", "2026-12-31T23:30:00Z"), "2027-01-01T23:30:00Z");
    EXPECT_EQ(next("daily", "2024-02-28T08:00:00Z"), "2024-02-29T08:00:00Z");
    EXPECT_EQ(next("RRULE:FREQ=DAILY", "2026-11-22T18:00:00Z"), "2026-11-23T18:00:00Z");
}

TEST(NextOccurrence, DailyIntervalSkipsThatManyDays) {
    EXPECT_EQ(next("RRULE:FREQ=DAILY;INTERVAL=3", "2026-11-22T18:00:00Z"), "2026-11-25T18:00:00Z");
    EXPECT_EQ(next("RRULE:FREQ=DAILY;INTERVAL=10", "2026-12-25T09:00:00Z"), "2027-01-04T09:00:00Z");
}

TEST(NextOccurrence, WeeklyIsSevenDaysLater) {
    EXPECT_EQ(next_occurrence("weekly", kNov22At18), kNov22At18 + 7 * kDay);
    EXPECT_EQ(next("RRULE:FREQ=WEEKLY", "2026-12-29T10:00:00Z"), "2027-01-05T10:00:00Z");
    EXPECT_EQ(next("RRULE:FREQ=WEEKLY;INTERVAL=2", "2026-11-22T18:00:00Z"), "2026-12-06T18:00:00Z");
}

TEST(NextOccurrence, MonthlyKeepsTheDayOfMonth) {
    EXPECT_EQ(next("monthly", "2026-11-22T18:00:00Z"), "2026-12-22T18:00:00Z");
    EXPECT_EQ(next("monthly", "2026-12-15T07:45:00Z"), "2027-01-15T07:45:00Z");
    EXPECT_EQ(next("RRULE:FREQ=MONTHLY", "2026-03-31T00:00:00Z"), "2026-04-30T00:00:00Z");
}

TEST(NextOccurrence, MonthlyFromJanuary31ClampsToTheEndOfFebruary) {
    EXPECT_EQ(next("monthly", "2026-01-31T09:00:00Z"), "2026-02-28T09:00:00Z");
    EXPECT_EQ(next("monthly", "2024-01-31T09:00:00Z"), "2024-02-29T09:00:00Z");  // leap year
    EXPECT_EQ(next("monthly", "2100-01-31T09:00:00Z"), "2100-02-28T09:00:00Z");  // century, not leap
    EXPECT_EQ(next("monthly", "2000-01-30T09:00:00Z"), "2000-02-29T09:00:00Z");  // 400-year, leap
}

TEST(NextOccurrence, MonthlyIntervalCrossesYears) {
    EXPECT_EQ(next("RRULE:FREQ=MONTHLY;INTERVAL=3", "2026-11-30T12:00:00Z"), "2027-02-28T12:00:00Z");
    EXPECT_EQ(next("RRULE:FREQ=MONTHLY;INTERVAL=12", "2024-02-29T12:00:00Z"), "2025-02-28T12:00:00Z");
    EXPECT_EQ(next("RRULE:FREQ=MONTHLY;INTERVAL=2", "2026-12-10T12:00:00Z"), "2027-02-10T12:00:00Z");
}

TEST(NextOccurrence, ByDayMovesToTheNextListedWeekdayOfTheWeek) {
    // 2026-11-23 is a Monday.
    EXPECT_EQ(next("RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR", "2026-11-23T09:00:00Z"), "2026-11-25T09:00:00Z");
    EXPECT_EQ(next("RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR", "2026-11-25T09:00:00Z"), "2026-11-27T09:00:00Z");
    // The order of BYDAY does not matter.
    EXPECT_EQ(next("RRULE:FREQ=WEEKLY;BYDAY=FR,MO", "2026-11-24T09:00:00Z"), "2026-11-27T09:00:00Z");
    // A due date on an unlisted day moves to the next listed one.
    EXPECT_EQ(next("RRULE:FREQ=WEEKLY;BYDAY=TH", "2026-11-24T09:00:00Z"), "2026-11-26T09:00:00Z");
}

TEST(NextOccurrence, ByDayPastTheLastListedDayWrapsToTheNextWeek) {
    // Friday -> the following Monday.
    EXPECT_EQ(next("RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR", "2026-11-27T09:00:00Z"), "2026-11-30T09:00:00Z");
    // Sunday (the last day of the week) -> Monday.
    EXPECT_EQ(next("RRULE:FREQ=WEEKLY;BYDAY=MO", "2026-11-22T18:00:00Z"), "2026-11-23T18:00:00Z");
    // A single day: one week later.
    EXPECT_EQ(next("RRULE:FREQ=WEEKLY;BYDAY=WE", "2026-11-25T09:00:00Z"), "2026-12-02T09:00:00Z");
    // Across a year boundary: Thursday 2026-12-31 -> Tuesday 2027-01-05.
    EXPECT_EQ(next("RRULE:FREQ=WEEKLY;BYDAY=TU", "2026-12-31T09:00:00Z"), "2027-01-05T09:00:00Z");
}

TEST(NextOccurrence, ByDayWithIntervalSkipsWeeksOnlyWhenWrapping) {
    // Within the week the interval does not apply: Monday -> Friday.
    EXPECT_EQ(next("RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR", "2026-11-23T09:00:00Z"), "2026-11-27T09:00:00Z");
    // Past Friday: the Monday two weeks on.
    EXPECT_EQ(next("RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR", "2026-11-27T09:00:00Z"), "2026-12-07T09:00:00Z");
    EXPECT_EQ(next("RRULE:FREQ=WEEKLY;INTERVAL=3;BYDAY=WE", "2026-11-25T09:00:00Z"), "2026-12-16T09:00:00Z");
}

TEST(NextOccurrence, PartsMayComeInAnyOrder) {
    EXPECT_EQ(next("RRULE:INTERVAL=2;FREQ=DAILY", "2026-11-22T18:00:00Z"), "2026-11-24T18:00:00Z");
    EXPECT_EQ(next("RRULE:BYDAY=WE;FREQ=WEEKLY", "2026-11-23T09:00:00Z"), "2026-11-25T09:00:00Z");
}

// --- recurrence_problem ------------------------------------------------------

TEST(RecurrenceProblem, TheContractsRulesAreValid) {
    for (const std::string rule :
         {"daily", "weekly", "monthly", "RRULE:FREQ=DAILY", "RRULE:FREQ=WEEKLY", "RRULE:FREQ=MONTHLY",
          "RRULE:FREQ=DAILY;INTERVAL=1", "RRULE:FREQ=MONTHLY;INTERVAL=366",
          "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TU,WE,TH,FR,SA,SU"}) {
        EXPECT_EQ(recurrence_problem(rule), std::nullopt) << rule;
    }
}

TEST(RecurrenceProblem, AnUnknownWordNamesTheAcceptedForms) {
    for (const std::string rule : {"", "hourly", "yearly", "every day", "FREQ=DAILY", "rrule:FREQ=DAILY"}) {
        EXPECT_EQ(recurrence_problem(rule), "must be daily, weekly, monthly or RRULE:FREQ=...;INTERVAL=n;BYDAY=MO,...")
            << rule;
    }
}

TEST(RecurrenceProblem, ARuleWithoutFreqIsRefused) {
    EXPECT_EQ(recurrence_problem("RRULE:"), "RRULE needs FREQ=DAILY, WEEKLY or MONTHLY");
    EXPECT_EQ(recurrence_problem("RRULE:INTERVAL=2"), "RRULE needs FREQ=DAILY, WEEKLY or MONTHLY");
}

TEST(RecurrenceProblem, UnsupportedPartsAreNamed) {
    EXPECT_EQ(recurrence_problem("RRULE:FREQ=YEARLY"),
              "unsupported RRULE part 'FREQ=YEARLY' (supported: FREQ=DAILY|WEEKLY|MONTHLY, INTERVAL, BYDAY)");
    EXPECT_EQ(recurrence_problem("RRULE:FREQ=DAILY;COUNT=3"),
              "unsupported RRULE part 'COUNT=3' (supported: FREQ=DAILY|WEEKLY|MONTHLY, INTERVAL, BYDAY)");
    EXPECT_EQ(recurrence_problem("RRULE:FREQ=WEEKLY;UNTIL=20270101T000000Z"),
              "unsupported RRULE part 'UNTIL=20270101T000000Z' (supported: FREQ=DAILY|WEEKLY|MONTHLY, INTERVAL, "
              "BYDAY)");
}

TEST(RecurrenceProblem, IntervalMustBeAnIntegerFrom1To366) {
    for (const std::string interval : {"0", "-1", "367", "abc", "2x", "", "1.5"}) {
        EXPECT_EQ(recurrence_problem("RRULE:FREQ=DAILY;INTERVAL=" + interval),
                  "INTERVAL must be an integer from 1 to 366")
            << interval;
    }
}

TEST(RecurrenceProblem, ByDayTakesTwoLetterWeekdaysWithWeeklyOnly) {
    EXPECT_EQ(recurrence_problem("RRULE:FREQ=WEEKLY;BYDAY=XX"), "BYDAY takes MO, TU, WE, TH, FR, SA, SU");
    EXPECT_EQ(recurrence_problem("RRULE:FREQ=WEEKLY;BYDAY=mo"), "BYDAY takes MO, TU, WE, TH, FR, SA, SU");
    EXPECT_EQ(recurrence_problem("RRULE:FREQ=WEEKLY;BYDAY=MO,,TU"), "BYDAY takes MO, TU, WE, TH, FR, SA, SU");
    EXPECT_EQ(recurrence_problem("RRULE:FREQ=WEEKLY;BYDAY=1MO"), "BYDAY takes MO, TU, WE, TH, FR, SA, SU");
    EXPECT_EQ(recurrence_problem("RRULE:FREQ=DAILY;BYDAY=MO"), "BYDAY is supported with FREQ=WEEKLY only");
    EXPECT_EQ(recurrence_problem("RRULE:FREQ=MONTHLY;BYDAY=MO"), "BYDAY is supported with FREQ=WEEKLY only");
}

}  // namespace
}  // namespace tasklane::tasks
