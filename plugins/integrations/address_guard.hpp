#pragma once
// The SSRF guard's arithmetic: which IP addresses are not on the public
// internet (loopback, private, link-local, ...), and the operator's
// allowlist of addresses and CIDRs that webhooks may reach anyway. Pure
// functions, no DNS: the delivery job resolves and then asks here.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

struct sockaddr;

namespace tasklane::integrations {

struct IpAddress {
    bool v6 = false;
    std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4

    // Strict textual form (inet_pton: no octal, no short forms, no brackets).
    static std::optional<IpAddress> parse(const std::string& text);
    // nullopt for families other than AF_INET/AF_INET6.
    static std::optional<IpAddress> from_sockaddr(const sockaddr* address);
    // ::ffff:a.b.c.d as a.b.c.d; any other address unchanged. Classifying and
    // allowlisting the unwrapped form stops "::ffff:127.0.0.1" from slipping by.
    IpAddress unmapped() const;
    std::string to_string() const;
    bool operator==(const IpAddress&) const = default;
};

// Why `address` is not a public unicast address ("loopback", "private",
// "link-local", ...), or nullopt when it is public.
std::optional<std::string> restricted_reason(const IpAddress& address);

struct Cidr {
    IpAddress network;
    int prefix = 0;

    // "10.0.0.0/8", "fd00::/8", or a single address (a /32 or /128). Throws
    // std::invalid_argument with a sentence naming the problem (bad address,
    // bad prefix, host bits set).
    static Cidr parse(const std::string& text);
    bool contains(const IpAddress& address) const;
};

class Allowlist {
public:
    Allowlist() = default;
    // Every entry is checked; throws std::invalid_argument listing each bad
    // one ("integrations.allowlist[2] '10.0.0.1/8': ...") in one message.
    static Allowlist parse(const std::vector<std::string>& entries);
    bool contains(const IpAddress& address) const;

private:
    std::vector<Cidr> entries_;
};

// The guard's verdict: true when a webhook may connect to `address`.
bool may_connect(const IpAddress& address, const Allowlist& allowlist);

}  // namespace tasklane::integrations
