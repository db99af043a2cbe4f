#include "jwt_codec.hpp"

#include <jwt.h>

#include <charconv>
#include <climits>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string_view>
#include <system_error>
#include <utility>

namespace tasklane::auth {
namespace {

static_assert(sizeof(long) >= sizeof(std::int64_t), "libjwt's integer grants are long: timestamps must fit");

// Far above any token this codec issues (~300 bytes); bounds the work done on
// unauthenticated input before the signature is checked.
constexpr std::size_t max_token_bytes = 8192;

struct JwtFree {
    void operator()(jwt_t* jwt) const noexcept { jwt_free(jwt); }
};
using JwtHandle = std::unique_ptr<jwt_t, JwtFree>;

struct CFree {
    void operator()(char* text) const noexcept { std::free(text); }
};
using CString = std::unique_ptr<char, CFree>;

// libjwt reports failures as errno values; they only happen on out of memory here.
void check(int rc, const char* what) {
    if (rc != 0) {
        throw std::system_error(rc, std::generic_category(), what);
    }
}

const unsigned char* key_of(const std::string& secret) { return reinterpret_cast<const unsigned char*>(secret.data()); }

// nullopt when absent. jwt_get_grant_int cannot tell a non-integer from 0
// (both give 0 with errno 0), so the claim is read as the JSON text jansson
// writes: an integer is exactly -?[0-9]+, a real always has '.' or 'e'.
std::optional<std::int64_t> integer_claim(jwt_t* jwt, const char* name) {
    const CString text(jwt_get_grants_json(jwt, name));
    if (!text) {
        return std::nullopt;
    }
    const std::string_view json(text.get());
    std::int64_t value = 0;
    const auto [stop, error] = std::from_chars(json.data(), json.data() + json.size(), value);
    if (json.empty() || error != std::errc{} || stop != json.data() + json.size()) {
        throw InvalidToken(std::string("non-integer ") + name);
    }
    return value;
}

std::int64_t required_integer_claim(jwt_t* jwt, const char* name) {
    const std::optional<std::int64_t> value = integer_claim(jwt, name);
    if (!value) {
        throw InvalidToken(std::string("missing ") + name);
    }
    return *value;
}

// libjwt returns NULL for a missing grant and for one that is not a JSON string.
std::string required_string_claim(jwt_t* jwt, const char* name) {
    const char* value = jwt_get_grant(jwt, name);
    if (value == nullptr || *value == '\0') {
        throw InvalidToken(std::string("missing or non-string ") + name);
    }
    return value;
}

// Canonical form only (digits, no sign, no leading zero), so one user id has
// exactly one spelling.
std::int64_t parse_user_id(const std::string& sub) {
    const auto refuse = [] { return InvalidToken("sub is not a positive integer"); };
    if (sub.empty() || sub.front() == '0') {
        throw refuse();
    }
    for (const char c : sub) {
        if (c < '0' || c > '9') {
            throw refuse();
        }
    }
    std::int64_t user_id = 0;
    const char* end = sub.data() + sub.size();
    const auto [stop, error] = std::from_chars(sub.data(), end, user_id);
    if (error != std::errc{} || stop != end || user_id <= 0) {
        throw refuse();
    }
    return user_id;
}

}  // namespace

JwtCodec::JwtCodec(std::string secret, std::string issuer) : secret_(std::move(secret)), issuer_(std::move(issuer)) {
    if (secret_.empty()) {
        throw std::invalid_argument("JWT secret must not be empty");
    }
    // libjwt takes the key length as an int.
    if (secret_.size() > static_cast<std::size_t>(INT_MAX)) {
        throw std::invalid_argument("JWT secret is too long");
    }
    if (issuer_.empty()) {
        throw std::invalid_argument("JWT issuer must not be empty");
    }
}

std::string JwtCodec::encode(const AccessClaims& claims) const {
    if (claims.user_id <= 0) {
        throw std::invalid_argument("access token user_id must be positive");
    }
    if (claims.role.empty() || claims.jti.empty()) {
        throw std::invalid_argument("access token role and jti must not be empty");
    }
    if (claims.expires_at <= claims.issued_at) {
        throw std::invalid_argument("access token must expire after it is issued");
    }

    jwt_t* raw = nullptr;
    check(jwt_new(&raw), "jwt_new");
    const JwtHandle jwt(raw);
    check(jwt_add_grant(jwt.get(), "sub", std::to_string(claims.user_id).c_str()), "jwt_add_grant(sub)");
    check(jwt_add_grant(jwt.get(), "role", claims.role.c_str()), "jwt_add_grant(role)");
    check(jwt_add_grant(jwt.get(), "jti", claims.jti.c_str()), "jwt_add_grant(jti)");
    check(jwt_add_grant(jwt.get(), "iss", issuer_.c_str()), "jwt_add_grant(iss)");
    check(jwt_add_grant_int(jwt.get(), "iat", claims.issued_at), "jwt_add_grant_int(iat)");
    check(jwt_add_grant_int(jwt.get(), "exp", claims.expires_at), "jwt_add_grant_int(exp)");
    check(jwt_set_alg(jwt.get(), JWT_ALG_HS256, key_of(secret_), static_cast<int>(secret_.size())), "jwt_set_alg");

    const CString token(jwt_encode_str(jwt.get()));
    if (!token) {
        throw std::runtime_error("jwt_encode_str failed");
    }
    return std::string(token.get());
}

AccessClaims JwtCodec::decode(const std::string& token, std::int64_t now_seconds) const {
    // An embedded NUL would make libjwt verify only the prefix before it.
    if (token.empty() || token.size() > max_token_bytes || token.find('\0') != std::string::npos) {
        throw InvalidToken("malformed token");
    }

    jwt_t* raw = nullptr;
    // Never a NULL key: libjwt would then accept alg=none.
    const int rc = jwt_decode(&raw, token.c_str(), key_of(secret_), static_cast<int>(secret_.size()));
    const JwtHandle jwt(raw);
    if (rc != 0 || !jwt) {
        throw InvalidToken("malformed token or bad signature");
    }
    // libjwt verifies HS384/HS512 with the same key too; only HS256 is ours.
    if (jwt_get_alg(jwt.get()) != JWT_ALG_HS256) {
        throw InvalidToken("algorithm is not HS256");
    }

    AccessClaims claims;
    claims.expires_at = required_integer_claim(jwt.get(), "exp");
    if (claims.expires_at <= now_seconds) {
        throw InvalidToken("token expired");
    }
    if (const std::optional<std::int64_t> not_before = integer_claim(jwt.get(), "nbf");
        not_before && *not_before > now_seconds) {
        throw InvalidToken("token not yet valid");
    }
    claims.issued_at = required_integer_claim(jwt.get(), "iat");
    // Written as a difference so no addition can overflow.
    if (claims.issued_at > now_seconds && claims.issued_at - now_seconds > max_clock_skew_seconds) {
        throw InvalidToken("token issued in the future");
    }
    if (required_string_claim(jwt.get(), "iss") != issuer_) {
        throw InvalidToken("wrong issuer");
    }
    claims.user_id = parse_user_id(required_string_claim(jwt.get(), "sub"));
    claims.role = required_string_claim(jwt.get(), "role");
    claims.jti = required_string_claim(jwt.get(), "jti");
    return claims;
}

}  // namespace tasklane::auth
