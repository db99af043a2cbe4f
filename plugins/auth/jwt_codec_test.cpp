#include "jwt_codec.hpp"

#include <gtest/gtest.h>
#include <jwt.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

using nlohmann::json;
using tasklane::auth::AccessClaims;
using tasklane::auth::InvalidToken;
using tasklane::auth::JwtCodec;

const std::string secret = "0123456789abcdef0123456789abcdef";
constexpr std::int64_t issued = 1'800'000'000;
constexpr std::int64_t expires = issued + 900;
constexpr std::int64_t now = issued + 10;

AccessClaims sample_claims() { return AccessClaims{42, "member", "jti-1", issued, expires}; }

// The claims JwtCodec::encode writes for sample_claims(), for tests that vary one.
json sample_grants() {
    return json{{"sub", "42"},       {"role", "member"}, {"jti", "jti-1"},
                {"iss", "tasklane"}, {"iat", issued},    {"exp", expires}};
}

struct JwtFree {
    void operator()(jwt_t* jwt) const noexcept { jwt_free(jwt); }
};
struct CFree {
    void operator()(char* text) const noexcept { std::free(text); }
};

// Signs arbitrary grants with libjwt, bypassing JwtCodec's own checks.
std::string sign(const json& grants, jwt_alg_t alg = JWT_ALG_HS256, const std::string& key = secret) {
    jwt_t* raw = nullptr;
    if (jwt_new(&raw) != 0) {
        throw std::runtime_error("jwt_new");
    }
    const std::unique_ptr<jwt_t, JwtFree> jwt(raw);
    if (jwt_add_grants_json(jwt.get(), grants.dump().c_str()) != 0 ||
        jwt_set_alg(jwt.get(), alg, reinterpret_cast<const unsigned char*>(key.data()), static_cast<int>(key.size())) !=
            0) {
        throw std::runtime_error("cannot build test token");
    }
    const std::unique_ptr<char, CFree> token(jwt_encode_str(jwt.get()));
    if (!token) {
        throw std::runtime_error("jwt_encode_str");
    }
    return token.get();
}

std::string base64url(std::string_view data) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    std::uint32_t bits = 0;
    int bit_count = 0;
    for (const char c : data) {
        bits = (bits << 8) | static_cast<unsigned char>(c);
        bit_count += 8;
        while (bit_count >= 6) {
            bit_count -= 6;
            out += alphabet[(bits >> bit_count) & 0x3f];
        }
    }
    if (bit_count > 0) {
        out += alphabet[(bits << (6 - bit_count)) & 0x3f];
    }
    return out;
}

std::vector<std::string> split(const std::string& token) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (;;) {
        const std::size_t dot = token.find('.', start);
        parts.push_back(token.substr(start, dot - start));
        if (dot == std::string::npos) {
            return parts;
        }
        start = dot + 1;
    }
}

// Returns the refusal's reason, or "" when the token was accepted.
std::string refusal(const JwtCodec& codec, const std::string& token, std::int64_t at = now) {
    try {
        codec.decode(token, at);
    } catch (const InvalidToken& error) {
        return error.what();
    }
    return "";
}

TEST(JwtCodec, RoundTripsClaims) {
    const JwtCodec codec(secret);
    const AccessClaims decoded = codec.decode(codec.encode(sample_claims()), now);
    EXPECT_EQ(decoded.user_id, 42);
    EXPECT_EQ(decoded.role, "member");
    EXPECT_EQ(decoded.jti, "jti-1");
    EXPECT_EQ(decoded.issued_at, issued);
    EXPECT_EQ(decoded.expires_at, expires);
}

TEST(JwtCodec, WritesHs256WithStringSubAndIssuer) {
    const JwtCodec codec(secret, "tasklane-test");
    const std::string token = codec.encode(sample_claims());
    jwt_t* raw = nullptr;
    ASSERT_EQ(jwt_decode(&raw, token.c_str(), reinterpret_cast<const unsigned char*>(secret.data()),
                         static_cast<int>(secret.size())),
              0);
    const std::unique_ptr<jwt_t, JwtFree> jwt(raw);
    EXPECT_EQ(jwt_get_alg(jwt.get()), JWT_ALG_HS256);
    ASSERT_NE(jwt_get_grant(jwt.get(), "sub"), nullptr);  // a JSON string, per RFC 7519
    EXPECT_STREQ(jwt_get_grant(jwt.get(), "sub"), "42");
    ASSERT_NE(jwt_get_grant(jwt.get(), "iss"), nullptr);
    EXPECT_STREQ(jwt_get_grant(jwt.get(), "iss"), "tasklane-test");
}

