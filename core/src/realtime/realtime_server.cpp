#include "realtime_server.hpp"

#include "upgrade_request.hpp"

#include "../events/outbox_reader.hpp"
#include "../http/http_pipeline.hpp"

#include <tasklane/sdk/errors.hpp>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <deque>
#include <list>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

namespace tasklane::core::realtime {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {
constexpr std::size_t kMaxRequestHeaderBytes = 8 * 1024;
constexpr auto kCloseGrace = std::chrono::seconds(5);  // a peer that never reads cannot hold a closing socket
constexpr int kReplayBatch = 500;
}  // namespace

class Session;

struct RealtimeServer::Impl {
    FeedHub& hub;
    SessionPool& pool;
    TokenAuthenticator authenticate;
    std::function<std::int64_t()> head_event_id;
    RealtimeOptions options;
    std::shared_ptr<spdlog::logger> log;

    net::io_context ioc;
    tcp::acceptor acceptor{ioc};
    // Token checks and replays touch the database: never on the Asio threads.
    net::thread_pool blocking{4};
    std::vector<std::thread> threads;
    std::mutex sessions_mutex;
    std::list<std::weak_ptr<Session>> sessions;  // for stop()
    std::size_t tracked_since_prune = 0;
    bool started = false;
    bool stopped = false;

    Impl(FeedHub& h, SessionPool& p, TokenAuthenticator a, std::function<std::int64_t()> head, RealtimeOptions o,
         std::shared_ptr<spdlog::logger> l)
        : hub(h), pool(p), authenticate(std::move(a)), head_event_id(std::move(head)), options(std::move(o)),
          log(std::move(l)) {}

    void accept_next();
    void track(const std::shared_ptr<Session>& session);
};

// One client: the upgrade request, authentication, the handshake, then a read
// loop for client messages and a write queue with at most one write in flight.
// Every member is touched on the session's strand only, except `closing_` and
// `queued_`, which the replay thread reads.
class Session : public Connection, public std::enable_shared_from_this<Session> {
public:
    Session(RealtimeServer::Impl& server, tcp::socket socket)
        : server_(server), ws_(std::move(socket)), close_timer_(ws_.get_executor()),
          reauth_timer_(ws_.get_executor()) {}

    void start() {
        beast::error_code ec;
        remote_ = beast::get_lowest_layer(ws_).socket().remote_endpoint(ec).address().to_string();
        beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true), ec);
        beast::get_lowest_layer(ws_).expires_after(server_.options.handshake_timeout);
        parser_.emplace();
        parser_->header_limit(kMaxRequestHeaderBytes);
        parser_->body_limit(0);
        http::async_read(ws_.next_layer(), buffer_, *parser_,
                         [self = shared_from_this()](beast::error_code e, std::size_t) { self->on_request(e); });
    }

    void deliver(Frame frame, std::int64_t event_id, std::int64_t subject_id) override {
        net::post(ws_.get_executor(), [self = shared_from_this(), frame = std::move(frame), event_id, subject_id] {
            self->accept_event(frame, event_id, subject_id, /*replayed=*/false);
        });
    }

    void shut_down() {
        net::post(ws_.get_executor(), [self = shared_from_this()] {
            if (self->open_) {
                self->begin_close(websocket::close_code::going_away, "server shutting down");
            } else {
                self->abort("server shutting down");
            }
        });
    }

