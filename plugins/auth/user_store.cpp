#include "user_store.hpp"

namespace tasklane::auth {

namespace {

// The one mapping between a users row and User: the column list and the
// matching into() bindings must stay in the same order.
constexpr const char* kUserColumns =
    "id, email, username, full_name, password_hash, role, is_active, created_at, updated_at";

struct UserRow {
    long long id = 0;
    std::string email, username, full_name, password_hash, role;
    int is_active = 0;
    long long created_at = 0, updated_at = 0;

    User to_user() const {
        return {id, email, username, full_name, password_hash, role, is_active != 0, created_at, updated_at};
    }
};

template <typename Prepared>
auto& into_row(Prepared& prepared, UserRow& r) {
    return prepared, soci::into(r.id), soci::into(r.email), soci::into(r.username), soci::into(r.full_name),
           soci::into(r.password_hash), soci::into(r.role), soci::into(r.is_active), soci::into(r.created_at),
           soci::into(r.updated_at);
}

template <typename Param>
std::optional<User> fetch_one(soci::session& sql, const std::string& where, Param param) {
    UserRow row;
    Param value = param;
    auto prepared = (sql.prepare << "SELECT " << kUserColumns << " FROM users WHERE " << where);
    soci::statement st = (into_row(prepared, row), soci::use(value));
    st.execute();
    if (!st.fetch()) {
        return std::nullopt;
    }
    return row.to_user();
}

bool is_unique_violation(const std::exception& e) {
    const std::string what = e.what();
    return what.find("UNIQUE") != std::string::npos || what.find("unique") != std::string::npos ||
           what.find("duplicate key") != std::string::npos;
}

}  // namespace

std::optional<User> UserStore::find_by_id(soci::session& sql, std::int64_t id) {
    return fetch_one(sql, "id = :id", static_cast<long long>(id));
}

std::optional<User> UserStore::find_by_login(soci::session& sql, const std::string& login) {
    // A login is a username or an email; '@' is not allowed in usernames.
    const bool is_email = login.find('@') != std::string::npos;
    return fetch_one(sql, is_email ? "email_key = :k" : "username_key = :k", lower(login));
}

void UserStore::insert(soci::session& sql, User& user) {
    std::string email_key = lower(user.email);
    std::string username_key = lower(user.username);
    // Checked first for a precise error; the unique indexes still decide under races.
    int taken = 0;
    sql << "SELECT COUNT(*) FROM users WHERE email_key = :k", soci::use(email_key), soci::into(taken);
    if (taken > 0) {
        throw DuplicateUser("email");
    }
    sql << "SELECT COUNT(*) FROM users WHERE username_key = :k", soci::use(username_key), soci::into(taken);
    if (taken > 0) {
        throw DuplicateUser("username");
    }
    int active = user.is_active ? 1 : 0;
    long long created = user.created_at;
    long long updated = user.updated_at;
    long long id = 0;
    try {
        sql << "INSERT INTO users (email, email_key, username, username_key, full_name, password_hash, role, "
               "is_active, created_at, updated_at) VALUES (:e, :ek, :u, :uk, :f, :p, :r, :a, :c, :m) RETURNING id",
            soci::use(user.email), soci::use(email_key), soci::use(user.username), soci::use(username_key),
            soci::use(user.full_name), soci::use(user.password_hash), soci::use(user.role), soci::use(active),
            soci::use(created), soci::use(updated), soci::into(id);
    } catch (const soci::soci_error& e) {
        if (is_unique_violation(e)) {
            throw DuplicateUser(std::string(e.what()).find("email") != std::string::npos ? "email" : "username");
        }
        throw;
    }
    user.id = id;
}

void UserStore::update(soci::session& sql, const User& user) {
    std::string email_key = lower(user.email);
    int taken = 0;
    long long id = user.id;
    sql << "SELECT COUNT(*) FROM users WHERE email_key = :k AND id <> :id", soci::use(email_key), soci::use(id),
        soci::into(taken);
    if (taken > 0) {
        throw DuplicateUser("email");
    }
    int active = user.is_active ? 1 : 0;
    long long updated = user.updated_at;
    sql << "UPDATE users SET email = :e, email_key = :ek, full_name = :f, password_hash = :p, role = :r, "
           "is_active = :a, updated_at = :m WHERE id = :id",
        soci::use(user.email), soci::use(email_key), soci::use(user.full_name), soci::use(user.password_hash),
        soci::use(user.role), soci::use(active), soci::use(updated), soci::use(id);
}

UserPage UserStore::list(soci::session& sql, const std::string& query, int page, int per_page) {
    UserPage out;
    // LIKE wildcards in the query are matched literally.
    std::string pattern = "%";
    for (char c : lower(query)) {
        if (c == '%' || c == '_' || c == '\\') {
            pattern.push_back('\\');
        }
        pattern.push_back(c);
    }
    pattern += "%";
    const std::string where =
        " FROM users WHERE username_key LIKE :q ESCAPE '\\' OR email_key LIKE :q2 ESCAPE '\\' "
        "OR LOWER(full_name) LIKE :q3 ESCAPE '\\'";
    long long total = 0;
    sql << "SELECT COUNT(*)" << where, soci::use(pattern), soci::use(pattern), soci::use(pattern), soci::into(total);
    out.total = total;
    UserRow row;
    int limit = per_page;
    int offset = (page - 1) * per_page;
    auto prepared = (sql.prepare << "SELECT " << kUserColumns << where << " ORDER BY id LIMIT :limit OFFSET :offset");
    soci::statement st = (into_row(prepared, row), soci::use(pattern), soci::use(pattern), soci::use(pattern),
                          soci::use(limit), soci::use(offset));
    st.execute();
    while (st.fetch()) {
        out.items.push_back(row.to_user());
    }
    return out;
}

std::int64_t UserStore::count_active_admins(soci::session& sql) {
    if (!row_locks_) {
        // SQLite: the transaction already holds the database's write lock.
        long long n = 0;
        sql << "SELECT COUNT(*) FROM users WHERE role = 'admin' AND is_active = 1", soci::into(n);
        return n;
    }
    long long id = 0;
    std::int64_t n = 0;
    soci::statement st = (sql.prepare << "SELECT id FROM users WHERE role = 'admin' AND is_active = 1 FOR UPDATE",
                          soci::into(id));
    st.execute();
    while (st.fetch()) {
        ++n;
    }
    return n;
}

std::optional<CallerState> UserStore::caller_state(soci::session& sql, std::int64_t user_id, const std::string& jti) {
    // Every authenticated request runs this: a cached prepared statement.
    struct CallerRow {
        std::string username, role;
        int active = 0;
        long long revoked = 0;
        void bind(soci::statement& st) {
            st.exchange(soci::into(username));
            st.exchange(soci::into(role));
            st.exchange(soci::into(active));
            st.exchange(soci::into(revoked));
        }
    };
    sdk::Query q;
    q.text = "SELECT username, role, is_active, (SELECT COUNT(*) FROM revoked_access_tokens WHERE jti = " +
             q.param(jti) + ") FROM users WHERE id = " + q.param(static_cast<long long>(user_id));
    std::optional<CallerState> state;
    q.run<CallerRow>(db_, sql, [&](const CallerRow& row) {
        state = CallerState{row.username, row.role, row.active != 0, row.revoked > 0};
    });
    return state;
}

void UserStore::insert_refresh_token(soci::session& sql, std::int64_t user_id, const std::string& family_id,
                                     const std::string& token_hash, std::int64_t now_ms, std::int64_t expires_at_ms,
                                     const std::string& access_jti, std::int64_t access_expires_at_s) {
    long long uid = user_id;
    long long now = now_ms;
    long long expires = expires_at_ms;
    long long access_expires = access_expires_at_s;
    sql << "INSERT INTO refresh_tokens (user_id, family_id, token_hash, created_at, expires_at, access_jti, "
           "access_expires_at) VALUES (:u, :f, :h, :c, :e, :j, :x)",
        soci::use(uid), soci::use(family_id), soci::use(token_hash), soci::use(now), soci::use(expires),
        soci::use(access_jti), soci::use(access_expires);
}

std::optional<RefreshToken> UserStore::find_refresh_token(soci::session& sql, const std::string& token_hash) {
    RefreshToken t;
    long long id = 0, uid = 0, expires = 0, rotated = 0, revoked = 0;
    soci::indicator rotated_ind = soci::i_null, revoked_ind = soci::i_null;
    std::string hash = token_hash;
    sql << "SELECT id, user_id, family_id, expires_at, rotated_at, revoked_at FROM refresh_tokens WHERE token_hash = :h",
        soci::use(hash), soci::into(id), soci::into(uid), soci::into(t.family_id), soci::into(expires),
        soci::into(rotated, rotated_ind), soci::into(revoked, revoked_ind);
    if (!sql.got_data()) {
        return std::nullopt;
    }
    t.id = id;
    t.user_id = uid;
    t.expires_at = expires;
    t.rotated = rotated_ind == soci::i_ok;
    t.rotated_at = t.rotated ? rotated : 0;
    t.revoked = revoked_ind == soci::i_ok;
    return t;
}

bool UserStore::mark_rotated(soci::session& sql, std::int64_t token_id, std::int64_t now_ms) {
    long long id = token_id;
    long long now = now_ms;
    soci::statement st = (sql.prepare << "UPDATE refresh_tokens SET rotated_at = :n "
                                         "WHERE id = :id AND rotated_at IS NULL AND revoked_at IS NULL",
                          soci::use(now), soci::use(id));
    st.execute(true);
    return st.get_affected_rows() == 1;
}

namespace {

// Revokes the refresh tokens whose `column` equals `value`, and the access
// tokens issued with them. `column` is one of our own column names, never input.
template <typename Value>
void revoke_sessions(soci::session& sql, const char* column, Value value, std::int64_t now_ms) {
    long long now = now_ms;
    long long now_s = now_ms / 1000;
    sql << "INSERT INTO revoked_access_tokens (jti, expires_at) SELECT access_jti, access_expires_at "
           "FROM refresh_tokens WHERE " << column << " = :v AND access_jti IS NOT NULL AND access_expires_at > :n "
           "ON CONFLICT (jti) DO NOTHING",
        soci::use(value), soci::use(now_s);
    sql << "UPDATE refresh_tokens SET revoked_at = :n WHERE " << column << " = :v AND revoked_at IS NULL",
        soci::use(now), soci::use(value);
}

}  // namespace

void UserStore::revoke_family(soci::session& sql, const std::string& family_id, std::int64_t now_ms) {
    revoke_sessions(sql, "family_id", family_id, now_ms);
}

void UserStore::revoke_user_tokens(soci::session& sql, std::int64_t user_id, std::int64_t now_ms) {
    revoke_sessions(sql, "user_id", static_cast<long long>(user_id), now_ms);
}

void UserStore::revoke_access_token(soci::session& sql, const std::string& jti, std::int64_t expires_at_s) {
    long long expires = expires_at_s;
    std::string id = jti;
    sql << "INSERT INTO revoked_access_tokens (jti, expires_at) VALUES (:j, :e) ON CONFLICT (jti) DO NOTHING",
        soci::use(id), soci::use(expires);
}

void UserStore::purge_expired(soci::session& sql, std::int64_t now_ms) {
    long long now_s = now_ms / 1000;
    long long now = now_ms;
    sql << "DELETE FROM revoked_access_tokens WHERE expires_at < :n", soci::use(now_s);
    sql << "DELETE FROM refresh_tokens WHERE expires_at < :n", soci::use(now);
}

}  // namespace tasklane::auth