TEST(JwtCodec, AcceptsTokensSignedOutsideTheCodec) {
    const JwtCodec codec(secret);
    EXPECT_EQ(refusal(codec, sign(sample_grants())), "");
}

TEST(JwtCodec, RefusesTamperedPayload) {
    const JwtCodec codec(secret);
    const std::vector<std::string> parts = split(codec.encode(sample_claims()));
    ASSERT_EQ(parts.size(), 3u);
    json grants = sample_grants();
    grants["role"] = "admin";
    EXPECT_NE(refusal(codec, parts[0] + "." + base64url(grants.dump()) + "." + parts[2]), "");
}

TEST(JwtCodec, RefusesTamperedSignature) {
    const JwtCodec codec(secret);
    const std::string token = codec.encode(sample_claims());
    const std::size_t signature = token.rfind('.') + 1;
    // A middle character: the last one may carry only padding bits.
    std::string tampered = token;
    char& c = tampered[signature + 10];
    c = c == 'A' ? 'B' : 'A';
    EXPECT_NE(refusal(codec, tampered), "");
    EXPECT_NE(refusal(codec, token.substr(0, signature)), "");  // signature removed
}

TEST(JwtCodec, RefusesTokenSignedWithAnotherSecret) {
    const JwtCodec codec(secret);
    const JwtCodec other("another-secret-another-secret-!!");
    EXPECT_NE(refusal(codec, other.encode(sample_claims())), "");
    EXPECT_NE(refusal(codec, sign(sample_grants(), JWT_ALG_HS256, "another-secret-another-secret-!!")), "");
}

TEST(JwtCodec, RefusesAlgNone) {
    const JwtCodec codec(secret);
    const std::string payload = base64url(sample_grants().dump());
    EXPECT_NE(refusal(codec, base64url(R"({"alg":"none","typ":"JWT"})") + "." + payload + "."), "");
    EXPECT_NE(refusal(codec, base64url(R"({"alg":"none"})") + "." + payload + "."), "");
    // alg=none carrying a valid HS256 signature of the same header and payload.
    const std::string real = codec.encode(sample_claims());
    const std::vector<std::string> parts = split(real);
    EXPECT_NE(refusal(codec, base64url(R"({"alg":"none","typ":"JWT"})") + "." + parts[1] + "." + parts[2]), "");
}

TEST(JwtCodec, RefusesOtherHmacAlgorithmsWithTheSameKey) {
    const JwtCodec codec(secret);
    EXPECT_EQ(refusal(codec, sign(sample_grants(), JWT_ALG_HS512)), "algorithm is not HS256");
    EXPECT_EQ(refusal(codec, sign(sample_grants(), JWT_ALG_HS384)), "algorithm is not HS256");
}

TEST(JwtCodec, RefusesExpiredTokens) {
    const JwtCodec codec(secret);
    const std::string token = codec.encode(sample_claims());
    EXPECT_EQ(refusal(codec, token, expires - 1), "");
    EXPECT_EQ(refusal(codec, token, expires), "token expired");
    EXPECT_EQ(refusal(codec, token, expires + 3600), "token expired");
}

TEST(JwtCodec, RefusesMissingOrNonIntegerExp) {
    const JwtCodec codec(secret);
    json grants = sample_grants();
    grants.erase("exp");
    EXPECT_EQ(refusal(codec, sign(grants)), "missing exp");
    grants["exp"] = std::to_string(expires);
    EXPECT_EQ(refusal(codec, sign(grants)), "non-integer exp");
    grants["exp"] = static_cast<double>(expires) + 0.5;
    EXPECT_EQ(refusal(codec, sign(grants)), "non-integer exp");
    grants["exp"] = nullptr;
    EXPECT_EQ(refusal(codec, sign(grants)), "non-integer exp");
}

TEST(JwtCodec, RefusesWrongOrMissingIssuer) {
    const JwtCodec codec(secret);
    const JwtCodec elsewhere(secret, "someone-else");
    EXPECT_EQ(refusal(codec, elsewhere.encode(sample_claims())), "wrong issuer");
    json grants = sample_grants();
    grants.erase("iss");
    EXPECT_NE(refusal(codec, sign(grants)), "");
}

