#pragma once
// Field rules of DESIGN.md section 5 for registration and profile updates.
// Each check appends a FieldError; callers report them all at once (422).
#include <tasklane/sdk/errors.hpp>
#include <tasklane/sdk/text.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace tasklane::auth {

using Problems = std::vector<sdk::FieldError>;

// Reads an optional string field; a present non-string is a problem.
std::optional<std::string> string_field(const nlohmann::json& body, const std::string& name, Problems& problems);

void check_email(const std::string& email, Problems& problems);
void check_username(const std::string& username, Problems& problems);  // 3-32 of [A-Za-z0-9_.-]
void check_password(const std::string& password, Problems& problems, const std::string& field = "password");  // 8-128 characters
void check_full_name(const std::string& full_name, Problems& problems);  // at most 200 characters

using sdk::utf8_length;

}  // namespace tasklane::auth
