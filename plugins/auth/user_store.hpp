#pragma once
// SQL for users, refresh tokens and revoked access tokens. The only file of
// the auth plugin that knows table and column names; every function runs on
// the session (and so in the transaction) the caller gives it.
#include "user.hpp"

#include <tasklane/sdk/database.hpp>
#include <tasklane/sdk/query.hpp>

#include <soci/soci.h>

#include <optional>
#include <string>
#include <vector>

namespace tasklane::auth {

class DuplicateUser : public std::runtime_error {
public:
    DuplicateUser(std::string field) : std::runtime_error(field + " is taken"), field_(std::move(field)) {}
    const std::string& field() const { return field_; }  // "email" | "username"

private:
    std::string field_;
};

struct RefreshToken {
    std::int64_t id = 0;
    std::int64_t user_id = 0;
    std::string family_id;
    std::int64_t expires_at = 0;
    bool rotated = false;
    std::int64_t rotated_at = 0;  // ms, when rotated
    bool revoked = false;
};

// What the authenticator needs on every request, in one query.
struct CallerState {
    std::string username;
    std::string role;
    bool is_active = false;
    bool token_revoked = false;
};

struct UserPage {
    std::vector<User> items;
    std::int64_t total = 0;
};

class UserStore {
public:
    // Row locks on PostgreSQL; the per-request caller lookup is prepared once
    // per pooled session of `db` (sdk::Query).
    explicit UserStore(sdk::Database& db) : db_(db), row_locks_(db.dialect() == sdk::Dialect::Postgresql) {}

    std::optional<User> find_by_id(soci::session& sql, std::int64_t id);
    // By username or email, case-insensitively.
    std::optional<User> find_by_login(soci::session& sql, const std::string& login);
    // Sets user.id. Throws DuplicateUser naming the field that collides.
    void insert(soci::session& sql, User& user);
    // Writes email, full_name, password_hash, role, is_active, updated_at.
    void update(soci::session& sql, const User& user);
    UserPage list(soci::session& sql, const std::string& query, int page, int per_page);
    // Counts active admins; with row locks (PostgreSQL) it locks their rows so
    // two concurrent demotions cannot both see "another admin remains".
    std::int64_t count_active_admins(soci::session& sql);
    std::optional<CallerState> caller_state(soci::session& sql, std::int64_t user_id, const std::string& jti);

    // Records a refresh token and the access token issued with it.
    void insert_refresh_token(soci::session& sql, std::int64_t user_id, const std::string& family_id,
                              const std::string& token_hash, std::int64_t now_ms, std::int64_t expires_at_ms,
                              const std::string& access_jti, std::int64_t access_expires_at_s);
    std::optional<RefreshToken> find_refresh_token(soci::session& sql, const std::string& token_hash);
    // Marks a live token used; false when another request rotated or revoked it first.
    bool mark_rotated(soci::session& sql, std::int64_t token_id, std::int64_t now_ms);
    // Revoke refresh tokens and the access tokens issued with them.
    void revoke_family(soci::session& sql, const std::string& family_id, std::int64_t now_ms);
    void revoke_user_tokens(soci::session& sql, std::int64_t user_id, std::int64_t now_ms);
    void revoke_access_token(soci::session& sql, const std::string& jti, std::int64_t expires_at_s);
    void purge_expired(soci::session& sql, std::int64_t now_ms);

private:
    sdk::Database& db_;
    bool row_locks_;
};

}  // namespace tasklane::auth
