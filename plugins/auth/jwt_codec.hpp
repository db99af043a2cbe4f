#pragma once
// HS256 access tokens on libjwt 1.10. libjwt checks signatures only, accepts
// any HMAC algorithm that verifies with the key and accepts alg=none, so
// decode() pins the algorithm and checks every claim itself.
#include <cstdint>
#include <stdexcept>
#include <string>

namespace tasklane::auth {

struct AccessClaims {
    std::int64_t user_id = 0;     // "sub" (written as a decimal string, per RFC 7519)
    std::string role;             // "role"
    std::string jti;              // "jti"
    std::int64_t issued_at = 0;   // "iat", seconds
    std::int64_t expires_at = 0;  // "exp", seconds
};

// what() is a short reason safe to log; it never contains the token.
class InvalidToken : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class JwtCodec {
public:
    // How far "iat" may lie ahead of the verifier's clock: the skew tolerated
    // between nodes. "exp" and "nbf" get no leeway.
    static constexpr std::int64_t max_clock_skew_seconds = 60;

    // Throws std::invalid_argument for an empty secret or issuer. The secret's
    // minimum length is the configuration's policy, not checked here.
    explicit JwtCodec(std::string secret, std::string issuer = "tasklane");

    // Also writes "iss". Throws std::invalid_argument for claims decode() would
    // refuse: user_id <= 0, empty role or jti, expires_at <= issued_at.
    std::string encode(const AccessClaims& claims) const;

    // Throws InvalidToken unless `token` is an HS256 token signed with this
    // secret, from this issuer, with integer "exp" > now, integer "iat" at most
    // max_clock_skew_seconds ahead of now, any "nbf" <= now, and non-empty
    // "sub" (a positive decimal string), "role" and "jti".
    AccessClaims decode(const std::string& token, std::int64_t now_seconds) const;

private:
    std::string secret_;
    std::string issuer_;
};

}  // namespace tasklane::auth
