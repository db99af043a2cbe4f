#pragma once
// What a webhook URL must be: absolute http(s), a host, no credentials.
// Parsed with libcurl's own URL parser so what we check is exactly what
// libcurl will connect to.
#include "address_guard.hpp"

#include <optional>
#include <string>

namespace tasklane::integrations {

struct WebhookUrl {
    std::string scheme;  // "http" | "https"
    std::string host;    // without IPv6 brackets
    int port = 0;        // explicit or the scheme's default
    // The host when it is a literal IP address.
    std::optional<IpAddress> literal_address() const { return IpAddress::parse(host); }
};

// nullopt and a sentence in `problem` when `url` is not acceptable.
std::optional<WebhookUrl> parse_webhook_url(const std::string& url, std::string& problem);

// For a URL whose host is a literal address the guard refuses, the sentence
// saying so (a helpful early error; names are only checked at delivery).
std::optional<std::string> literal_address_problem(const WebhookUrl& url, const Allowlist& allowlist);

}  // namespace tasklane::integrations
