#pragma once
// The rules of accounts and sessions: registration, login with throttling,
// refresh-token rotation with reuse detection, logout, profiles, roles,
// (de)activation, and resolving a bearer token to a caller. No HTTP here;
// failures are sdk::ApiError values the routes pass through.
#include "jwt_codec.hpp"
#include "login_throttle.hpp"
#include "password_hasher.hpp"
#include "user_store.hpp"

#include <tasklane/sdk/database.hpp>
#include <tasklane/sdk/http.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

namespace tasklane::auth {

struct AuthSettings {
    std::chrono::seconds access_ttl{15 * 60};
    std::chrono::seconds refresh_ttl{30 * 24 * 3600};
    // How long a rotated refresh token may still be exchanged, for a client
    // whose answer to the rotation was lost (a page reloaded mid-refresh).
    std::chrono::milliseconds refresh_reuse_grace{10 * 1000};
    bool allow_registration = true;
    int max_failures_per_address = 20;
    int max_failures_per_account = 5;
    std::chrono::milliseconds failure_window{15 * 60 * 1000};
};

struct TokenPair {
    std::string access_token;
    std::string refresh_token;
    std::int64_t expires_in = 0;  // seconds
};

struct NewUser {
    std::string email;
    std::string username;
    std::string password;
    std::string full_name;
    std::string role = "member";
};

struct ProfileChange {
    std::optional<std::string> full_name;
    std::optional<std::string> email;
    std::optional<std::string> password;
    std::optional<std::string> current_password;
};

using Clock = std::function<std::int64_t()>;  // epoch milliseconds

class AuthService {
public:
    AuthService(sdk::Database& database, PasswordHasher& hasher, JwtCodec& codec, AuthSettings settings, Clock clock);

    // Validates, hashes, stores and publishes user.registered in one transaction.
    User register_user(const NewUser& input, const sdk::Actor& actor);
    // The open endpoint: members only, and 403 when auth.allow_registration is false.
    User register_member(NewUser input);
    TokenPair login(const std::string& login, const std::string& password, const std::string& client_address);
    TokenPair refresh(const std::string& refresh_token);
    // Revokes the refresh token's family (if given and the caller's) and the access token's jti.
    void logout(const sdk::Caller& caller, const std::string& access_token, const std::optional<std::string>& refresh_token);

    User get(std::int64_t id);
    User update_profile(std::int64_t id, const ProfileChange& change);
    UserPage list(const std::string& query, int page, int per_page);
    User set_role(const sdk::Caller& admin, std::int64_t id, const std::string& role);
    User set_active(const sdk::Caller& admin, std::int64_t id, bool active);

    // Bearer token -> caller; throws ApiError 401 for any invalid, expired or
    // revoked token, or a user who is gone or inactive.
    sdk::Caller authenticate(const std::string& access_token);

    // Creates the configured bootstrap administrator unless that username exists.
    bool ensure_admin(const NewUser& input);

private:
    TokenPair issue_tokens(soci::session& sql, const User& user, const std::string& family_id);
    void refuse_last_admin_change(soci::session& sql, const User& target);

    sdk::Database& database_;
    PasswordHasher& hasher_;
    JwtCodec& codec_;
    AuthSettings settings_;
    Clock clock_;
    UserStore store_;  // after database_: built from its dialect
    LoginThrottle by_address_;
    LoginThrottle by_account_;
};

}  // namespace tasklane::auth
