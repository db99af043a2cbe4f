#include "client_address.hpp"

#include <tasklane/sdk/text.hpp>

#include <vector>

namespace tasklane::core {

namespace {

bool trusted(const std::string& address, const sdk::AddressList& proxies) {
    const auto ip = sdk::IpAddress::parse(address);
    return ip && proxies.contains(*ip);
}

}  // namespace

std::string client_address(const std::string& peer, const std::optional<std::string>& forwarded_for,
                           const sdk::AddressList& trusted_proxies) {
    if (!forwarded_for || trusted_proxies.empty() || !trusted(peer, trusted_proxies)) {
        return peer;
    }
    std::vector<std::string> hops;
    std::size_t start = 0;
    while (start <= forwarded_for->size()) {
        const auto comma = std::min(forwarded_for->find(',', start), forwarded_for->size());
        hops.push_back(sdk::trim(forwarded_for->substr(start, comma - start)));
        start = comma + 1;
    }
    std::string client = peer;
    for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
        if (!sdk::IpAddress::parse(*it)) {
            break;  // garbage: stop at the last address we could vouch for
        }
        client = *it;
        if (!trusted(*it, trusted_proxies)) {
            break;
        }
    }
    return client;
}

}  // namespace tasklane::core
