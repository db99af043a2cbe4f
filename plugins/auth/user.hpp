#pragma once
// The user entity and its JSON shape (DESIGN.md section 5).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace tasklane::auth {

enum class Role { Admin, Member };

struct User {
    std::int64_t id = 0;
    std::string email;
    std::string username;
    std::string full_name;
    std::string password_hash;
    std::string role = "member";  // "admin" | "member"
    bool is_active = true;
    std::int64_t created_at = 0;  // epoch milliseconds
    std::int64_t updated_at = 0;
};

// {id, email, username, full_name, role, is_active, created_at, updated_at};
// email only when show_email (admins and the user themself).
nlohmann::json to_json(const User& user, bool show_email);

std::string lower(const std::string& text);

}  // namespace tasklane::auth
