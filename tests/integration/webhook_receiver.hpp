#pragma once
// A real HTTP receiver for webhook tests: a plain socket on 127.0.0.1 and
// an ephemeral port, one thread, one request per connection. It records
// each request (headers, body, arrival time) and answers the next status of
// a script (then 200 for ever after).
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tasklane::test {

struct ReceivedRequest {
    std::string method;
    std::string target;
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;
    std::chrono::steady_clock::time_point at;
    int answered = 0;

    std::string header(const std::string& lower_name) const {
        auto it = headers.find(lower_name);
        return it == headers.end() ? "" : it->second;
    }
};

class WebhookReceiver {
public:
    explicit WebhookReceiver(std::vector<int> script = {});
    ~WebhookReceiver();
    WebhookReceiver(const WebhookReceiver&) = delete;
    WebhookReceiver& operator=(const WebhookReceiver&) = delete;

    std::uint16_t port() const { return port_; }
    std::string url(const std::string& path = "/hook") const;
    std::vector<ReceivedRequest> requests() const;
    // Waits (with a deadline) until at least `n` requests arrived; whether they did.
    bool wait_for(std::size_t n, std::chrono::milliseconds deadline = std::chrono::seconds(10)) const;

private:
    void serve();
    void handle(int fd);

    int listen_fd_ = -1;
    std::uint16_t port_ = 0;
    std::vector<int> script_;
    std::size_t next_ = 0;
    mutable std::mutex mutex_;
    mutable std::condition_variable arrived_;
    std::vector<ReceivedRequest> requests_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace tasklane::test
