#pragma once
// IP addresses and CIDR lists from configuration: the core's trusted proxies
// and the integrations plugin's SSRF allowlist share them. Pure functions, no
// DNS. Header-only like the rest of the SDK.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace tasklane::sdk {

struct IpAddress {
    bool v6 = false;
    std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4

    // Strict textual form (inet_pton: no octal, no short forms, no brackets).
    static std::optional<IpAddress> parse(const std::string& text) {
        IpAddress a;
        a.v6 = text.find(':') != std::string::npos;
        if (inet_pton(a.v6 ? AF_INET6 : AF_INET, text.c_str(), a.bytes.data()) == 1) {
            return a;
        }
        return std::nullopt;
    }

    // nullopt for families other than AF_INET/AF_INET6.
    static std::optional<IpAddress> from_sockaddr(const sockaddr* address) {
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

    // ::ffff:a.b.c.d as a.b.c.d; any other address unchanged. Comparing the
    // unwrapped form stops "::ffff:127.0.0.1" from slipping past a v4 rule.
    IpAddress unmapped() const {
        if (v6 && zero_bytes(0, 10) && bytes[10] == 0xFF && bytes[11] == 0xFF) {
            IpAddress v4;
            std::memcpy(v4.bytes.data(), bytes.data() + 12, 4);
            return v4;
        }
        return *this;
    }

    std::string to_string() const {
        char buf[INET6_ADDRSTRLEN] = {};
        inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf);
        return buf;
    }

    // Whether bytes [from, to) are all zero.
    bool zero_bytes(std::size_t from, std::size_t to) const {
        return std::all_of(bytes.begin() + static_cast<long>(from), bytes.begin() + static_cast<long>(to),
                           [](std::uint8_t b) { return b == 0; });
    }

    // Whether the first `prefix` bits equal those of `other`.
    bool same_prefix(const IpAddress& other, int prefix) const {
        const int full = prefix / 8;
        if (std::memcmp(bytes.data(), other.bytes.data(), static_cast<std::size_t>(full)) != 0) {
            return false;
        }
        const int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        const auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
        const auto at = static_cast<std::size_t>(full);
        return (bytes[at] & mask) == (other.bytes[at] & mask);
    }

    bool operator==(const IpAddress&) const = default;
};

struct Cidr {
    IpAddress network;
    int prefix = 0;

    // "10.0.0.0/8", "fd00::/8", or a single address (a /32 or /128). Throws
    // std::invalid_argument with a sentence naming the problem (bad address,
    // bad prefix, host bits set).
    static Cidr parse(const std::string& text) {
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
            if (prefix_text.empty() || ec != std::errc() || end != prefix_text.data() + prefix_text.size() ||
                prefix < 0 || prefix > cidr.prefix) {
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

    bool contains(const IpAddress& address) const {
        const auto a = address.unmapped();
        return a.v6 == network.v6 && a.same_prefix(network, prefix);
    }
};

// A configured list of addresses and CIDRs.
class AddressList {
public:
    AddressList() = default;
    // Every entry is checked; throws std::invalid_argument listing each bad
    // one ("<key>[2] '10.0.0.1/8': ...") in one message.
    static AddressList parse(const std::vector<std::string>& entries, const std::string& key) {
        AddressList list;
        std::string problems;
        for (std::size_t i = 0; i < entries.size(); ++i) {
            try {
                list.entries_.push_back(Cidr::parse(entries[i]));
            } catch (const std::invalid_argument& e) {
                problems += (problems.empty() ? "" : "; ") + key + "[" + std::to_string(i) + "] '" + entries[i] +
                            "': " + e.what();
            }
        }
        if (!problems.empty()) {
            throw std::invalid_argument(problems + " (expected an address such as 127.0.0.1 or ::1, or a CIDR such "
                                                   "as 10.0.0.0/8 or fd00::/8)");
        }
        return list;
    }
    bool contains(const IpAddress& address) const {
        return std::any_of(entries_.begin(), entries_.end(), [&](const Cidr& c) { return c.contains(address); });
    }
    bool empty() const { return entries_.empty(); }

private:
    std::vector<Cidr> entries_;
};

}  // namespace tasklane::sdk