TEST(JwtCodec, RefusesNotBeforeInTheFuture) {
    const JwtCodec codec(secret);
    json grants = sample_grants();
    grants["nbf"] = now + 1;
    EXPECT_EQ(refusal(codec, sign(grants)), "token not yet valid");
    grants["nbf"] = now;
    EXPECT_EQ(refusal(codec, sign(grants)), "");
    grants["nbf"] = "soon";
    EXPECT_EQ(refusal(codec, sign(grants)), "non-integer nbf");
}

TEST(JwtCodec, RefusesIssuedAtBeyondClockSkew) {
    const JwtCodec codec(secret);
    json grants = sample_grants();
    grants["iat"] = now + JwtCodec::max_clock_skew_seconds;
    EXPECT_EQ(refusal(codec, sign(grants)), "");
    grants["iat"] = now + JwtCodec::max_clock_skew_seconds + 1;
    EXPECT_EQ(refusal(codec, sign(grants)), "token issued in the future");
    grants.erase("iat");
    EXPECT_EQ(refusal(codec, sign(grants)), "missing iat");
}

TEST(JwtCodec, RefusesMissingSubjectRoleOrId) {
    const JwtCodec codec(secret);
    for (const char* claim : {"sub", "role", "jti"}) {
        json grants = sample_grants();
        grants.erase(claim);
        EXPECT_NE(refusal(codec, sign(grants)), "") << claim;
        grants[claim] = "";
        EXPECT_NE(refusal(codec, sign(grants)), "") << claim;
        grants[claim] = 7;
        EXPECT_NE(refusal(codec, sign(grants)), "") << claim;
    }
}

TEST(JwtCodec, RefusesSubjectThatIsNotAPositiveInteger) {
    const JwtCodec codec(secret);
    for (const char* sub :
         {"0", "-1", "+5", " 5", "5 ", "0042", "12a", "abc", "1.0", "9223372036854775808", "99999999999999999999"}) {
        json grants = sample_grants();
        grants["sub"] = sub;
        EXPECT_EQ(refusal(codec, sign(grants)), "sub is not a positive integer") << sub;
    }
    json grants = sample_grants();
    grants["sub"] = "9223372036854775807";
    EXPECT_EQ(codec.decode(sign(grants), now).user_id, INT64_MAX);
}

TEST(JwtCodec, RefusesGarbage) {
    const JwtCodec codec(secret);
    const std::string valid = codec.encode(sample_claims());
    const std::vector<std::string> garbage = {
        "",
        "garbage",
        "a.b.c",
        "..",
        "...",
        "Bearer " + valid,
        valid + ".",
        valid + std::string(1, '\0') + "trailing",
        base64url("{") + "." + base64url("{}") + ".",
        base64url("[]") + "." + base64url("[]") + "." + base64url("x"),
        std::string(10000, 'a'),
    };
    for (const std::string& token : garbage) {
        EXPECT_NE(refusal(codec, token), "") << token;
    }
}

TEST(JwtCodec, ReasonNeverContainsTheToken) {
    const JwtCodec codec(secret);
    const std::string token = JwtCodec("another-secret-another-secret-!!").encode(sample_claims());
    const std::string reason = refusal(codec, token);
    ASSERT_NE(reason, "");
    for (const std::string& part : split(token)) {
        EXPECT_EQ(reason.find(part), std::string::npos);
    }
}

TEST(JwtCodec, RefusesEmptySecretOrIssuer) {
    EXPECT_THROW(JwtCodec(""), std::invalid_argument);
    EXPECT_THROW(JwtCodec(secret, ""), std::invalid_argument);
}

TEST(JwtCodec, EncodeRefusesClaimsDecodeWouldRefuse) {
    const JwtCodec codec(secret);
    AccessClaims claims = sample_claims();
    claims.user_id = 0;
    EXPECT_THROW(codec.encode(claims), std::invalid_argument);
    claims = sample_claims();
    claims.role.clear();
    EXPECT_THROW(codec.encode(claims), std::invalid_argument);
    claims = sample_claims();
    claims.jti.clear();
    EXPECT_THROW(codec.encode(claims), std::invalid_argument);
    claims = sample_claims();
    claims.expires_at = claims.issued_at;
    EXPECT_THROW(codec.encode(claims), std::invalid_argument);
}

}  // namespace
