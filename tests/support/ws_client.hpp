#pragma once
// A real WebSocket client for tests (Boost.Beast): connects to the server's
// realtime port, reads every frame on a background Asio thread into a queue
// the test waits on, and reports how the server closed the connection.
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tasklane::test {

// One Asio thread shared by many clients (the 1,000-connection test).
class WsIo {
public:
    WsIo();
    ~WsIo();
    struct Impl;
    Impl& impl() { return *impl_; }

private:
    std::unique_ptr<Impl> impl_;
};

struct WsOptions {
    std::map<std::string, std::string> headers{};  // e.g. Origin, Sec-WebSocket-Protocol
    bool read = true;        // false: never read (a client that stopped reading)
    int receive_buffer = 0;  // SO_RCVBUF before connecting; 0: the kernel's default
    std::shared_ptr<WsIo> io{};  // null: a thread of its own
};

class WsClient {
public:
    // Connects to ws://127.0.0.1:<port><target>. Check handshake_status():
    // 101 when open, otherwise the HTTP status the server refused with.
    WsClient(std::uint16_t port, const std::string& target, WsOptions options = {});
    ~WsClient();

    int handshake_status() const;
    const std::string& refusal_body() const;     // the JSON error body of a refused upgrade
    std::string accepted_protocol() const;       // Sec-WebSocket-Protocol of the 101 answer
    bool is_open() const;

    void send_text(const std::string& text);
    void send_json(const nlohmann::json& message) { send_text(message.dump()); }

    // The next text frame, or nullopt after `timeout` (or when closed and drained).
    std::optional<std::string> next(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    std::optional<nlohmann::json> next_json(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // Skips frames until one of `type` (null after the timeout).
    nlohmann::json next_of_type(const std::string& type, std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // Everything that arrives within `window`.
    std::vector<nlohmann::json> collect(std::chrono::milliseconds window);
    // The close code the server sent once the connection is closed (0 when it
    // was cut without a close frame), or nullopt if still open after `timeout`.
    std::optional<int> wait_closed(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // For a client made with read = false: starts taking frames now.
    void start_reading();
    // Cuts the connection (no close frame).
    void close();

    struct Impl;

private:
    // Hands each JSON frame to `take` until it returns false, no frame comes or `timeout` has passed.
    void read_until(std::chrono::milliseconds timeout, const std::function<bool(nlohmann::json)>& take);

    std::shared_ptr<WsIo> io_;  // before impl_: outlives it
    std::shared_ptr<Impl> impl_;
};

}  // namespace tasklane::test
