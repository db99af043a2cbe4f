#include "ws_client.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

namespace tasklane::test {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

struct WsIo::Impl {
    net::io_context ioc;
    net::executor_work_guard<net::io_context::executor_type> work = net::make_work_guard(ioc);
    std::thread thread{[this] { ioc.run(); }};
};

WsIo::WsIo() : impl_(std::make_unique<Impl>()) {}

WsIo::~WsIo() {
    impl_->work.reset();
    impl_->ioc.stop();
    impl_->thread.join();
}

struct WsClient::Impl : std::enable_shared_from_this<WsClient::Impl> {
    websocket::stream<tcp::socket> ws;
    beast::flat_buffer buffer;
    int status = 0;
    std::string refusal;
    std::string protocol;

    std::mutex mutex;
    std::condition_variable cv;
    std::deque<std::string> frames;
    bool closed = false;
    bool reading = false;
    int close_code = 0;

    explicit Impl(WsIo& io) : ws(io.impl().ioc) {}

    void read_loop() {
        ws.async_read(buffer, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            std::lock_guard lock(self->mutex);
            if (ec) {
                self->closed = true;
                self->close_code = ec == websocket::error::closed ? self->ws.reason().code : 0;
                self->cv.notify_all();
                return;
            }
            self->frames.push_back(beast::buffers_to_string(self->buffer.data()));
            self->buffer.consume(self->buffer.size());
            self->cv.notify_all();
            net::post(self->ws.get_executor(), [self] { self->read_loop(); });
        });
    }
};

WsClient::WsClient(std::uint16_t port, const std::string& target, WsOptions options)
    : io_(options.io ? options.io : std::make_shared<WsIo>()), impl_(std::make_shared<Impl>(*io_)) {
    auto& ws = impl_->ws;
    auto& socket = ws.next_layer();
    socket.open(tcp::v4());
    if (options.receive_buffer > 0) {
        socket.set_option(net::socket_base::receive_buffer_size(options.receive_buffer));
    }
    socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    ws.set_option(websocket::stream_base::decorator([headers = options.headers](websocket::request_type& req) {
        for (const auto& [name, value] : headers) {
            req.set(name, value);
        }
    }));
    ws.read_message_max(64 * 1024 * 1024);
    // The asynchronous handshake: the synchronous one leaves the response
    // empty when the server declines the upgrade, and the tests read it.
    websocket::response_type response;
    beast::error_code ec;
    std::promise<void> done;
    auto finished = done.get_future();
    const std::string host = "127.0.0.1:" + std::to_string(port);
    net::post(ws.get_executor(), [&] {
        ws.async_handshake(response, host, target, [&](beast::error_code e) {
            ec = e;
            done.set_value();
        });
    });
    finished.wait();
    impl_->status = static_cast<int>(response.result_int());
    impl_->refusal = response.body();
    impl_->protocol = std::string(response[http::field::sec_websocket_protocol]);
    if (ec) {
        impl_->closed = true;
        if (impl_->status == 101) {
            impl_->status = -1;
        }
        return;
    }
    if (options.read) {
        start_reading();
    }
}

WsClient::~WsClient() {
    close();
    // The read loop ends on the Asio thread; wait for it so nothing of ours runs after this.
    std::unique_lock lock(impl_->mutex);
    impl_->cv.wait_for(lock, std::chrono::seconds(5), [&] { return impl_->closed || !impl_->reading; });
}

void WsClient::start_reading() {
    net::post(impl_->ws.get_executor(), [impl = impl_] {
        {
            std::lock_guard lock(impl->mutex);
            if (impl->reading) {
                return;
            }
            impl->reading = true;
        }
        impl->read_loop();
    });
}

int WsClient::handshake_status() const { return impl_->status; }
const std::string& WsClient::refusal_body() const { return impl_->refusal; }
std::string WsClient::accepted_protocol() const { return impl_->protocol; }

bool WsClient::is_open() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->status == 101 && !impl_->closed;
}

void WsClient::send_text(const std::string& text) {
    std::promise<void> done;
    auto result = done.get_future();
    net::post(impl_->ws.get_executor(), [impl = impl_, text, &done] {
        beast::error_code ec;
        impl->ws.text(true);
        impl->ws.write(net::buffer(text), ec);  // on the client's Asio thread, like its reads
        done.set_value();
    });
    result.wait();
}

std::optional<std::string> WsClient::next(std::chrono::milliseconds timeout) {
    std::unique_lock lock(impl_->mutex);
    impl_->cv.wait_for(lock, timeout, [&] { return !impl_->frames.empty() || impl_->closed; });
    if (impl_->frames.empty()) {
        return std::nullopt;
    }
    auto frame = std::move(impl_->frames.front());
    impl_->frames.pop_front();
    return frame;
}

std::optional<nlohmann::json> WsClient::next_json(std::chrono::milliseconds timeout) {
    auto frame = next(timeout);
    if (!frame) {
        return std::nullopt;
    }
    return nlohmann::json::parse(*frame, nullptr, false);
}

void WsClient::read_until(std::chrono::milliseconds timeout, const std::function<bool(nlohmann::json)>& take) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            return;
        }
        auto frame = next_json(left);
        if (!frame || !take(std::move(*frame))) {
            return;
        }
    }
}

nlohmann::json WsClient::next_of_type(const std::string& type, std::chrono::milliseconds timeout) {
    nlohmann::json found = nullptr;
    read_until(timeout, [&](nlohmann::json frame) {
        if (frame.is_object() && frame.value("type", "") == type) {
            found = std::move(frame);
            return false;
        }
        return true;
    });
    return found;
}

std::vector<nlohmann::json> WsClient::collect(std::chrono::milliseconds window) {
    std::vector<nlohmann::json> out;
    read_until(window, [&](nlohmann::json frame) {
        out.push_back(std::move(frame));
        return true;
    });
    return out;
}

std::optional<int> WsClient::wait_closed(std::chrono::milliseconds timeout) {
    std::unique_lock lock(impl_->mutex);
    if (!impl_->cv.wait_for(lock, timeout, [&] { return impl_->closed; })) {
        return std::nullopt;
    }
    return impl_->close_code;
}

void WsClient::close() {
    std::promise<void> done;
    auto result = done.get_future();
    net::post(impl_->ws.get_executor(), [impl = impl_, &done] {
        beast::error_code ec;
        impl->ws.next_layer().shutdown(tcp::socket::shutdown_both, ec);
        impl->ws.next_layer().close(ec);
        done.set_value();
    });
    result.wait();
}

}  // namespace tasklane::test
