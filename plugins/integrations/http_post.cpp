#include "http_post.hpp"

#include <curl/curl.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <memory>
#include <stdexcept>

namespace tasklane::integrations {

namespace {

struct EasyDeleter {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

// The receiver's answer body is not needed; read and drop at most 64 KiB of it
// so a hostile endpoint cannot make us buffer without bound.
size_t discard_body(char* /*data*/, size_t size, size_t count, void* user) {
    auto* total = static_cast<std::size_t*>(user);
    *total += size * count;
    return *total > 64 * 1024 ? 0 : size * count;
}

curl_socket_t open_checked_socket(void* user, curlsocktype purpose, curl_sockaddr* address) {
    const auto* request = static_cast<const PostRequest*>(user);
    if (purpose != CURLSOCKTYPE_IPCXN) {
        return CURL_SOCKET_BAD;
    }
    const auto ip = IpAddress::from_sockaddr(&address->addr);
    if (!ip || !request->may_connect || !request->may_connect(*ip)) {
        return CURL_SOCKET_BAD;
    }
    return socket(address->family, address->socktype, address->protocol);
}

}  // namespace

std::vector<IpAddress> resolve_host(const std::string& host, int port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    const int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
    if (rc != 0) {
        throw std::runtime_error("cannot resolve " + host + ": " + gai_strerror(rc));
    }
    std::unique_ptr<addrinfo, void (*)(addrinfo*)> owned(found, freeaddrinfo);
    std::vector<IpAddress> out;
    for (auto* ai = found; ai != nullptr; ai = ai->ai_next) {
        if (auto ip = IpAddress::from_sockaddr(ai->ai_addr)) {
            bool seen = false;
            for (const auto& o : out) {
                seen = seen || o == *ip;
            }
            if (!seen) {
                out.push_back(*ip);
            }
        }
    }
    if (out.empty()) {
        throw std::runtime_error("cannot resolve " + host + ": no IPv4 or IPv6 address");
    }
    return out;
}

PostResult http_post(const PostRequest& request) {
    PostResult result;
    std::unique_ptr<CURL, EasyDeleter> curl(curl_easy_init());
    if (!curl) {
        result.error = "curl_easy_init failed";
        return result;
    }
    CURL* c = curl.get();
    std::unique_ptr<curl_slist, SlistDeleter> headers;
    for (const auto& h : request.headers) {
        headers.reset(curl_slist_append(headers.release(), h.c_str()));
    }
    // "host:port:addr1,addr2": curl then uses only these for this host.
    std::string pin = request.target.host + ":" + std::to_string(request.target.port) + ":";
    for (std::size_t i = 0; i < request.pinned_addresses.size(); ++i) {
        const auto& ip = request.pinned_addresses[i];
        pin += (i == 0 ? "" : ",") + (ip.v6 ? "[" + ip.to_string() + "]" : ip.to_string());
    }
    // A literal address needs no pin (curl does not resolve it), and
    // "::1:80:..." would not parse as an entry anyway.
    std::unique_ptr<curl_slist, SlistDeleter> resolve(
        request.target.literal_address() ? nullptr : curl_slist_append(nullptr, pin.c_str()));
    std::size_t body_bytes = 0;
    char error[CURL_ERROR_SIZE] = {};

    curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_PROXY, "");  // ignore http_proxy and friends: the guard checks the real peer
    curl_easy_setopt(c, CURLOPT_RESOLVE, resolve.get());
    curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_checked_socket);
    curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, const_cast<PostRequest*>(&request));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connect_timeout.count()));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body_bytes);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);

    const auto started = std::chrono::steady_clock::now();
    const CURLcode rc = curl_easy_perform(c);
    result.duration =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    // A response whose body we cut short (CURLE_WRITE_ERROR) still counts as answered.
    if (status > 0 && (rc == CURLE_OK || rc == CURLE_WRITE_ERROR)) {
        result.status = status;
        return result;
    }
    result.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    result.error = error[0] != '\0' ? std::string(error) : std::string(curl_easy_strerror(rc));
    return result;
}

}  // namespace tasklane::integrations
