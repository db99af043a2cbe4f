// Webhook signatures: HMAC-SHA256 against RFC 4231, the header format, and
// verification that refuses any change to key, timestamp or body.
#include "secrets.hpp"
#include "signing.hpp"

#include <gtest/gtest.h>

#include <set>

namespace tasklane::integrations {
namespace {

TEST(Signing, HmacMatchesRfc4231) {
    secrets::init_sodium();
    // RFC 4231 test case 2.
    EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Signing, HeaderSignsTimestampDotBody) {
    secrets::init_sodium();
    const auto header = signature_header("s3cret", "1700000000", "{\"a\":1}");
    EXPECT_EQ(header, "sha256=" + hmac_sha256_hex("s3cret", "1700000000.{\"a\":1}"));
    EXPECT_TRUE(signature_matches("s3cret", "1700000000", "{\"a\":1}", header));
    EXPECT_FALSE(signature_matches("s3cret!", "1700000000", "{\"a\":1}", header));
    EXPECT_FALSE(signature_matches("s3cret", "1700000001", "{\"a\":1}", header));
    EXPECT_FALSE(signature_matches("s3cret", "1700000000", "{\"a\":2}", header));
    EXPECT_FALSE(signature_matches("s3cret", "1700000000", "{\"a\":1}", header.substr(0, header.size() - 1)));
    EXPECT_FALSE(signature_matches("s3cret", "1700000000", "{\"a\":1}", ""));
}

TEST(Signing, RandomValuesAreDistinctAndWellFormed) {
    secrets::init_sodium();
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        const auto id = random_uuid();
        ASSERT_EQ(id.size(), 36u);
        EXPECT_EQ(id[14], '4');
        EXPECT_TRUE(seen.insert(id).second);
        const auto token = secrets::random_token(32);
        EXPECT_EQ(token.size(), 43u);
        EXPECT_EQ(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                  std::string::npos);
    }
    EXPECT_EQ(secrets::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace tasklane::integrations
