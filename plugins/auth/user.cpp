#include "user.hpp"

#include <tasklane/sdk/events.hpp>

namespace tasklane::auth {

std::string lower(const std::string& text) {
    std::string out = text;
    for (auto& c : out) {
        c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    return out;
}

nlohmann::json to_json(const User& user, bool show_email) {
    nlohmann::json j = {{"id", user.id},
                        {"username", user.username},
                        {"full_name", user.full_name},
                        {"role", user.role},
                        {"is_active", user.is_active},
                        {"created_at", sdk::iso8601_utc(user.created_at)},
                        {"updated_at", sdk::iso8601_utc(user.updated_at)}};
    if (show_email) {
        j["email"] = user.email;
    }
    return j;
}

}  // namespace tasklane::auth
