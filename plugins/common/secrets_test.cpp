#include "secrets.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <unordered_set>

namespace {

using tasklane::secrets::constant_time_equals;
using tasklane::secrets::random_token;
using tasklane::secrets::sha256_hex;

bool is_base64url(const std::string& text) {
    for (const char c : text) {
        const bool ok =
            (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) {
            return false;
        }
    }
    return true;
}

TEST(RandomToken, DefaultIs32BytesOfUnpaddedBase64url) {
    const std::string token = random_token();
    EXPECT_EQ(token.size(), 43u);  // ceil(32 * 4 / 3), no '=' padding
    EXPECT_TRUE(is_base64url(token)) << token;
}

TEST(RandomToken, LengthFollowsByteCount) {
    for (std::size_t bytes = 1; bytes <= 64; ++bytes) {
        const std::string token = random_token(bytes);
        EXPECT_EQ(token.size(), (bytes * 4 + 2) / 3) << bytes;
        EXPECT_TRUE(is_base64url(token)) << token;
    }
}

TEST(RandomToken, RefusesZeroBytes) { EXPECT_THROW(random_token(0), std::invalid_argument); }

TEST(RandomToken, ThousandTokensAreUnique) {
    std::unordered_set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        EXPECT_TRUE(seen.insert(random_token()).second);
    }
}

TEST(Sha256Hex, MatchesKnownVectors) {
    EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256Hex, HashesEmbeddedNulBytes) {
    EXPECT_NE(sha256_hex(std::string("a\0b", 3)), sha256_hex("a"));
    EXPECT_EQ(sha256_hex(std::string("a\0b", 3)).size(), 64u);
}

TEST(ConstantTimeEquals, ComparesContentAndLength) {
    EXPECT_TRUE(constant_time_equals("", ""));
    EXPECT_TRUE(constant_time_equals("secret", "secret"));
    EXPECT_FALSE(constant_time_equals("secret", "secreT"));
    EXPECT_FALSE(constant_time_equals("secret", "Secret"));
    EXPECT_FALSE(constant_time_equals("secret", "secret2"));
    EXPECT_FALSE(constant_time_equals("secret", ""));
    EXPECT_FALSE(constant_time_equals(std::string("a\0b", 3), std::string("a\0c", 3)));
    EXPECT_TRUE(constant_time_equals(std::string("a\0b", 3), std::string("a\0b", 3)));
}

TEST(ConstantTimeEquals, MatchesStoredRefreshDigest) {
    const std::string token = random_token();
    const std::string stored = sha256_hex(token);
    EXPECT_TRUE(constant_time_equals(sha256_hex(token), stored));
    EXPECT_FALSE(constant_time_equals(sha256_hex(random_token()), stored));
}

}  // namespace
