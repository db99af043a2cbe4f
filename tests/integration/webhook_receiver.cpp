#include "webhook_receiver.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace tasklane::test {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t");
    const auto e = s.find_last_not_of(" \t\r");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// Reads until `fd` has given `want` bytes in `buffer` or the peer stops (2 s).
bool read_more(int fd, std::string& buffer) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 2000) <= 0) {
        return false;
    }
    char chunk[8192];
    const auto n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) {
        return false;
    }
    buffer.append(chunk, static_cast<std::size_t>(n));
    return true;
}

}  // namespace

WebhookReceiver::WebhookReceiver(std::vector<int> script) : script_(std::move(script)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (listen_fd_ < 0) {
        throw std::runtime_error("receiver: socket failed");
    }
    const int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 16) != 0) {
        ::close(listen_fd_);
        throw std::runtime_error("receiver: bind/listen failed");
    }
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
}

WebhookReceiver::~WebhookReceiver() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    thread_.join();
    ::close(listen_fd_);
}

std::string WebhookReceiver::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<ReceivedRequest> WebhookReceiver::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

bool WebhookReceiver::wait_for(std::size_t n, std::chrono::milliseconds deadline) const {
    std::unique_lock lock(mutex_);
    return arrived_.wait_for(lock, deadline, [&] { return requests_.size() >= n; });
}

void WebhookReceiver::serve() {
    for (;;) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_) {
                return;
            }
        }
        pollfd p{listen_fd_, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) {
            continue;
        }
        const int fd = ::accept(listen_fd_, nullptr, nullptr);
        if (fd >= 0) {
            handle(fd);
            ::close(fd);
        }
    }
}

void WebhookReceiver::handle(int fd) {
    std::string buffer;
    std::size_t header_end = std::string::npos;
    while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
        if (!read_more(fd, buffer)) {
            return;
        }
    }
    ReceivedRequest r;
    r.at = std::chrono::steady_clock::now();
    const std::string head = buffer.substr(0, header_end);
    std::size_t line_end = head.find("\r\n");
    const std::string request_line = head.substr(0, line_end);
    r.method = request_line.substr(0, request_line.find(' '));
    const auto target_start = request_line.find(' ') + 1;
    r.target = request_line.substr(target_start, request_line.find(' ', target_start) - target_start);
    while (line_end != std::string::npos && line_end < head.size()) {
        const auto next = head.find("\r\n", line_end + 2);
        const std::string line = head.substr(line_end + 2, next == std::string::npos ? std::string::npos : next - line_end - 2);
        const auto colon = line.find(':');
        if (colon != std::string::npos) {
            r.headers[lower(line.substr(0, colon))] = trim(line.substr(colon + 1));
        }
        line_end = next;
    }
    const std::size_t length = r.headers.count("content-length") ? std::stoul(r.headers["content-length"]) : 0;
    while (buffer.size() < header_end + 4 + length) {
        if (!read_more(fd, buffer)) {
            return;
        }
    }
    r.body = buffer.substr(header_end + 4, length);
    {
        std::lock_guard lock(mutex_);
        r.answered = next_ < script_.size() ? script_[next_] : 200;
        ++next_;
    }
    const std::string response = "HTTP/1.1 " + std::to_string(r.answered) +
                                 " Scripted\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
    ::send(fd, response.data(), response.size(), MSG_NOSIGNAL);
    {
        std::lock_guard lock(mutex_);
        requests_.push_back(std::move(r));
    }
    arrived_.notify_all();
}

}  // namespace tasklane::test