private:
    // --- upgrade ---------------------------------------------------------------------------------

    void on_request(beast::error_code ec) {
        if (ec) {
            abort_quietly();
            return;
        }
        const auto& req = parser_->get();
        if (!websocket::is_upgrade(req)) {
            refuse({426, "upgrade_required", "this port serves WebSocket feeds only: /ws/<name>"});
            return;
        }
        try {
            request_ = parse_upgrade_request(std::string(req.target()),
                                             std::string(req[http::field::sec_websocket_protocol]));
        } catch (const UpgradeRefusal& refusal) {
            refuse(refusal);
            return;
        }
        channel_ = server_.hub.channel(request_.channel);
        if (!channel_) {
            refuse({404, "not_found", "no feed named '" + request_.channel + "'"});
            return;
        }
        if (!origin_allowed(std::string(req[http::field::origin]), std::string(req[http::field::host]),
                            server_.options.allowed_origins)) {
            refuse({403, "forbidden", "this origin may not open the feed (realtime.allowed_origins)"});
            return;
        }
        net::post(server_.blocking, [self = shared_from_this()] { self->authenticate_upgrade(); });
    }

    // On a blocking-pool thread.
    void authenticate_upgrade() {
        std::optional<sdk::Caller> caller;
        UpgradeRefusal refusal{401, "unauthorized", "invalid access token"};
        try {
            caller = server_.authenticate(request_.token, remote_);
        } catch (const sdk::ApiError& e) {
            refusal = {e.status(), e.code(), e.what()};
        } catch (const std::exception& e) {
            refusal = {503, "unavailable", "cannot check the token now; retry"};
            server_.log->warn("ws token check failed for {}: {}", remote_, e.what());
        }
        net::post(ws_.get_executor(), [self = shared_from_this(), caller, refusal] {
            if (caller) {
                self->admit(*caller);
            } else {
                self->refuse(refusal);
            }
        });
    }

    void admit(const sdk::Caller& caller) {
        caller_ = caller;
        switch (server_.hub.attach(channel_->name, caller_, shared_from_this())) {
            case Admission::TooMany:
                refuse({503, "unavailable", "the server has as many feed connections as it takes; retry later"});
                return;
            case Admission::TooManyForUser:
                refuse({429, "too_many_connections",
                        "this user has as many feed connections open as allowed (realtime.max_connections_per_user)"});
                return;
            case Admission::Admitted:
                attached_ = true;
                break;
        }
        beast::get_lowest_layer(ws_).expires_never();
        websocket::stream_base::timeout timeout{};
        timeout.handshake_timeout = server_.options.handshake_timeout;
        timeout.idle_timeout = 2 * server_.options.ping_interval;  // Beast pings after half of it
        timeout.keep_alive_pings = true;
        ws_.set_option(timeout);
        ws_.read_message_max(server_.options.max_message_bytes);
        ws_.set_option(websocket::stream_base::decorator([bearer = request_.token_in_protocol](websocket::response_type& res) {
            res.set(http::field::server, "tasklane");
            if (bearer) {
                res.set(http::field::sec_websocket_protocol, "bearer");
            }
        }));
        ws_.async_accept(parser_->get(), [self = shared_from_this()](beast::error_code e) { self->on_accept(e); });
    }

    void on_accept(beast::error_code ec) {
        if (ec) {
            finish("handshake failed: " + ec.message());
            return;
        }
        parser_.reset();
        buffer_.clear();
        buffer_.shrink_to_fit();
        open_ = true;
        ++server_.hub.counters().accepted;
        server_.log->info("ws connect user {} feed {} from {}{}", caller_.user_id, channel_->name, remote_,
                          request_.since ? " since event " + std::to_string(*request_.since) : "");
        enqueue(std::make_shared<const std::string>(control_frame(
            "connection_established", {{"user_id", caller_.user_id},
                                       {"feed", channel_->name},
                                       {"last_event_id", server_.head_event_id()},
                                       {"timestamp", sdk::iso8601_utc(now_ms())}})));
        if (request_.since) {
            net::post(server_.blocking, [self = shared_from_this(), since = *request_.since] { self->replay(since); });
        } else {
            release_held(false);
        }
        schedule_reauth();
        read_next();
    }

    void refuse(const UpgradeRefusal& refusal) {
        ++server_.hub.counters().refused;
        server_.log->info("ws refused {} {} from {}: {}", refusal.status, request_.channel, remote_, refusal.message);
        const auto body = error_response(refusal.status, refusal.code, refusal.message, {}, request_id_for(std::nullopt));
        auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(refusal.status), 11);
        res->set(http::field::server, "tasklane");
        res->set(http::field::content_type, "application/json");
        res->keep_alive(false);
        res->body() = body.body;
        res->prepare_payload();
        beast::get_lowest_layer(ws_).expires_after(server_.options.handshake_timeout);
        http::async_write(ws_.next_layer(), *res, [self = shared_from_this(), res](beast::error_code, std::size_t) {
            self->abort_quietly();
        });
    }

    // --- replay after since= -------------------------------------------------------------------

    // On a blocking-pool thread: the user's visible events after `since`, in
    // order, while live ones wait in held_; then the live feed resumes after
    // the last replayed id, so nothing is missed or sent twice.
    void replay(std::int64_t since) {
        bool resync = false;
        try {
            {
                auto lease = server_.pool.acquire();
                const auto oldest = oldest_event_id(lease->sql());
                resync = oldest && *oldest > since + 1;  // purged past the client's position
            }
            int scanned = 0;
            std::int64_t after = since;
            while (!resync && !closing_) {
                std::vector<sdk::Event> batch;
                {
                    auto lease = server_.pool.acquire();
                    batch = read_events_after(lease->sql(), after, kReplayBatch);
                }
                if (batch.empty()) {
                    break;
                }
                for (const auto& event : batch) {
                    after = event.id;
                    std::int64_t subject = 0;
                    if (auto frame = server_.hub.render_for(*channel_, caller_, event, subject)) {
                        // The send queue stays bounded: wait for the client to take half of it,
                        // but not for ever (this thread serves token checks too).
                        const auto give_up = std::chrono::steady_clock::now() + kCloseGrace;
                        while (queued_ > server_.options.send_queue / 2 && !closing_) {
                            if (std::chrono::steady_clock::now() > give_up) {
                                net::post(ws_.get_executor(), [self = shared_from_this()] { self->overflow(); });
                                return;
                            }
                            std::this_thread::sleep_for(std::chrono::milliseconds(2));
                        }
                        net::post(ws_.get_executor(), [self = shared_from_this(), frame, id = event.id, subject] {
                            self->accept_event(frame, id, subject, /*replayed=*/true);
                        });
                    }
                }
                if ((scanned += static_cast<int>(batch.size())) >= server_.options.replay_max_events) {
                    resync = true;
                }
            }
        } catch (const std::exception& e) {
            server_.log->warn("ws replay for user {} failed: {}", caller_.user_id, e.what());
            net::post(ws_.get_executor(), [self = shared_from_this()] {
                self->begin_close(websocket::close_code::try_again_later, "cannot replay now; reconnect");
            });
            return;
        }
        net::post(ws_.get_executor(), [self = shared_from_this(), resync] { self->release_held(resync); });
    }

    void release_held(bool resync) {
        if (resync) {
            enqueue(std::make_shared<const std::string>(control_frame(
                "resync_required",
                {{"message", "events after the requested id are no longer kept or too many; reload the state over "
                             "REST, then follow the live feed"},
                 {"last_event_id", server_.head_event_id()}})));
        }
        holding_ = false;
        auto held = std::move(held_);
        held_.clear();
        for (auto& h : held) {
            accept_event(h.frame, h.event_id, h.subject_id, false);
        }
    }

    // --- outgoing ------------------------------------------------------------------------------

    void accept_event(const Frame& frame, std::int64_t event_id, std::int64_t subject_id, bool replayed) {
        if (closing_ || finished_) {
            ++server_.hub.counters().messages_dropped;
            return;
        }
        if (holding_ && !replayed) {
            held_.push_back({frame, event_id, subject_id});
            if (held_.size() > server_.options.send_queue) {
                overflow();
            }
            return;
        }
        if (event_id > 0) {
            if (event_id <= last_event_id_) {
                return;  // replayed already
            }
            last_event_id_ = event_id;
            if (subject_id > 0 && subscriptions_ && !subscriptions_->contains(subject_id)) {
                return;
            }
        }
        enqueue(frame);
    }

    void enqueue(Frame frame) {
        if (closing_) {
            ++server_.hub.counters().messages_dropped;
            return;
        }
        if (queue_.size() >= server_.options.send_queue) {
            overflow();
            return;
        }
        queue_.push_back(std::move(frame));
        ++queued_;
        write_next();
    }

    void write_next() {
        if (writing_ || !open_ || queue_.empty()) {
            return;
        }
        writing_ = true;
        ws_.text(true);
        ws_.async_write(net::buffer(*queue_.front()),
                        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
    }

    void on_write(beast::error_code ec) {
        writing_ = false;
        if (ec) {
            finish("write failed: " + ec.message());
            return;
        }
        ++server_.hub.counters().messages_sent;
        queue_.pop_front();
        --queued_;
        if (close_pending_) {
            send_close();
            return;
        }
        write_next();
    }

    void overflow() {
        if (closing_) {
            return;
        }
        ++server_.hub.counters().queue_overflows;
        server_.log->warn("ws user {} feed {} from {}: send queue full ({} frames); closing with 1013", caller_.user_id,
                          channel_->name, remote_, server_.options.send_queue);
        begin_close(websocket::close_code::try_again_later, "client too slow: send queue full");
    }

    // --- incoming ------------------------------------------------------------------------------

    void read_next() {
        ws_.async_read(read_buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(beast::error_code ec) {
        if (ec) {
            if (ec == websocket::error::closed) {
                const auto& reason = ws_.reason();
                finish("client closed (" + std::to_string(reason.code) + ")");
            } else if (ec == websocket::error::message_too_big) {
                finish("client frame over " + std::to_string(server_.options.max_message_bytes) + " bytes (1009)");
            } else {
                finish(ec == beast::error::timeout ? "peer missed two pings" : ec.message());
            }
            return;
        }
        if (closing_) {
            read_buffer_.consume(read_buffer_.size());
            read_next();  // until the peer answers our close
            return;
        }
        const bool text = ws_.got_text();
        std::string message = beast::buffers_to_string(read_buffer_.data());
        read_buffer_.consume(read_buffer_.size());
        if (!text) {
            send_error("binary frames are not supported; send JSON text");
        } else {
            handle(message);
        }
        read_next();
    }

    void handle(const std::string& text) {
        if (text == "ping") {
            enqueue(std::make_shared<const std::string>("pong"));
            return;
        }
        const auto message = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
        if (message.is_discarded()) {
            send_error("invalid JSON");
            return;
        }
        if (!message.is_object() || !message.contains("type") || !message["type"].is_string()) {
            send_error("a message is a JSON object with a string \"type\"");
            return;
        }
        const auto type = message["type"].get<std::string>();
        if (type == "ping") {
            enqueue(std::make_shared<const std::string>(R"({"type":"pong"})"));
        } else if (type == "subscribe" || type == "unsubscribe") {
            change_subscription(type == "subscribe", message);
        } else if (type == "auth") {
            const auto token = message.value("token", nlohmann::json());
            if (!token.is_string() || token.get<std::string>().empty()) {
                send_error("auth needs a string \"token\"");
                return;
            }
            reauthenticate(token.get<std::string>(), /*answer=*/true);
        } else {
            send_error("unknown message type '" + type.substr(0, 64) + "'; known: ping, subscribe, unsubscribe, auth");
        }
    }

    void change_subscription(bool subscribe, const nlohmann::json& message) {
        const auto& key = channel_->subject_key;
        if (key.empty()) {
            send_error("the " + channel_->name + " feed takes no subscriptions");
            return;
        }
        std::vector<std::int64_t> ids;
        if (message.contains(key)) {
            const auto& list = message[key];
            const bool valid = list.is_array() && std::all_of(list.begin(), list.end(), [](const auto& v) {
                                   return v.is_number_integer() && v.template get<std::int64_t>() > 0;
                               });
            if (!valid) {
                send_error("\"" + key + "\" must be a list of positive ids");
                return;
            }
            ids = list.get<std::vector<std::int64_t>>();
        } else if (subscribe) {
            send_error("subscribe needs \"" + key + "\"");
            return;
        }
        if (subscribe) {
            auto next = subscriptions_.value_or(std::set<std::int64_t>{});
            next.insert(ids.begin(), ids.end());
            if (next.size() > server_.options.max_subscriptions) {
                send_error("at most " + std::to_string(server_.options.max_subscriptions) + " " + key +
                           " per connection");
                return;
            }
            subscriptions_ = std::move(next);
        } else if (subscriptions_) {
            if (message.contains(key)) {
                for (auto id : ids) {
                    subscriptions_->erase(id);
                }
            } else {
                subscriptions_->clear();
            }
            if (subscriptions_->empty()) {
                subscriptions_.reset();  // the whole feed again
            }
        }
        const auto current = subscriptions_ ? std::vector<std::int64_t>(subscriptions_->begin(), subscriptions_->end())
                                            : std::vector<std::int64_t>{};
        enqueue(std::make_shared<const std::string>(
            control_frame(subscribe ? "subscribed" : "unsubscribed", {{key, current}})));
    }

    void send_error(const std::string& message) {
        enqueue(std::make_shared<const std::string>(control_frame("error", {{"message", message}})));
    }

    // --- token lifetime ------------------------------------------------------------------------

    void schedule_reauth() {
        reauth_timer_.expires_after(server_.options.reauth_interval);
        reauth_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
            if (!ec && !self->closing_) {
                self->reauthenticate(self->request_.token, /*answer=*/false);
                self->schedule_reauth();
            }
        });
    }

    // The token of the connection (periodically) or a fresh one the client
    // sends before the old one expires: a bad one closes with 1008.
    void reauthenticate(const std::string& token, bool answer) {
        net::post(server_.blocking, [self = shared_from_this(), token, answer] {
            std::optional<sdk::Caller> caller;
            std::string failure;
            bool definite = true;
            try {
                caller = self->server_.authenticate(token, self->remote_);
            } catch (const sdk::ApiError& e) {
                failure = e.what();
            } catch (const std::exception& e) {
                failure = e.what();
                definite = false;  // the database is away: keep the connection, check again later
            }
            net::post(self->ws_.get_executor(), [self, token, answer, caller, failure, definite] {
                self->on_reauthenticated(token, answer, caller, failure, definite);
            });
        });
    }

    void on_reauthenticated(const std::string& token, bool answer, const std::optional<sdk::Caller>& caller,
                            const std::string& failure, bool definite) {
        if (closing_) {
            return;
        }
        if (!caller) {
            if (!definite) {
                server_.log->warn("ws user {}: cannot check the token now: {}", caller_.user_id, failure);
                if (answer) {
                    send_error("cannot check the token now; retry");
                }
                return;
            }
            begin_close(websocket::close_code::policy_error, "token expired or revoked");
            return;
        }
        if (caller->user_id != caller_.user_id) {
            begin_close(websocket::close_code::policy_error, "the token belongs to another user");
            return;
        }
        caller_ = *caller;
        request_.token = token;
        server_.hub.refresh_caller(channel_->name, caller_);
        if (answer) {
            enqueue(std::make_shared<const std::string>(control_frame("authenticated", {{"user_id", caller_.user_id}})));
        }
    }

    // --- closing -------------------------------------------------------------------------------

    void begin_close(websocket::close_code code, const std::string& reason) {
        if (closing_ || finished_) {
            return;
        }
        closing_ = true;
        close_reason_ = websocket::close_reason(code, reason);
        detach();
        server_.hub.counters().messages_dropped += queue_.size() - (writing_ ? 1 : 0) + held_.size();
        if (writing_) {
            // Keep the frame being written; drop the rest.
            auto front = std::move(queue_.front());
            queue_.clear();
            queue_.push_back(std::move(front));
            close_pending_ = true;
        } else {
            queue_.clear();
        }
        queued_ = queue_.size();
        held_.clear();
        // A client that stopped reading never lets the close frame out: cut it off.
        close_timer_.expires_after(kCloseGrace);
        close_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
            if (!ec) {
                self->abort("no answer to close within " + std::to_string(kCloseGrace.count()) + " s");
            }
        });
        if (!close_pending_) {
            send_close();
        }
    }

    void send_close() {
        close_pending_ = false;
        ws_.async_close(close_reason_, [self = shared_from_this()](beast::error_code ec) {
            self->finish("closed by server (" + std::to_string(self->close_reason_.code) + " " +
                         self->reason_text() + ")" + (ec ? ": " + ec.message() : ""));
        });
    }

    void abort(const std::string& reason) {
        beast::error_code ignored;
        beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
        beast::get_lowest_layer(ws_).socket().close(ignored);
        finish(reason);
    }

    void abort_quietly() {
        beast::error_code ignored;
        beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
        beast::get_lowest_layer(ws_).socket().close(ignored);
        detach();
        finished_ = true;
    }

    void detach() {
        if (attached_) {
            attached_ = false;
            server_.hub.detach(channel_->name, caller_.user_id, this);
        }
    }

    void finish(const std::string& reason) {
        if (finished_) {
            return;
        }
        finished_ = true;
        closing_ = true;
        detach();
        close_timer_.cancel();
        reauth_timer_.cancel();
        if (open_) {
            server_.log->info("ws disconnect user {} feed {} from {}: {}", caller_.user_id, channel_->name, remote_,
                              close_reason_.code != websocket::close_code::none && reason.rfind("closed by server", 0) != 0
                                  ? reason + " after closing (" + reason_text() + ")"
                                  : reason);
        }
    }

    std::string reason_text() const { return std::string(close_reason_.reason.data(), close_reason_.reason.size()); }

    static std::int64_t now_ms() {
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    }

    struct Held {
        Frame frame;
        std::int64_t event_id;
        std::int64_t subject_id;
    };

    RealtimeServer::Impl& server_;
    websocket::stream<beast::tcp_stream> ws_;
    net::steady_timer close_timer_;
    net::steady_timer reauth_timer_;
    beast::flat_buffer buffer_;  // the upgrade request
    std::optional<http::request_parser<http::empty_body>> parser_;
    beast::flat_buffer read_buffer_;
    std::string remote_;
    UpgradeRequest request_;
    const sdk::FeedChannel* channel_ = nullptr;
    sdk::Caller caller_;
    bool attached_ = false;
    bool open_ = false;
    bool holding_ = true;  // live events wait in held_ until the handshake (and a replay) is done
    std::deque<Held> held_;
    std::deque<Frame> queue_;
    std::atomic<std::size_t> queued_{0};
    bool writing_ = false;
    bool close_pending_ = false;
    std::atomic<bool> closing_{false};
    bool finished_ = false;
    websocket::close_reason close_reason_;
    std::int64_t last_event_id_ = 0;
    std::optional<std::set<std::int64_t>> subscriptions_;
};

