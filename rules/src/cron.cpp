#include "cron.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace tasklane::rules {

namespace {

constexpr std::int64_t kMinutesPerDay = 24 * 60;
// "About five years": long enough for the next Feb 29 in any ordinary leap
// cycle, short enough that an impossible date ("0 0 30 2 *") gives up fast.
constexpr std::int64_t kSearchHorizonDays = 5 * 366;

// ---------------------------------------------------------------------------
// Calendar arithmetic (Howard Hinnant, "chrono-Compatible Low-Level Date
// Algorithms"). Proleptic Gregorian, day 0 = 1970-01-01. All in int64 so that
// any epoch minute converts without overflow.

struct CivilDate {
    std::int64_t year;
    int month;  // 1-12
    int day;    // 1-31
};

CivilDate civil_from_days(std::int64_t days) {
    const std::int64_t z = days + 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const std::int64_t doe = z - era * 146097;                                  // [0, 146096]
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);           // [0, 365]
    const std::int64_t mp = (5 * doy + 2) / 153;                                // [0, 11], March-based
    const auto day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    const auto month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    return {year, month, day};
}

bool is_leap_year(std::int64_t year) {
    return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

int last_day_of_month(std::int64_t year, int month) {
    constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap_year(year) ? 29 : kDays[static_cast<std::size_t>(month - 1)];
}

// 0 = Sunday. Day 0 (1970-01-01) was a Thursday.
int weekday_from_days(std::int64_t days) {
    return static_cast<int>((days % 7 + 11) % 7);
}

// Floor division into (day, minute of day); written with / and % rather than
// `day * 1440` so that extreme inputs cannot overflow.
struct DayAndMinute {
    std::int64_t day;
    int minute_of_day;
};

DayAndMinute split_epoch_minute(std::int64_t epoch_minute) {
    std::int64_t day = epoch_minute / kMinutesPerDay;
    std::int64_t rest = epoch_minute % kMinutesPerDay;
    if (rest < 0) {
        rest += kMinutesPerDay;
        --day;
    }
    return {day, static_cast<int>(rest)};
}

bool has_bit(std::uint64_t set, int value) {
    return ((set >> value) & 1U) != 0;
}

// ---------------------------------------------------------------------------
// Parsing.

struct FieldSpec {
    const char* name;
    int min;
    int max;       // largest value accepted in the text
    int open_max;  // where `*` and `a/n` stop; differs from max only for day-of-week
    const std::array<const char*, 13>* names;  // names[v] spells value v, or nullptr
};

constexpr std::array<const char*, 13> kMonthNames{nullptr, "JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                  "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<const char*, 13> kDayNames{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

// Day-of-week accepts 7 as a second Sunday, but `*` and `a/n` run only to 6
// (Saturday): stopping at 7 would make "1/2" mean Mon, Wed, Fri *and* Sun.
constexpr std::array<FieldSpec, 5> kFields{{
    {"minute", 0, 59, 59, nullptr},
    {"hour", 0, 23, 23, nullptr},
    {"day-of-month", 1, 31, 31, nullptr},
    {"month", 1, 12, 12, &kMonthNames},
    {"day-of-week", 0, 7, 6, &kDayNames},
}};

[[noreturn]] void fail(const FieldSpec& field, const std::string& problem) {
    throw std::invalid_argument(std::string(field.name) + ": " + problem);
}

[[noreturn]] void fail_expression(const std::string& problem) {
    throw std::invalid_argument("expression: " + problem);
}

std::string quoted(std::string_view text) {
    return "'" + std::string(text) + "'";
}

bool is_digits(std::string_view text) {
    if (text.empty()) {
        return false;
    }
    for (const char c : text) {
        if (c < '0' || c > '9') {
            return false;
        }
    }
    return true;
}

char to_upper_ascii(char c) {
    return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

std::optional<int> lookup_name(const FieldSpec& field, std::string_view text) {
    if (field.names == nullptr || text.size() != 3) {
        return std::nullopt;
    }
    for (std::size_t value = 0; value < field.names->size(); ++value) {
        const char* name = (*field.names)[value];
        if (name != nullptr && to_upper_ascii(text[0]) == name[0] && to_upper_ascii(text[1]) == name[1] &&
            to_upper_ascii(text[2]) == name[2]) {
            return static_cast<int>(value);
        }
    }
    return std::nullopt;
}

std::string out_of_range(std::string_view text, int low, int high) {
    return std::string(text) + " is out of range " + std::to_string(low) + "-" + std::to_string(high);
}

// A plain decimal number: digits only, so "5a", "+5", " 5" and "0x5" are
// rejected rather than half-read. Too large for int reads as int max, which
// every caller's range check then rejects.
int parse_digits(const FieldSpec& field, std::string_view text, const char* what) {
    if (!is_digits(text)) {
        fail(field, quoted(text) + " is not a valid " + what);
    }
    int value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size()) {
        return std::numeric_limits<int>::max();
    }
    return value;
}

int parse_value(const FieldSpec& field, std::string_view text) {
    if (const auto named = lookup_name(field, text)) {
        return *named;
    }
    const int value = parse_digits(field, text, field.names != nullptr ? "number or name" : "number");
    if (value < field.min || value > field.max) {
        fail(field, out_of_range(text, field.min, field.max));
    }
    return value;
}

struct Range {
    int first;
    int last;
};

// The part of a list element before any '/': `*`, `a`, or `a-b`.
Range parse_range(const FieldSpec& field, std::string_view text, bool has_step) {
    if (text.empty()) {
        fail(field, "missing value before '/'");
    }
    if (text == "*") {
        return {field.min, field.open_max};
    }
    const std::size_t dash = text.find('-');
    if (dash == 0 || dash == text.size() - 1) {
        fail(field, "range " + quoted(text) + " is missing a bound");
    }
    if (dash == std::string_view::npos) {
        const int value = parse_value(field, text);
        // `a/n` means "from a to the end", a bare `a` just a.
        return {value, has_step ? std::max(value, field.open_max) : value};
    }
    const int first = parse_value(field, text.substr(0, dash));
    const int last = parse_value(field, text.substr(dash + 1));
    if (first > last) {
        fail(field, "range " + std::string(text) + " is reversed (start is after end)");
    }
    return {first, last};
}

int parse_step(const FieldSpec& field, std::string_view text) {
    if (text.empty()) {
        fail(field, "missing step after '/'");
    }
    const int step = parse_digits(field, text, "step");
    if (step == 0) {
        fail(field, "step " + std::string(text) + " must be at least 1");
    }
    // A step longer than the field can never repeat, which is almost surely a typo.
    if (step > field.max) {
        fail(field, "step " + out_of_range(text, 1, field.max));
    }
    return step;
}

std::uint64_t parse_element(const FieldSpec& field, std::string_view element) {
    if (element.empty()) {
        fail(field, "empty list element");
    }
    const std::size_t slash = element.find('/');
    const bool has_step = slash != std::string_view::npos;
    if (has_step && element.find('/', slash + 1) != std::string_view::npos) {
        fail(field, quoted(element) + " has more than one '/'");
    }
    const Range range = parse_range(field, element.substr(0, slash), has_step);
    const int step = has_step ? parse_step(field, element.substr(slash + 1)) : 1;
    std::uint64_t bits = 0;
    for (int value = range.first; value <= range.last; value += step) {
        bits |= std::uint64_t{1} << value;
    }
    return bits;
}

std::uint64_t parse_field(const FieldSpec& field, std::string_view text) {
    std::uint64_t bits = 0;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = text.find(',', start);
        bits |= parse_element(field, text.substr(start, comma == std::string_view::npos ? text.npos : comma - start));
        if (comma == std::string_view::npos) {
            return bits;
        }
        start = comma + 1;
    }
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

std::vector<std::string_view> split_whitespace(std::string_view text) {
    std::vector<std::string_view> words;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && is_space(text[i])) {
            ++i;
        }
        const std::size_t start = i;
        while (i < text.size() && !is_space(text[i])) {
            ++i;
        }
        if (i > start) {
            words.push_back(text.substr(start, i - start));
        }
    }
    return words;
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (to_upper_ascii(a[i]) != to_upper_ascii(b[i])) {
            return false;
        }
    }
    return true;
}

