#include "upgrade_request.hpp"

#include <tasklane/sdk/http.hpp>
#include <tasklane/sdk/text.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace tasklane::core::realtime {
namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

// "host:port", "[v6]:port" or "host" -> host, lower-cased.
std::string host_part(const std::string& authority) {
    if (!authority.empty() && authority.front() == '[') {
        return lower(authority.substr(0, authority.find(']') + 1));
    }
    return lower(authority.substr(0, authority.find(':')));
}

}  // namespace

UpgradeRequest parse_upgrade_request(const std::string& target, const std::string& protocol_header) {
    const auto question = target.find('?');
    const std::string path = target.substr(0, question);
    std::map<std::string, std::string> query;
    if (question != std::string::npos) {
        std::string rest = target.substr(question + 1);
        std::size_t start = 0;
        while (start <= rest.size()) {
            const auto amp = std::min(rest.find('&', start), rest.size());
            const std::string pair = rest.substr(start, amp - start);
            const auto eq = pair.find('=');
            if (!pair.empty()) {
                query[sdk::url_decode(pair.substr(0, eq), true)] = eq == std::string::npos ? "" : sdk::url_decode(pair.substr(eq + 1), true);
            }
            start = amp + 1;
        }
    }

    const std::string prefix = "/ws/";
    UpgradeRequest request;
    if (path.rfind(prefix, 0) != 0 || path.size() == prefix.size() || path.find('/', prefix.size()) != std::string::npos) {
        throw UpgradeRefusal{404, "not_found", "no feed at " + path + "; feeds are /ws/<name>"};
    }
    request.channel = path.substr(prefix.size());

    if (auto it = query.find("since"); it != query.end()) {
        std::int64_t since = -1;
        const auto& v = it->second;
        const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), since);
        if (ec != std::errc() || end != v.data() + v.size() || since < 0) {
            throw UpgradeRefusal{400, "validation_failed", "since must be an event id (a whole number from 0)"};
        }
        request.since = since;
    }

    if (auto it = query.find("token"); it != query.end() && !it->second.empty()) {
        request.token = it->second;
    } else if (!protocol_header.empty()) {
        // "bearer, <token>": browsers cannot set Authorization on a WebSocket.
        const auto comma = protocol_header.find(',');
        if (comma != std::string::npos && lower(sdk::trim(protocol_header.substr(0, comma))) == "bearer") {
            request.token = sdk::trim(protocol_header.substr(comma + 1));
            request.token_in_protocol = true;
        }
    }
    if (request.token.empty()) {
        throw UpgradeRefusal{401, "unauthorized",
                             "an access token is required: ?token=<access token> or Sec-WebSocket-Protocol: bearer, <token>"};
    }
    return request;
}

bool origin_allowed(const std::string& origin, const std::string& host_header, const std::vector<std::string>& allowed) {
    if (origin.empty()) {
        return true;
    }
    for (const auto& a : allowed) {
        if (a == "*" || lower(a) == lower(origin)) {
            return true;
        }
    }
    // Same host: the origin's authority ("scheme://host[:port]") against the Host header.
    const auto scheme_end = origin.find("://");
    if (scheme_end == std::string::npos || host_header.empty()) {
        return false;
    }
    const std::string authority = origin.substr(scheme_end + 3);
    return host_part(authority) == host_part(host_header);
}

}  // namespace tasklane::core::realtime
