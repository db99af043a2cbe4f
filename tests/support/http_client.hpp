#pragma once
// A small blocking HTTP/1.1 client over a real loopback socket, enough to
// test what a browser or curl would see: keep-alive reuse, raw bytes, exact
// headers.
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

namespace tasklane::test {

struct HttpResult {
    int status = 0;
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;

    std::string header(const std::string& lower_name) const {
        auto it = headers.find(lower_name);
        return it == headers.end() ? "" : it->second;
    }
    bool has_header(const std::string& lower_name) const { return headers.count(lower_name) > 0; }
    nlohmann::json json() const { return nlohmann::json::parse(body); }
};

class HttpConnection {
public:
    explicit HttpConnection(std::uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(10));
    ~HttpConnection();
    HttpConnection(const HttpConnection&) = delete;
    HttpConnection& operator=(const HttpConnection&) = delete;

    // Sends a request (Host and Content-Length added) and reads the response.
    HttpResult request(const std::string& method, const std::string& target, const std::string& body = "",
                       const std::map<std::string, std::string>& headers = {});
    void send_raw(const std::string& bytes);
    HttpResult read_response();
    // True when the server closed the connection (read returns EOF within the wait).
    bool closed_by_peer(std::chrono::milliseconds wait);

private:
    int fd_ = -1;
    std::string buffer_;
};

// One request on a fresh connection.
HttpResult http(std::uint16_t port, const std::string& method, const std::string& target, const std::string& body = "",
                const std::map<std::string, std::string>& headers = {});

}  // namespace tasklane::test
