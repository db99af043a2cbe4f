#pragma once
// Service: who the users are (provided by the auth plugin). Lookups run on
// their own session; none of them sees another transaction's uncommitted rows.
#include "http.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace tasklane::sdk {

struct UserInfo {
    std::int64_t id = 0;
    std::string username;
    std::string email;
    std::string full_name;
    std::string role;  // "admin" | "member"
    bool active = false;

    // The identity services expect when acting for this user.
    Caller as_caller() const { return {id, username, role}; }
};

class TASKLANE_SDK_VISIBLE UserDirectory {
public:
    static constexpr const char* kServiceName = "users";
    virtual ~UserDirectory() = default;
    virtual std::optional<UserInfo> get(std::int64_t user_id) = 0;
    // By username or email, case-insensitively.
    virtual std::optional<UserInfo> find(const std::string& login) = 0;
};

}  // namespace tasklane::sdk