void RealtimeServer::Impl::track(const std::shared_ptr<Session>& session) {
    std::lock_guard lock(sessions_mutex);
    // Prune the finished ones now and then, not on every connect (a scan of 10,000).
    if (++tracked_since_prune >= 1024) {
        tracked_since_prune = 0;
        sessions.remove_if([](const auto& w) { return w.expired(); });
    }
    sessions.push_back(session);
}

void RealtimeServer::Impl::accept_next() {
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
        if (ec == net::error::operation_aborted || !acceptor.is_open()) {
            return;
        }
        if (ec) {
            // Out of file descriptors, most likely: wait a moment rather than spin.
            log->warn("ws accept failed: {}", ec.message());
            auto timer = std::make_shared<net::steady_timer>(ioc, std::chrono::milliseconds(100));
            timer->async_wait([this, timer](beast::error_code) { accept_next(); });
            return;
        }
        auto session = std::make_shared<Session>(*this, std::move(socket));
        track(session);
        session->start();
        accept_next();
    });
}

RealtimeServer::RealtimeServer(FeedHub& hub, SessionPool& pool, TokenAuthenticator authenticate,
                               std::function<std::int64_t()> head_event_id, RealtimeOptions options,
                               std::shared_ptr<spdlog::logger> log)
    : impl_(std::make_unique<Impl>(hub, pool, std::move(authenticate), std::move(head_event_id), std::move(options),
                                   std::move(log))) {}

