#include "validation.hpp"

namespace tasklane::auth {

std::optional<std::string> string_field(const nlohmann::json& body, const std::string& name, Problems& problems) {
    if (!body.contains(name) || body[name].is_null()) {
        return std::nullopt;
    }
    if (!body[name].is_string()) {
        problems.push_back({name, "must be a string"});
        return std::nullopt;
    }
    return body[name].get<std::string>();
}

void check_email(const std::string& email, Problems& problems) {
    const auto at = email.find('@');
    const bool shaped = at != std::string::npos && at > 0 && email.find('@', at + 1) == std::string::npos &&
                        email.find('.', at + 2) != std::string::npos && email.back() != '.' &&
                        email.find_first_of(" \t\r\n<>,;\"") == std::string::npos;
    if (!shaped || email.size() > 254) {
        problems.push_back({"email", "must be a valid email address"});
    }
}

void check_username(const std::string& username, Problems& problems) {
    bool allowed = username.size() >= 3 && username.size() <= 32;
    for (char c : username) {
        allowed = allowed && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                              c == '.' || c == '-');
    }
    if (!allowed) {
        problems.push_back({"username", "must be 3 to 32 characters of letters, digits, '_', '.' or '-'"});
    }
}

void check_password(const std::string& password, Problems& problems, const std::string& field) {
    const auto n = utf8_length(password);
    if (n < 8 || n > 128) {
        problems.push_back({field, "must be 8 to 128 characters"});
    }
}

void check_full_name(const std::string& full_name, Problems& problems) {
    if (utf8_length(full_name) > 200) {
        problems.push_back({"full_name", "must be at most 200 characters"});
    }
}

}  // namespace tasklane::auth
