// The SSRF guard's classifier and allowlist parsing, without DNS.
#include "address_guard.hpp"
#include "webhook_url.hpp"

#include <gtest/gtest.h>

namespace tasklane::integrations {
namespace {

std::string reason(const std::string& text) {
    const auto a = IpAddress::parse(text);
    EXPECT_TRUE(a.has_value()) << text;
    return a ? restricted_reason(*a).value_or("public") : "unparsed";
}

TEST(AddressGuard, ClassifiesRestrictedIpv4) {
    EXPECT_EQ(reason("127.0.0.1"), "loopback");
    EXPECT_EQ(reason("127.255.0.9"), "loopback");
    EXPECT_EQ(reason("10.0.0.1"), "private");
    EXPECT_EQ(reason("172.16.0.1"), "private");
    EXPECT_EQ(reason("172.31.255.255"), "private");
    EXPECT_EQ(reason("192.168.1.1"), "private");
    EXPECT_EQ(reason("100.64.0.1"), "shared (carrier-grade NAT)");
    EXPECT_EQ(reason("169.254.169.254"), "link-local");
    EXPECT_EQ(reason("0.0.0.0"), "unspecified");
    EXPECT_EQ(reason("224.0.0.1"), "multicast");
    EXPECT_EQ(reason("255.255.255.255"), "reserved");
}

TEST(AddressGuard, PublicIpv4IsAllowed) {
    EXPECT_EQ(reason("8.8.8.8"), "public");
    EXPECT_EQ(reason("172.32.0.1"), "public");
    EXPECT_EQ(reason("100.128.0.1"), "public");
    EXPECT_EQ(reason("93.184.216.34"), "public");
}

TEST(AddressGuard, ClassifiesRestrictedIpv6AndMappedForms) {
    EXPECT_EQ(reason("::1"), "loopback");
    EXPECT_EQ(reason("::"), "unspecified");
    EXPECT_EQ(reason("fe80::1"), "link-local");
    EXPECT_EQ(reason("febf::1"), "link-local");
    EXPECT_EQ(reason("fc00::1"), "unique-local");
    EXPECT_EQ(reason("fd12:3456::1"), "unique-local");
    EXPECT_EQ(reason("ff02::1"), "multicast");
    EXPECT_EQ(reason("::ffff:127.0.0.1"), "loopback");
    EXPECT_EQ(reason("::ffff:10.1.2.3"), "private");
    EXPECT_EQ(reason("::ffff:169.254.169.254"), "link-local");
    EXPECT_EQ(reason("64:ff9b::a9fe:a9fe"), "link-local");  // NAT64 of 169.254.169.254
    EXPECT_EQ(reason("2606:4700::1111"), "public");
    EXPECT_EQ(reason("::ffff:8.8.8.8"), "public");
}

TEST(AddressGuard, ParsesAddressesStrictly) {
    EXPECT_FALSE(IpAddress::parse("127.1"));
    EXPECT_FALSE(IpAddress::parse("0x7f.0.0.1"));
    EXPECT_FALSE(IpAddress::parse("[::1]"));
    EXPECT_FALSE(IpAddress::parse("localhost"));
    EXPECT_FALSE(IpAddress::parse(""));
}

TEST(AddressGuard, CidrMatchesItsNetworkOnly) {
    const auto net = Cidr::parse("10.0.0.0/8");
    EXPECT_TRUE(net.contains(*IpAddress::parse("10.200.0.1")));
    EXPECT_TRUE(net.contains(*IpAddress::parse("::ffff:10.0.0.1")));
    EXPECT_FALSE(net.contains(*IpAddress::parse("11.0.0.1")));
    const auto v6 = Cidr::parse("fd00::/8");
    EXPECT_TRUE(v6.contains(*IpAddress::parse("fd12::1")));
    EXPECT_FALSE(v6.contains(*IpAddress::parse("fe80::1")));
    EXPECT_TRUE(Cidr::parse("127.0.0.1").contains(*IpAddress::parse("127.0.0.1")));
    EXPECT_FALSE(Cidr::parse("127.0.0.1").contains(*IpAddress::parse("127.0.0.2")));
    EXPECT_TRUE(Cidr::parse("0.0.0.0/0").contains(*IpAddress::parse("1.2.3.4")));
    EXPECT_TRUE(Cidr::parse("::ffff:192.168.0.0/112").contains(*IpAddress::parse("192.168.3.4")));
}

TEST(AddressGuard, RefusesBadCidrsWithTheReason) {
    EXPECT_THROW(Cidr::parse("10.0.0.0/33"), std::invalid_argument);
    EXPECT_THROW(Cidr::parse("10.0.0.0/"), std::invalid_argument);
    EXPECT_THROW(Cidr::parse("10.0.0.0/+8"), std::invalid_argument);
    EXPECT_THROW(Cidr::parse("10.0.0/8"), std::invalid_argument);
    EXPECT_THROW(Cidr::parse("fd00::/129"), std::invalid_argument);
    try {
        Cidr::parse("10.0.0.1/8");
        ADD_FAILURE() << "host bits accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("did you mean 10.0.0.0/8"), std::string::npos) << e.what();
    }
}

TEST(AddressGuard, AllowlistNamesEveryBadEntry) {
    try {
        Allowlist::parse({"127.0.0.1", "localhost", "10.0.0.0/8", "192.168.1.0/16"});
        ADD_FAILURE() << "bad entries accepted";
    } catch (const std::invalid_argument& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("integrations.allowlist[1] 'localhost'"), std::string::npos) << message;
        EXPECT_NE(message.find("integrations.allowlist[3] '192.168.1.0/16'"), std::string::npos) << message;
        EXPECT_EQ(message.find("allowlist[0]"), std::string::npos) << message;
    }
}

TEST(AddressGuard, AllowlistOpensOnlyWhatItLists) {
    const auto list = Allowlist::parse({"127.0.0.1", "fd00::/8"});
    EXPECT_TRUE(may_connect(*IpAddress::parse("127.0.0.1"), list));
    EXPECT_TRUE(may_connect(*IpAddress::parse("::ffff:127.0.0.1"), list));
    EXPECT_TRUE(may_connect(*IpAddress::parse("fd00::5"), list));
    EXPECT_FALSE(may_connect(*IpAddress::parse("::1"), list));
    EXPECT_FALSE(may_connect(*IpAddress::parse("127.0.0.2"), list));
    EXPECT_FALSE(may_connect(*IpAddress::parse("10.0.0.1"), list));
    EXPECT_TRUE(may_connect(*IpAddress::parse("8.8.8.8"), Allowlist{}));
}

TEST(WebhookUrl, AcceptsAbsoluteHttpUrlsOnly) {
    std::string problem;
    const auto ok = parse_webhook_url("https://hooks.example.com:8443/x?y=1", problem);
    ASSERT_TRUE(ok) << problem;
    EXPECT_EQ(ok->host, "hooks.example.com");
    EXPECT_EQ(ok->port, 8443);
    const auto v6 = parse_webhook_url("http://[::1]/x", problem);
    ASSERT_TRUE(v6) << problem;
    EXPECT_EQ(v6->host, "::1");
    EXPECT_EQ(v6->port, 80);
    for (const std::string bad : {"", "/relative", "hooks.example.com/x", "ftp://example.com/", "file:///etc/passwd",
                                  "http://user:pw@example.com/", "gopher://example.com/", "http:///x"}) {
        EXPECT_FALSE(parse_webhook_url(bad, problem)) << bad;
    }
}

TEST(WebhookUrl, RefusesLiteralRestrictedAddressesUnlessAllowlisted) {
    std::string problem;
    const auto metadata = parse_webhook_url("http://169.254.169.254/latest/meta-data", problem);
    ASSERT_TRUE(metadata);
    EXPECT_TRUE(literal_address_problem(*metadata, Allowlist{}));
    const auto local = parse_webhook_url("http://127.0.0.1:9/x", problem);
    ASSERT_TRUE(local);
    EXPECT_FALSE(literal_address_problem(*local, Allowlist::parse({"127.0.0.1"})));
    const auto name = parse_webhook_url("http://localhost/x", problem);
    ASSERT_TRUE(name);
    EXPECT_FALSE(literal_address_problem(*name, Allowlist{}));  // names are judged at delivery
}

}  // namespace
}  // namespace tasklane::integrations
