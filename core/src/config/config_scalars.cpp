#include "config_scalars.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <numeric>

namespace tasklane::core::config_detail {

using nlohmann::json;
using sdk::ConfigKey;
using sdk::ConfigType;

namespace {

struct Unit {
    std::string_view suffix;
    std::int64_t factor;
};

// Splits "<digits><suffix>" and scales by the suffix's factor; the bare
// number takes `bare_factor`. Refuses signs, fractions and overflow.
std::optional<std::int64_t> parse_scaled(std::string_view text, std::int64_t bare_factor, const Unit* units,
                                         std::size_t unit_count) {
    const auto digits_end =
        std::find_if(text.begin(), text.end(), [](char c) { return !std::isdigit(static_cast<unsigned char>(c)); });
    const std::string_view digits = text.substr(0, static_cast<std::size_t>(digits_end - text.begin()));
    const std::string_view suffix = text.substr(digits.size());
    if (digits.empty()) {
        return std::nullopt;
    }
    std::int64_t factor = 0;
    if (suffix.empty()) {
        factor = bare_factor;
    } else {
        for (std::size_t i = 0; i < unit_count; ++i) {
            if (units[i].suffix == suffix) {
                factor = units[i].factor;
            }
        }
        if (factor == 0) {
            return std::nullopt;
        }
    }
    const auto number = parse_int64(digits);
    if (!number || *number > std::numeric_limits<std::int64_t>::max() / factor) {
        return std::nullopt;
    }
    return *number * factor;
}

bool is_name_start(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}

bool is_valid_env_name(std::string_view name) {
    return !name.empty() && is_name_start(name.front()) && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    });
}

}  // namespace