RealtimeServer::~RealtimeServer() { stop(); }

void RealtimeServer::start() {
    auto& s = *impl_;
    const tcp::endpoint endpoint(net::ip::make_address(s.options.host), s.options.port);
    s.acceptor.open(endpoint.protocol());
    s.acceptor.set_option(net::socket_base::reuse_address(true));
    s.acceptor.bind(endpoint);
    s.acceptor.listen(net::socket_base::max_listen_connections);
    s.started = true;
    s.accept_next();
    for (int i = 0; i < std::max(1, s.options.threads); ++i) {
        s.threads.emplace_back([&s] { s.ioc.run(); });
    }
}

void RealtimeServer::stop() {
    auto& s = *impl_;
    if (s.stopped) {
        return;
    }
    s.stopped = true;
    if (s.started) {
        net::post(s.acceptor.get_executor(), [&s] {
            beast::error_code ignored;
            s.acceptor.close(ignored);
        });
        std::vector<std::shared_ptr<Session>> open;
        {
            std::lock_guard lock(s.sessions_mutex);
            for (const auto& w : s.sessions) {
                if (auto p = w.lock()) {
                    open.push_back(std::move(p));
                }
            }
        }
        for (const auto& session : open) {
            session->shut_down();
        }
        open.clear();
        // Closing handshakes get a moment; then the threads stop regardless.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
        while (s.hub.connections() > 0 && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }
    s.blocking.stop();
    s.blocking.join();
    s.ioc.stop();
    for (auto& t : s.threads) {
        t.join();
    }
    s.threads.clear();
    s.hub.clear();  // sessions that did not finish closing go while their io_context still exists
}

std::uint16_t RealtimeServer::port() const {
    beast::error_code ec;
    const auto endpoint = impl_->acceptor.local_endpoint(ec);
    return ec ? 0 : endpoint.port();
}

}  // namespace tasklane::core::realtime