std::string_view expand_macro(std::string_view macro) {
    struct Macro {
        std::string_view name;
        std::string_view fields;
    };
    constexpr std::array<Macro, 7> kMacros{{
        {"@hourly", "0 * * * *"},
        {"@daily", "0 0 * * *"},
        {"@midnight", "0 0 * * *"},
        {"@weekly", "0 0 * * 0"},
        {"@monthly", "0 0 1 * *"},
        {"@yearly", "0 0 1 1 *"},
        {"@annually", "0 0 1 1 *"},
    }};
    for (const Macro& candidate : kMacros) {
        if (equals_ignore_case(macro, candidate.name)) {
            return candidate.fields;
        }
    }
    // @reboot and friends have no meaning for a rule engine that ticks.
    fail_expression("unknown macro " + quoted(macro));
}

std::vector<std::string_view> fields_of(std::string_view expression) {
    std::vector<std::string_view> words = split_whitespace(expression);
    if (words.empty()) {
        fail_expression("is empty");
    }
    if (words.front().starts_with('@')) {
        if (words.size() != 1) {
            fail_expression("macro " + quoted(words.front()) + " takes no fields");
        }
        words = split_whitespace(expand_macro(words.front()));
    }
    if (words.size() != kFields.size()) {
        fail_expression("expected 5 fields (minute hour day-of-month month day-of-week), got " +
                        std::to_string(words.size()));
    }
    return words;
}

}  // namespace

