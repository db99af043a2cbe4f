#pragma once
// The scalar notations a config file may use (integers, booleans, durations,
// byte sizes, ${ENV} references), their conversion to a schema type's JSON,
// and the edit distance behind "Did you mean".
// Private to core/src/config/.
#include <tasklane/sdk/config_schema.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tasklane::core::config_detail {

// The whole text must be the number: no surrounding spaces, no trailing unit.
std::optional<std::int64_t> parse_int64(std::string_view text);
// Finite values only; "inf" and "nan" are refused.
std::optional<double> parse_number(std::string_view text);
// true/false in any letter case. yaml-cpp's yes/no/on/off are refused on
// purpose: `country: no` must not silently become a boolean elsewhere.
std::optional<bool> parse_bool(std::string_view text);
// "250ms", "15s", "15m", "2h", "30d" or a bare non-negative integer of seconds.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);
// A bare non-negative integer of bytes, or one with B, KB, KiB, MB, MiB, GB, GiB.
std::optional<std::int64_t> parse_byte_size(std::string_view text);

struct Substitution {
    std::string value;
    std::vector<std::string> errors;  // one sentence each, without the key path
};
// Replaces ${NAME} and ${NAME:-fallback} from the process environment; the
// fallback applies when NAME is unset or empty. The result is not rescanned,
// so a value containing "${" cannot inject a further lookup.
Substitution substitute_env(std::string_view text);

std::size_t edit_distance(std::string_view a, std::string_view b);

// "an integer", "a duration such as ...": the schema type in an error message.
std::string expected_phrase(sdk::ConfigType type);
// Converts a scalar's text to the JSON of `key`'s scalar type (durations in
// milliseconds, sizes in bytes) and checks `allowed`; nullopt if it does not fit.
std::optional<nlohmann::json> convert_scalar(const sdk::ConfigKey& key, const std::string& text);
// The same for a schema default, which may also be a plain JSON number
// (seconds for a Duration, bytes for a ByteSize), bool or array of strings.
std::optional<nlohmann::json> convert_default(const sdk::ConfigKey& key);

}  // namespace tasklane::core::config_detail
