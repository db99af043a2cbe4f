#include "auth_service.hpp"

#include "secrets.hpp"
#include "validation.hpp"

namespace tasklane::auth {

namespace {

// One message for unknown user and wrong password: no existence leak.
const char* const kBadCredentials = "invalid username or password";

sdk::ApiError unauthorized(const std::string& message) { return sdk::ApiError(401, "unauthorized", message); }

sdk::ApiError too_many(std::int64_t retry_after_s) {
    return sdk::ApiError(429, "too_many_attempts",
                         "too many failed logins; retry in " + std::to_string(retry_after_s) + " s")
        .with_header("Retry-After", std::to_string(retry_after_s));
}

}  // namespace

AuthService::AuthService(sdk::Database& database, PasswordHasher& hasher, JwtCodec& codec, AuthSettings settings,
                         Clock clock)
    : database_(database),
      hasher_(hasher),
      codec_(codec),
      settings_(settings),
      clock_(std::move(clock)),
      store_(database),
      by_address_(settings.max_failures_per_address, settings.failure_window),
      by_account_(settings.max_failures_per_account, settings.failure_window) {}

User AuthService::register_user(const NewUser& input, const sdk::Actor& actor) {
    Problems problems;
    check_email(input.email, problems);
    check_username(input.username, problems);
    check_password(input.password, problems);
    check_full_name(input.full_name, problems);
    if (input.role != "admin" && input.role != "member") {
        problems.push_back({"role", "must be admin or member"});
    }
    if (!problems.empty()) {
        throw sdk::ApiError::validation(problems);
    }
    User user;
    user.email = input.email;
    user.username = input.username;
    user.full_name = input.full_name;
    user.role = input.role;
    user.created_at = user.updated_at = clock_();
    // Hash before the transaction: it takes ~100 ms and needs no lock.
    user.password_hash = hasher_.hash(input.password);
    auto tx = database_.begin();
    try {
        store_.insert(tx->sql(), user);
    } catch (const DuplicateUser& e) {
        throw sdk::ApiError(409, e.field() + "_taken", "that " + e.field() + " is already registered",
                            {{e.field(), "already registered"}});
    }
    tx->publish("user.registered", actor, {{"user", to_json(user, false)}});
    tx->commit();
    return user;
}

User AuthService::register_member(NewUser input) {
    if (!settings_.allow_registration) {
        throw sdk::ApiError(403, "registration_closed", "registration is closed; ask an administrator for an account");
    }
    input.role = "member";
    return register_user(input, sdk::Actor::system());
}

TokenPair AuthService::login(const std::string& login, const std::string& password,
                             const std::string& client_address) {
    const auto now = clock_();
    const std::string address_key = "ip:" + client_address;
    if (auto wait = by_address_.retry_after(address_key, now)) {
        throw too_many(*wait);
    }
    std::optional<User> user;
    {
        auto session = database_.session();
        user = store_.find_by_login(session->sql(), login);
    }
    // One budget per account, whether it is named by username or by email.
    const std::string account_key = user ? "user:" + std::to_string(user->id) : "name:" + lower(login);
    if (auto wait = by_account_.retry_after(account_key, now)) {
        throw too_many(*wait);
    }
    // Same cost whether or not the user exists: timing reveals nothing.
    const bool password_ok = user ? hasher_.verify(user->password_hash, password) : (hasher_.verify_dummy(password), false);
    if (!password_ok) {
        by_address_.record_failure(address_key, now);
        by_account_.record_failure(account_key, now);
        throw unauthorized(kBadCredentials);
    }
    by_account_.reset(account_key);
    if (!user->is_active) {
        throw sdk::ApiError(403, "inactive", "this account is deactivated");
    }
    auto tx = database_.begin();
    if (hasher_.needs_rehash(user->password_hash)) {
        user->password_hash = hasher_.hash(password);
        user->updated_at = now;
        store_.update(tx->sql(), *user);
    }
    auto tokens = issue_tokens(tx->sql(), *user, secrets::random_token(16));
    tx->commit();
    return tokens;
}

TokenPair AuthService::refresh(const std::string& refresh_token) {
    const auto now = clock_();
    auto tx = database_.begin();
    auto& sql = tx->sql();
    const auto token = store_.find_refresh_token(sql, secrets::sha256_hex(refresh_token));
    if (!token || token->revoked || token->expires_at <= now) {
        throw unauthorized("refresh token is invalid or expired");
    }
    // Within the grace a rotated token gets another pair in its family (the
    // client lost the answer); the successors it was given stay valid too.
    const bool lost_answer = token->rotated && now - token->rotated_at <= settings_.refresh_reuse_grace.count();
    if (!lost_answer && (token->rotated || !store_.mark_rotated(sql, token->id, now))) {
        // A rotated token presented again means it was copied: end the whole session family.
        store_.revoke_family(sql, token->family_id, now);
        tx->commit();
        throw unauthorized("refresh token was already used; the session has been revoked");
    }
    const auto user = store_.find_by_id(sql, token->user_id);
    if (!user || !user->is_active) {
        throw unauthorized("refresh token is invalid or expired");
    }
    auto tokens = issue_tokens(sql, *user, token->family_id);
    tx->commit();
    return tokens;
}

void AuthService::logout(const sdk::Caller& caller, const std::string& access_token,
                         const std::optional<std::string>& refresh_token) {
    const auto now = clock_();
    const auto claims = codec_.decode(access_token, now / 1000);
    auto tx = database_.begin();
    store_.revoke_access_token(tx->sql(), claims.jti, claims.expires_at);
    if (refresh_token) {
        const auto token = store_.find_refresh_token(tx->sql(), secrets::sha256_hex(*refresh_token));
        // Someone else's refresh token is silently ignored: no existence leak.
        if (token && token->user_id == caller.user_id) {
            store_.revoke_family(tx->sql(), token->family_id, now);
        }
    }
    store_.purge_expired(tx->sql(), now);
    tx->commit();
}

User AuthService::get(std::int64_t id) {
    auto session = database_.session();
    auto user = store_.find_by_id(session->sql(), id);
    if (!user) {
        throw sdk::ApiError::not_found("user not found");
    }
    return *user;
}

User AuthService::update_profile(std::int64_t id, const ProfileChange& change) {
    Problems problems;
    if (change.full_name) {
        check_full_name(*change.full_name, problems);
    }
    if (change.email) {
        check_email(*change.email, problems);
    }
    if (change.password) {
        check_password(*change.password, problems);
        if (!change.current_password) {
            problems.push_back({"current_password", "required to change the password"});
        }
    }
    if (!problems.empty()) {
        throw sdk::ApiError::validation(problems);
    }
    User user = get(id);
    if (change.password) {
        if (!hasher_.verify(user.password_hash, *change.current_password)) {
            throw sdk::ApiError::validation({{"current_password", "is not correct"}}, "current password is not correct");
        }
        user.password_hash = hasher_.hash(*change.password);
    }
    if (change.full_name) {
        user.full_name = *change.full_name;
    }
    if (change.email) {
        user.email = *change.email;
    }
    user.updated_at = clock_();
    auto tx = database_.begin();
    try {
        store_.update(tx->sql(), user);
    } catch (const DuplicateUser&) {
        throw sdk::ApiError(409, "email_taken", "that email is already registered", {{"email", "already registered"}});
    }
    if (change.password) {
        // A new password ends every other session.
        store_.revoke_user_tokens(tx->sql(), user.id, user.updated_at);
    }
    tx->commit();
    return user;
}

UserPage AuthService::list(const std::string& query, int page, int per_page) {
    auto session = database_.session();
    return store_.list(session->sql(), query, page, per_page);
}

void AuthService::refuse_last_admin_change(soci::session& sql, const User& target) {
    if (target.role == "admin" && target.is_active && store_.count_active_admins(sql) <= 1) {
        throw sdk::ApiError(409, "last_admin", "the last active administrator cannot be demoted or deactivated");
    }
}

User AuthService::set_role(const sdk::Caller& /*admin*/, std::int64_t id, const std::string& role) {
    if (role != "admin" && role != "member") {
        throw sdk::ApiError::validation({{"role", "must be admin or member"}});
    }
    auto tx = database_.begin();
    auto user = store_.find_by_id(tx->sql(), id);
    if (!user) {
        throw sdk::ApiError::not_found("user not found");
    }
    if (user->role != role) {
        if (role == "member") {
            refuse_last_admin_change(tx->sql(), *user);
        }
        user->role = role;
        user->updated_at = clock_();
        store_.update(tx->sql(), *user);
    }
    tx->commit();
    return *user;
}

User AuthService::set_active(const sdk::Caller& /*admin*/, std::int64_t id, bool active) {
    auto tx = database_.begin();
    auto user = store_.find_by_id(tx->sql(), id);
    if (!user) {
        throw sdk::ApiError::not_found("user not found");
    }
    if (user->is_active != active) {
        if (!active) {
            refuse_last_admin_change(tx->sql(), *user);
        }
        user->is_active = active;
        user->updated_at = clock_();
        store_.update(tx->sql(), *user);
        if (!active) {
            // Every session ends for good: reactivation does not revive old tokens.
            store_.revoke_user_tokens(tx->sql(), user->id, user->updated_at);
        }
    }
    tx->commit();
    return *user;
}

sdk::Caller AuthService::authenticate(const std::string& access_token) {
    AccessClaims claims;
    try {
        claims = codec_.decode(access_token, clock_() / 1000);
    } catch (const InvalidToken& e) {
        throw unauthorized(std::string("invalid access token: ") + e.what());
    }
    auto session = database_.session();
    const auto state = store_.caller_state(session->sql(), claims.user_id, claims.jti);
    if (!state || !state->is_active || state->token_revoked) {
        throw unauthorized("access token is no longer valid");
    }
    return {claims.user_id, state->username, state->role};
}

bool AuthService::ensure_admin(const NewUser& input) {
    {
        auto session = database_.session();
        if (store_.find_by_login(session->sql(), input.username)) {
            return false;
        }
    }
    NewUser admin = input;
    admin.role = "admin";
    register_user(admin, sdk::Actor::system());
    return true;
}

TokenPair AuthService::issue_tokens(soci::session& sql, const User& user, const std::string& family_id) {
    const auto now = clock_();
    AccessClaims claims;
    claims.user_id = user.id;
    claims.role = user.role;
    claims.jti = secrets::random_token(16);
    claims.issued_at = now / 1000;
    claims.expires_at = claims.issued_at + settings_.access_ttl.count();
    TokenPair pair;
    pair.access_token = codec_.encode(claims);
    pair.expires_in = settings_.access_ttl.count();
    pair.refresh_token = secrets::random_token(32);
    store_.insert_refresh_token(sql, user.id, family_id, secrets::sha256_hex(pair.refresh_token), now,
                                now + settings_.refresh_ttl.count() * 1000, claims.jti, claims.expires_at);
    return pair;
}

}  // namespace tasklane::auth
