#include "webhook_url.hpp"

#include <curl/curl.h>

#include <memory>

namespace tasklane::integrations {

namespace {

struct UrlDeleter {
    void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
struct CurlStringDeleter {
    void operator()(char* s) const { curl_free(s); }
};

std::optional<std::string> part(CURLU* u, CURLUPart which, unsigned flags = 0) {
    char* raw = nullptr;
    if (curl_url_get(u, which, &raw, flags) != CURLUE_OK || raw == nullptr) {
        return std::nullopt;
    }
    std::unique_ptr<char, CurlStringDeleter> owned(raw);
    return std::string(raw);
}

}  // namespace

std::optional<WebhookUrl> parse_webhook_url(const std::string& url, std::string& problem) {
    if (url.empty() || url.size() > 2048) {
        problem = "must be an absolute http:// or https:// URL of at most 2048 characters";
        return std::nullopt;
    }
    // libcurl reads "http:///x" as host "x"; a URL that needs such repair is
    // more likely a mistake than what the admin meant.
    const auto authority = url.find("://");
    if (authority != std::string::npos && url.size() > authority + 3 && url[authority + 3] == '/') {
        problem = "must name a host after the scheme (e.g. https://hooks.example.com/tasklane)";
        return std::nullopt;
    }
    std::unique_ptr<CURLU, UrlDeleter> u(curl_url());
    if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
        // Without CURLU_GUESS_SCHEME a scheme-less or relative URL fails here.
        problem = "must be an absolute http:// or https:// URL (e.g. https://hooks.example.com/tasklane)";
        return std::nullopt;
    }
    WebhookUrl out;
    out.scheme = part(u.get(), CURLUPART_SCHEME).value_or("");
    if (out.scheme != "http" && out.scheme != "https") {
        problem = "must use http or https, found '" + out.scheme + "'";
        return std::nullopt;
    }
    if (part(u.get(), CURLUPART_USER) || part(u.get(), CURLUPART_PASSWORD)) {
        problem = "must not carry credentials (user:password@); deliveries are authenticated by their signature";
        return std::nullopt;
    }
    out.host = part(u.get(), CURLUPART_HOST).value_or("");
    if (out.host.size() >= 2 && out.host.front() == '[' && out.host.back() == ']') {
        out.host = out.host.substr(1, out.host.size() - 2);
    }
    if (out.host.empty()) {
        problem = "must name a host";
        return std::nullopt;
    }
    const auto zone = out.host.find('%');
    if (zone != std::string::npos) {
        problem = "must not use an IPv6 zone id";
        return std::nullopt;
    }
    const auto port = part(u.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
    try {
        out.port = port ? std::stoi(*port) : 0;
    } catch (const std::exception&) {
        out.port = 0;
    }
    if (out.port <= 0 || out.port > 65535) {
        problem = "has an invalid port";
        return std::nullopt;
    }
    return out;
}

std::optional<std::string> literal_address_problem(const WebhookUrl& url, const Allowlist& allowlist) {
    const auto address = url.literal_address();
    if (!address || may_connect(*address, allowlist)) {
        return std::nullopt;
    }
    return "address not allowed: " + address->to_string() + " is " + *restricted_reason(*address) +
           " and not on integrations.allowlist";
}

}  // namespace tasklane::integrations