std::optional<std::int64_t> parse_int64(std::string_view text) {
    if (!text.empty() && text.front() == '+') {
        text.remove_prefix(1);
        if (!text.empty() && text.front() == '-') {
            return std::nullopt;
        }
    }
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

std::optional<double> parse_number(std::string_view text) {
    if (!text.empty() && text.front() == '+') {
        text.remove_prefix(1);
    }
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

std::optional<bool> parse_bool(std::string_view text) {
    auto equals_ignoring_case = [text](std::string_view word) {
        return text.size() == word.size() && std::equal(text.begin(), text.end(), word.begin(), [](char a, char b) {
                   return std::tolower(static_cast<unsigned char>(a)) == b;
               });
    };
    if (equals_ignoring_case("true")) {
        return true;
    }
    if (equals_ignoring_case("false")) {
        return false;
    }
    return std::nullopt;
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
    static constexpr std::array<Unit, 5> units{{
        {"ms", 1},
        {"s", 1000},
        {"m", 60 * 1000},
        {"h", 60 * 60 * 1000},
        {"d", 24 * 60 * 60 * 1000},
    }};
    const auto ms = parse_scaled(text, 1000, units.data(), units.size());
    if (!ms) {
        return std::nullopt;
    }
    return std::chrono::milliseconds{*ms};
}

std::optional<std::int64_t> parse_byte_size(std::string_view text) {
    static constexpr std::array<Unit, 7> units{{
        {"B", 1},
        {"KB", 1000},
        {"KiB", 1024},
        {"MB", 1000 * 1000},
        {"MiB", 1024 * 1024},
        {"GB", 1000 * 1000 * 1000},
        {"GiB", 1024 * 1024 * 1024},
    }};
    return parse_scaled(text, 1, units.data(), units.size());
}

Substitution substitute_env(std::string_view text) {
    Substitution out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t open = text.find("${", pos);
        if (open == std::string_view::npos) {
            break;
        }
        out.value.append(text.substr(pos, open - pos));
        const std::size_t close = text.find('}', open + 2);
        if (close == std::string_view::npos) {
            out.errors.push_back("'${' is not closed by '}' (write ${NAME} or ${NAME:-fallback})");
            out.value.append(text.substr(open));
            return out;
        }
        const std::string_view inside = text.substr(open + 2, close - open - 2);
        const std::size_t separator = inside.find(":-");
        const std::string_view name = inside.substr(0, separator);
        if (!is_valid_env_name(name)) {
            out.errors.push_back("'${" + std::string(inside) +
                                 "}' is not a valid environment variable reference (write ${NAME} or "
                                 "${NAME:-fallback})");
        } else {
            const char* env = std::getenv(std::string(name).c_str());
            if (env != nullptr && *env != '\0') {
                out.value.append(env);
            } else if (separator != std::string_view::npos) {
                out.value.append(inside.substr(separator + 2));
            } else if (env != nullptr) {
                out.value.append(env);  // set but empty, and no fallback: the empty value is what was asked for
            } else {
                out.errors.push_back("environment variable " + std::string(name) + " is not set");
            }
        }
        pos = close + 1;
    }
    out.value.append(text.substr(std::min(pos, text.size())));
    return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    std::iota(row.begin(), row.end(), std::size_t{0});
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::string expected_phrase(ConfigType type) {
    switch (type) {
        case ConfigType::String:
            return "a string";
        case ConfigType::Integer:
            return "an integer";
        case ConfigType::Number:
            return "a number";
        case ConfigType::Boolean:
            return "a boolean (true or false)";
        case ConfigType::Duration:
            return "a duration such as 250ms, 15s, 15m, 2h, 30d or a whole number of seconds";
        case ConfigType::ByteSize:
            return "a byte size such as 512, 64KiB, 1MiB or 2GB";
        case ConfigType::StringList:
            return "a list of strings";
        case ConfigType::Section:
            return "a mapping of keys";
        case ConfigType::Map:
            return "a mapping of names to values";
    }
    return "a valid value";
}

// The schema's notation of a scalar, shared by file values and schema defaults.
std::optional<json> convert_scalar(const ConfigKey& key, const std::string& text) {
    switch (key.type) {
        case ConfigType::String:
            if (!key.allowed.empty() && std::find(key.allowed.begin(), key.allowed.end(), text) == key.allowed.end()) {
                return std::nullopt;
            }
            return json(text);
        case ConfigType::Integer:
            if (const auto value = parse_int64(text)) {
                return json(*value);
            }
            return std::nullopt;
        case ConfigType::Number:
            if (const auto value = parse_number(text)) {
                return json(*value);
            }
            return std::nullopt;
        case ConfigType::Boolean:
            if (const auto value = parse_bool(text)) {
                return json(*value);
            }
            return std::nullopt;
        case ConfigType::Duration:
            if (const auto value = parse_duration(text)) {
                return json(static_cast<std::int64_t>(value->count()));
            }
            return std::nullopt;
        case ConfigType::ByteSize:
            if (const auto value = parse_byte_size(text)) {
                return json(*value);
            }
            return std::nullopt;
        case ConfigType::StringList:
        case ConfigType::Section:
        case ConfigType::Map:
            return std::nullopt;
    }
    return std::nullopt;
}

std::optional<json> convert_default(const ConfigKey& key) {
    const json& value = key.default_value;
    if (value.is_string()) {
        return convert_scalar(key, value.get<std::string>());
    }
    switch (key.type) {
        case ConfigType::Integer:
            return value.is_number_integer() ? std::optional<json>(value) : std::nullopt;
        case ConfigType::Number:
            return value.is_number() ? std::optional<json>(value.get<double>()) : std::nullopt;
        case ConfigType::Boolean:
            return value.is_boolean() ? std::optional<json>(value) : std::nullopt;
        case ConfigType::Duration:
        case ConfigType::ByteSize:
            // A plain number means seconds or bytes, exactly as in the file.
            return value.is_number_integer() ? convert_scalar(key, value.dump()) : std::nullopt;
        case ConfigType::StringList:
            if (value.is_array() &&
                std::all_of(value.begin(), value.end(), [](const json& item) { return item.is_string(); })) {
                return value;
            }
            return std::nullopt;
        case ConfigType::String:
        case ConfigType::Section:
        case ConfigType::Map:
            return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace tasklane::core::config_detail
