#pragma once
// The notification entity, its JSON form and the email preferences: plain
// values, no SQL and no HTTP.
#include <tasklane/sdk/errors.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace tasklane::notifications {

// Epoch milliseconds, injectable so time rules can be tested.
using Clock = std::function<std::int64_t()>;
std::int64_t system_now_ms();

struct Notification {
    std::int64_t id = 0;
    std::int64_t user_id = 0;
    std::string type;
    std::string title;
    std::string body;
    nlohmann::json data = nlohmann::json::object();
    std::optional<std::string> source_key;  // idempotency key, see the migration
    std::int64_t created_at = 0;
    std::optional<std::int64_t> read_at;
    std::optional<std::int64_t> emailed_at;
};

// {id, type, title, body, data, read, read_at, created_at}
nlohmann::json to_json(const Notification& n);

// The notification types a user can switch email on or off for. Notifier
// types outside this list (a plugin's own) follow the "message" preference.
struct EmailDefaults {
    static const std::map<std::string, bool>& all();
};

// The preference key that decides whether a notification of `type` is mailed.
std::string preference_key(const std::string& type);

// Validates a PUT /preferences body ({"email": {type: bool}}, a subset) and
// returns the changes; ApiError 422 listing every bad field otherwise.
std::map<std::string, bool> parse_preferences_update(const nlohmann::json& body);

// {"email": {type: bool}} for every known type, defaults filled in.
nlohmann::json preferences_json(const std::map<std::string, bool>& stored);

}  // namespace tasklane::notifications
