#pragma once
// The address a request really comes from. X-Forwarded-For is believed only
// when the connection comes from a configured trusted proxy (nginx); anyone
// else could write any address there to dodge rate limits or poison logs.
#include <tasklane/sdk/ip_address.hpp>

#include <optional>
#include <string>

namespace tasklane::core {

// `peer`: the socket's address. With a trusted peer, the right-most address
// in X-Forwarded-For that is not itself a trusted proxy (proxies append).
std::string client_address(const std::string& peer, const std::optional<std::string>& forwarded_for,
                           const sdk::AddressList& trusted_proxies);

}  // namespace tasklane::core
