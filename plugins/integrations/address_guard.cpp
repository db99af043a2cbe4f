#include "address_guard.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <stdexcept>

namespace tasklane::integrations {

namespace {

bool in_v4(const IpAddress& a, std::uint8_t b0, std::uint8_t b1, int prefix) {
    const std::uint32_t value = (std::uint32_t{a.bytes[0]} << 24) | (std::uint32_t{a.bytes[1]} << 16) |
                                (std::uint32_t{a.bytes[2]} << 8) | a.bytes[3];
    const std::uint32_t net = (std::uint32_t{b0} << 24) | (std::uint32_t{b1} << 16);
    const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
    return (value & mask) == (net & mask);
}

bool prefix_equal(const IpAddress& a, const IpAddress& b, int prefix) {
    const int full = prefix / 8;
    if (std::memcmp(a.bytes.data(), b.bytes.data(), static_cast<std::size_t>(full)) != 0) {
        return false;
    }
    const int rest = prefix % 8;
    if (rest == 0) {
        return true;
    }
    const auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
    return (a.bytes[static_cast<std::size_t>(full)] & mask) == (b.bytes[static_cast<std::size_t>(full)] & mask);
}

bool all_zero(const IpAddress& a, std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
        if (a.bytes[i] != 0) {
            return false;
        }
    }
    return true;
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

std::optional<IpAddress> IpAddress::parse(const std::string& text) {
    IpAddress a;
    if (text.find(':') == std::string::npos) {
        if (inet_pton(AF_INET, text.c_str(), a.bytes.data()) == 1) {
            return a;
        }
        return std::nullopt;
    }
    a.v6 = true;
    if (inet_pton(AF_INET6, text.c_str(), a.bytes.data()) == 1) {
        return a;
    }
    return std::nullopt;
}

std::optional<IpAddress> IpAddress::from_sockaddr(const sockaddr* address) {
    IpAddress a;
    if (address->sa_family == AF_INET) {
        sockaddr_in in{};
        std::memcpy(&in, address, sizeof in);
        std::memcpy(a.bytes.data(), &in.sin_addr, 4);
        return a;
    }
    if (address->sa_family == AF_INET6) {
        sockaddr_in6 in6{};
        std::memcpy(&in6, address, sizeof in6);
        a.v6 = true;
        std::memcpy(a.bytes.data(), &in6.sin6_addr, 16);
        return a;
    }
    return std::nullopt;
}

IpAddress IpAddress::unmapped() const {
    if (v6 && all_zero(*this, 0, 10) && bytes[10] == 0xFF && bytes[11] == 0xFF) {
        IpAddress v4;
        std::memcpy(v4.bytes.data(), bytes.data() + 12, 4);
        return v4;
    }
    return *this;
}

std::string IpAddress::to_string() const {
    char buf[INET6_ADDRSTRLEN] = {};
    inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf);
    return buf;
}

std::optional<std::string> restricted_reason(const IpAddress& address) {
    const auto a = address.unmapped();
    if (!a.v6) {
        return v4_reason(a);
    }
    if (all_zero(a, 0, 16)) {
        return "unspecified";
    }
    if (all_zero(a, 0, 15) && a.bytes[15] == 1) {
        return "loopback";
    }
    if (all_zero(a, 0, 12)) {
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
    if (prefix_equal(a, nat64, 96)) {
        IpAddress v4;
        std::memcpy(v4.bytes.data(), a.bytes.data() + 12, 4);
        return v4_reason(v4);
    }
    return std::nullopt;
}

Cidr Cidr::parse(const std::string& text) {
    const auto slash = text.find('/');
    const std::string address_text = text.substr(0, slash);
    const auto address = IpAddress::parse(address_text);
    if (!address) {
        throw std::invalid_argument("'" + address_text + "' is not an IPv4 or IPv6 address");
    }
    Cidr cidr{*address, address->v6 ? 128 : 32};
    if (slash != std::string::npos) {
        const std::string prefix_text = text.substr(slash + 1);
        int prefix = -1;
        const auto [end, ec] = std::from_chars(prefix_text.data(), prefix_text.data() + prefix_text.size(), prefix);
        if (prefix_text.empty() || ec != std::errc() || end != prefix_text.data() + prefix_text.size() || prefix < 0 ||
            prefix > cidr.prefix) {
            throw std::invalid_argument("the prefix length '" + prefix_text + "' must be an integer from 0 to " +
                                        std::to_string(cidr.prefix));
        }
        cidr.prefix = prefix;
    }
    IpAddress masked{cidr.network.v6, {}};
    const auto width = static_cast<std::size_t>(cidr.network.v6 ? 16 : 4);
    for (std::size_t i = 0; i < width; ++i) {
        const int bits = std::max(0, std::min(8, cidr.prefix - static_cast<int>(i) * 8));
        masked.bytes[i] = static_cast<std::uint8_t>(cidr.network.bytes[i] & (bits == 0 ? 0 : 0xFF << (8 - bits)));
    }
    if (!(masked == cidr.network)) {
        // Most likely a typo for the network; refusing beats guessing which was meant.
        throw std::invalid_argument("host bits are set; did you mean " + masked.to_string() + "/" +
                                    std::to_string(cidr.prefix) + "?");
    }
    // Entries are compared with unmapped addresses, so store mapped ones unmapped too.
    if (cidr.network.v6 && cidr.prefix >= 96 && !(cidr.network.unmapped() == cidr.network)) {
        cidr.network = cidr.network.unmapped();
        cidr.prefix -= 96;
    }
    return cidr;
}

bool Cidr::contains(const IpAddress& address) const {
    const auto a = address.unmapped();
    return a.v6 == network.v6 && prefix_equal(a, network, prefix);
}

Allowlist Allowlist::parse(const std::vector<std::string>& entries) {
    Allowlist list;
    std::string problems;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        try {
            list.entries_.push_back(Cidr::parse(entries[i]));
        } catch (const std::invalid_argument& e) {
            problems += (problems.empty() ? "" : "; ") + std::string("integrations.allowlist[") + std::to_string(i) +
                        "] '" + entries[i] + "': " + e.what();
        }
    }
    if (!problems.empty()) {
        throw std::invalid_argument(problems + " (expected an address such as 127.0.0.1 or ::1, or a CIDR such as "
                                               "10.0.0.0/8 or fd00::/8)");
    }
    return list;
}

bool Allowlist::contains(const IpAddress& address) const {
    for (const auto& entry : entries_) {
        if (entry.contains(address)) {
            return true;
        }
    }
    return false;
}

bool may_connect(const IpAddress& address, const Allowlist& allowlist) {
    return !restricted_reason(address) || allowlist.contains(address);
}

}  // namespace tasklane::integrations
