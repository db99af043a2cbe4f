#pragma once
// The SSRF guard's arithmetic: which IP addresses are not on the public
// internet (loopback, private, link-local, ...), and the operator's
// allowlist of addresses and CIDRs that webhooks may reach anyway. Pure
// functions, no DNS: the delivery job resolves and then asks here.
#include <tasklane/sdk/ip_address.hpp>

#include <optional>
#include <string>
#include <vector>

namespace tasklane::integrations {

using sdk::Cidr;
using sdk::IpAddress;

// Why `address` is not a public unicast address ("loopback", "private",
// "link-local", ...), or nullopt when it is public.
std::optional<std::string> restricted_reason(const IpAddress& address);

// integrations.allowlist: problems are named "integrations.allowlist[2] '10.0.0.1/8': ...".
class Allowlist {
public:
    Allowlist() = default;
    static Allowlist parse(const std::vector<std::string>& entries) {
        Allowlist list;
        list.entries_ = sdk::AddressList::parse(entries, "integrations.allowlist");
        return list;
    }
    bool contains(const IpAddress& address) const { return entries_.contains(address); }

private:
    sdk::AddressList entries_;
};

// The guard's verdict: true when a webhook may connect to `address`.
bool may_connect(const IpAddress& address, const Allowlist& allowlist);

}  // namespace tasklane::integrations