CronSchedule CronSchedule::parse(const std::string& expression) {
    const std::vector<std::string_view> fields = fields_of(expression);
    CronSchedule schedule;
    schedule.text_ = expression;
    schedule.minutes_ = parse_field(kFields[0], fields[0]);
    schedule.hours_ = parse_field(kFields[1], fields[1]);
    schedule.days_of_month_ = parse_field(kFields[2], fields[2]);
    schedule.months_ = parse_field(kFields[3], fields[3]);
    const std::uint64_t days_of_week = parse_field(kFields[4], fields[4]);
    // Fold 7 (the second Sunday) onto 0 so lookups need only 0-6.
    schedule.days_of_week_ = (days_of_week | (days_of_week >> 7)) & 0x7FU;
    // Vixie cron's rule: a field "is *" when it starts with '*', so "*/2" in
    // day-of-month still ANDs with day-of-week rather than ORing.
    schedule.day_of_month_restricted_ = !fields[2].starts_with('*');
    schedule.day_of_week_restricted_ = !fields[4].starts_with('*');
    return schedule;
}

bool CronSchedule::day_matches(int month, int day_of_month, int weekday) const {
    if (!has_bit(months_, month)) {
        return false;
    }
    const bool by_month_day = has_bit(days_of_month_, day_of_month);
    const bool by_weekday = has_bit(days_of_week_, weekday);
    if (day_of_month_restricted_ && day_of_week_restricted_) {
        return by_month_day || by_weekday;
    }
    // At most one is restricted; the other is all-ones, so AND picks the restricted one.
    return by_month_day && by_weekday;
}

std::optional<int> CronSchedule::first_time_from(int from_minute_of_day) const {
    const int from_hour = from_minute_of_day / 60;
    for (int hour = from_hour; hour < 24; ++hour) {
        if (!has_bit(hours_, hour)) {
            continue;
        }
        const int from_minute = hour == from_hour ? from_minute_of_day % 60 : 0;
        const std::uint64_t candidates = minutes_ & (~std::uint64_t{0} << from_minute);
        if (candidates != 0) {
            return hour * 60 + std::countr_zero(candidates);
        }
    }
    return std::nullopt;
}

bool CronSchedule::matches(std::int64_t epoch_minute) const {
    const auto [day, minute_of_day] = split_epoch_minute(epoch_minute);
    const CivilDate date = civil_from_days(day);
    return day_matches(date.month, date.day, weekday_from_days(day)) && has_bit(hours_, minute_of_day / 60) &&
           has_bit(minutes_, minute_of_day % 60);
}

std::optional<std::int64_t> CronSchedule::next_after(std::int64_t after_epoch_minute) const {
    constexpr std::int64_t kHorizonMinutes = (kSearchHorizonDays + 1) * kMinutesPerDay;
    // Nothing can be returned past int64 max; this also keeps the sums below from overflowing.
    if (after_epoch_minute > std::numeric_limits<std::int64_t>::max() - kHorizonMinutes) {
        return std::nullopt;
    }
    const std::int64_t start = after_epoch_minute + 1;
    const auto [start_day, start_minute_of_day] = split_epoch_minute(start);
    // Walk whole days, skipping whole months that cannot match, and only look
    // at hours and minutes (with bit tricks) on a day that does match.
    std::int64_t day = start_day;
    int from_minute_of_day = start_minute_of_day;
    while (day - start_day <= kSearchHorizonDays) {
        const CivilDate date = civil_from_days(day);
        if (!has_bit(months_, date.month)) {
            day += last_day_of_month(date.year, date.month) - date.day + 1;
            from_minute_of_day = 0;
            continue;
        }
        if (day_matches(date.month, date.day, weekday_from_days(day))) {
            if (const auto time = first_time_from(from_minute_of_day)) {
                // Offset from `start` rather than day * 1440, which could overflow near int64 min.
                return start + (day - start_day) * kMinutesPerDay + (*time - start_minute_of_day);
            }
        }
        ++day;
        from_minute_of_day = 0;
    }
    return std::nullopt;
}

}  // namespace tasklane::rules
