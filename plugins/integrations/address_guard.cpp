#include "address_guard.hpp"

#include <cstring>

namespace tasklane::integrations {

namespace {

bool in_v4(const IpAddress& a, std::uint8_t b0, std::uint8_t b1, int prefix) {
    const std::uint32_t value = (std::uint32_t{a.bytes[0]} << 24) | (std::uint32_t{a.bytes[1]} << 16) |
                                (std::uint32_t{a.bytes[2]} << 8) | a.bytes[3];
    const std::uint32_t net = (std::uint32_t{b0} << 24) | (std::uint32_t{b1} << 16);
    const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
    return (value & mask) == (net & mask);
}

std::optional<std::string> v4_reason(const IpAddress& a) {
    if (in_v4(a, 0, 0, 8)) {
        return "unspecified";  // 0.0.0.0/8: "this network", reaches the local host on Linux
    }
    if (in_v4(a, 127, 0, 8)) {
        return "loopback";
    }
    if (in_v4(a, 10, 0, 8) || in_v4(a, 172, 16, 12) || in_v4(a, 192, 168, 16)) {
        return "private";
    }
    if (in_v4(a, 100, 64, 10)) {
        return "shared (carrier-grade NAT)";
    }
    if (in_v4(a, 169, 254, 16)) {
        return "link-local";
    }
    if (in_v4(a, 224, 0, 4)) {
        return "multicast";
    }
    if (in_v4(a, 240, 0, 4)) {
        return "reserved";  // includes 255.255.255.255 broadcast
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> restricted_reason(const IpAddress& address) {
    const auto a = address.unmapped();
    if (!a.v6) {
        return v4_reason(a);
    }
    if (a.zero_bytes(0, 16)) {
        return "unspecified";
    }
    if (a.zero_bytes(0, 15) && a.bytes[15] == 1) {
        return "loopback";
    }
    if (a.zero_bytes(0, 12)) {
        return "reserved";  // deprecated IPv4-compatible ::a.b.c.d
    }
    if (a.bytes[0] == 0xFF) {
        return "multicast";
    }
    if (a.bytes[0] == 0xFE && (a.bytes[1] & 0xC0) == 0x80) {
        return "link-local";
    }
    if (a.bytes[0] == 0xFE && (a.bytes[1] & 0xC0) == 0xC0) {
        return "site-local";  // deprecated fec0::/10, still routed privately
    }
    if ((a.bytes[0] & 0xFE) == 0xFC) {
        return "unique-local";
    }
    // NAT64 (64:ff9b::/96) reaches the embedded IPv4 address: judge that one.
    static const IpAddress nat64 = *IpAddress::parse("64:ff9b::");
    if (a.same_prefix(nat64, 96)) {
        IpAddress v4;
        std::memcpy(v4.bytes.data(), a.bytes.data() + 12, 4);
        return v4_reason(v4);
    }
    return std::nullopt;
}

bool may_connect(const IpAddress& address, const Allowlist& allowlist) {
    return !restricted_reason(address) || allowlist.contains(address);
}

}  // namespace tasklane::integrations
