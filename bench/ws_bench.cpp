// Fan-out latency and idle memory of the WebSocket feeds (DESIGN.md section 6)
// against a running `tasklane serve`; bench/ws_bench.sh starts the server and
// runs this with 1,000 and 10,000 connections.
//
//   ws_bench --connections N [--events E] [--pause-ms MS] [--server-pid PID]
//            [--host 127.0.0.1] [--port 18080] [--ws-port 18081]
//            [--user root] [--password ...] [--threads 1] [--sources 1]
//            [--window 200] [--idle-seconds 2]
//
// 1. Logs in over REST and opens N connections to /ws/tasks?token=... as that
//    user (the admin, who sees every task), at most --window handshakes at a
//    time, each from 127.0.0.<1 + i % sources> when --sources > 1.
// 2. Waits for every connection's first frame (connection_established), lets
//    them idle for --idle-seconds and reads the server's VmRSS again:
//    (after - before) / N is the resident memory of one idle connection.
// 3. Creates E tasks over REST, one at a time: t0 is taken just before the
//    POST is written; after each, waits until every connection has a frame
//    for it (so each event meets an idle server, not a backlog), then pauses.
// 4. Matches every connection's task_created frames to the tasks by
//    data.task.id: latency = receipt - t0 over all connections x events,
//    p50 / p99 / max, and the frames missed (must be 0); with the server's
//    pid also its CPU time per delivered frame while the events ran.
// Exits 1 when a connection could not be opened or a frame was missed.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

struct Options {
    std::string host = "127.0.0.1";
    unsigned short port = 18080;
    unsigned short ws_port = 18081;
    std::string user = "root";
    std::string password = "root-password";
    int connections = 1000;
    int events = 20;
    int pause_ms = 100;
    long server_pid = 0;  // 0: no memory figure
    int threads = 1;
    int sources = 1;
    int window = 200;
    int idle_seconds = 2;
    int connect_timeout_s = 180;
    int event_timeout_s = 10;
};

const char* const kUsage =
    "usage: ws_bench --connections N [--events E] [--pause-ms MS] [--server-pid PID] [--host H] [--port P]\n"
    "                [--ws-port P] [--user U] [--password PW] [--threads T] [--sources K] [--window W]\n"
    "                [--idle-seconds S]\n";

Options parse_options(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; i += 2) {
        const std::string flag = argv[i];
        if (i + 1 >= argc) {
            throw std::runtime_error(flag + " needs a value\n" + kUsage);
        }
        const std::string value = argv[i + 1];
        const std::map<std::string, int*> ints = {
            {"--connections", &o.connections}, {"--events", &o.events},     {"--pause-ms", &o.pause_ms},
            {"--threads", &o.threads},         {"--sources", &o.sources},   {"--window", &o.window},
            {"--idle-seconds", &o.idle_seconds}};
        if (auto it = ints.find(flag); it != ints.end()) {
            *it->second = std::stoi(value);
        } else if (flag == "--server-pid") {
            o.server_pid = std::stol(value);
        } else if (flag == "--host") {
            o.host = value;
        } else if (flag == "--port") {
            o.port = static_cast<unsigned short>(std::stoi(value));
        } else if (flag == "--ws-port") {
            o.ws_port = static_cast<unsigned short>(std::stoi(value));
        } else if (flag == "--user") {
            o.user = value;
        } else if (flag == "--password") {
            o.password = value;
        } else {
            throw std::runtime_error("unknown option " + flag + "\n" + kUsage);
        }
    }
    if (o.connections < 1 || o.events < 1 || o.threads < 1 || o.sources < 1 || o.sources > 254 || o.window < 1) {
        throw std::runtime_error(kUsage);
    }
    return o;
}

// --- process and machine -------------------------------------------------------------------------

// Every connection is a file descriptor here (and one in the server): the
// soft limit is often 1024 while the hard one allows far more.
rlim_t raise_fd_limit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        return 0;
    }
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
        getrlimit(RLIMIT_NOFILE, &limit);
    }
    return limit.rlim_cur;
}

// The server's resident set in KiB from /proc/<pid>/status, or -1.
long vm_rss_kib(long pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return std::stol(line.substr(6));
        }
    }
    return -1;
}

// CPU time (user + system) the process has used, in ms, from
// /proc/<pid>/stat; or -1. On a shared machine CPU per frame is steadier than
// latency, which also counts time spent waiting for a core.
double cpu_ms(long pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    const auto end_of_name = line.rfind(')');  // the command name may hold spaces
    if (end_of_name == std::string::npos) {
        return -1;
    }
    std::istringstream fields(line.substr(end_of_name + 2));
    std::string skip;
    for (int field = 3; field < 14; ++field) {  // state (3) .. cmajflt (13)
        fields >> skip;
    }
    double utime = 0, stime = 0;
    fields >> utime >> stime;
    return (utime + stime) * 1000.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double ms_between(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double, std::milli>(to - from).count();
}

// Nearest-rank percentile of sorted values.
double percentile(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) {
        return 0;
    }
    const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size())));
    return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

// --- REST ----------------------------------------------------------------------------------------

// One kept-alive HTTP/1.1 connection, synchronous: the REST calls are made one
// at a time from the main thread while the feeds run on the Asio threads.
class RestClient {
public:
    RestClient(const std::string& host, unsigned short port) : socket_(ioc_), host_(host + ":" + std::to_string(port)) {
        socket_.connect(tcp::endpoint(net::ip::make_address(host), port));
        socket_.set_option(tcp::no_delay(true));
    }

    void set_token(std::string token) { token_ = std::move(token); }

    // POSTs `body` and returns the parsed 2xx answer; anything else throws.
    json post(const std::string& target, const json& body) {
        http::request<http::string_body> req{http::verb::post, target, 11};
        req.set(http::field::host, host_);
        req.set(http::field::content_type, "application/json");
        if (!token_.empty()) {
            req.set(http::field::authorization, "Bearer " + token_);
        }
        req.keep_alive(true);
        req.body() = body.dump();
        req.prepare_payload();
        http::write(socket_, req);
        http::response<http::string_body> res;
        http::read(socket_, buffer_, res);
        if (res.result_int() / 100 != 2) {
            throw std::runtime_error("POST " + target + ": HTTP " + std::to_string(res.result_int()) + " " + res.body());
        }
        return json::parse(res.body());
    }

private:
    net::io_context ioc_;
    tcp::socket socket_;
    beast::flat_buffer buffer_;
    std::string host_;
    std::string token_;
};

std::int64_t task_id_of(const json& created) {
    return created.contains("task") ? created["task"]["id"].get<std::int64_t>() : created["id"].get<std::int64_t>();
}

// --- the feed connections ------------------------------------------------------------------------

// A frame as it arrived. Parsing waits until the run is over: on a shared
// 2-core box the client's JSON work would otherwise delay the receipt of the
// frames behind it and show up as server latency.
struct Receipt {
    Clock::time_point at;
    std::string frame;
};

class FeedClient;

// What every connection reports to; counters are read by the main thread
// while the Asio threads run.
class Fleet {
public:
    Fleet(net::io_context& ioc, const Options& options, const std::string& token);

    // Starts the first --window handshakes; each finished one starts the next.
    void open_all();
    const std::vector<std::shared_ptr<FeedClient>>& clients() const { return clients_; }

    void on_established() {
        ++established_;
        launch_next();
    }
    void on_failed(const std::string& reason) {
        ++failed_;
        note(failures_, reason);
        launch_next();
    }
    void on_lost(const std::string& reason) {
        ++lost_;
        note(losses_, reason);
    }
    void on_frame() { ++frames_; }

    int established() const { return established_; }
    int failed() const { return failed_; }
    int lost() const { return lost_; }
    long frames() const { return frames_; }
    std::map<std::string, int> failures() const {
        std::lock_guard lock(mutex_);
        return failures_;
    }
    std::map<std::string, int> losses() const {
        std::lock_guard lock(mutex_);
        return losses_;
    }

    const Options& options;
    const std::string target;  // /ws/tasks?token=...
    const tcp::endpoint server;

private:
    void launch_next();
    void note(std::map<std::string, int>& reasons, const std::string& reason) {
        std::lock_guard lock(mutex_);
        ++reasons[reason];
    }

    std::vector<std::shared_ptr<FeedClient>> clients_;
    std::atomic<std::size_t> next_{0};
    std::atomic<int> established_{0};
    std::atomic<int> failed_{0};
    std::atomic<int> lost_{0};  // closed after being established
    std::atomic<long> frames_{0};  // frames after connection_established, all connections
    mutable std::mutex mutex_;
    std::map<std::string, int> failures_;
    std::map<std::string, int> losses_;
};

// One WebSocket connection on its own strand: connect, handshake, then read
// until the process ends, stashing every frame after the first.
class FeedClient : public std::enable_shared_from_this<FeedClient> {
public:
    FeedClient(net::io_context& ioc, Fleet& fleet, net::ip::address source)
        : fleet_(fleet), source_(std::move(source)), ws_(net::make_strand(ioc)) {}

    void start() {
        net::dispatch(ws_.get_executor(), [self = shared_from_this()] { self->connect(); });
    }

    const std::vector<Receipt>& receipts() const { return receipts_; }
    bool established() const { return established_; }

private:
    void connect() {
        auto& stream = beast::get_lowest_layer(ws_);
        beast::error_code ec;
        stream.socket().open(tcp::v4(), ec);
        if (!ec && !source_.is_unspecified()) {
            // Several source addresses multiply the ephemeral ports to one
            // server port; without this option bind() would pick the port
            // before knowing the destination and allow fewer connections.
            const int one = 1;
            ::setsockopt(stream.socket().native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
            stream.socket().bind(tcp::endpoint(source_, 0), ec);
        }
        if (ec) {
            fail("socket: " + ec.message());
            return;
        }
        stream.expires_after(std::chrono::seconds(30));
        stream.async_connect(fleet_.server, [self = shared_from_this()](beast::error_code e) {
            e ? self->fail("connect: " + e.message()) : self->handshake();
        });
    }

    void handshake() {
        const auto host = fleet_.server.address().to_string() + ":" + std::to_string(fleet_.server.port());
        ws_.async_handshake(response_, host, fleet_.target, [self = shared_from_this()](beast::error_code e) {
            self->on_handshake(e);
        });
    }

    void on_handshake(beast::error_code ec) {
        if (ec) {
            // A refusal (429, 503, ...) arrives as an HTTP answer with a JSON body.
            fail("handshake: " + ec.message() +
                 (response_.result_int() ? " (HTTP " + std::to_string(response_.result_int()) + " " +
                                               response_.body().substr(0, 160) + ")"
                                         : ""));
            return;
        }
        response_ = {};
        beast::get_lowest_layer(ws_).expires_never();
        ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
        read_next();
    }

    void read_next() {
        ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code e, std::size_t) { self->on_read(e); });
    }

    void on_read(beast::error_code ec) {
        const auto at = Clock::now();  // first: this is the receipt time
        if (ec) {
            const auto reason = ec == websocket::error::closed
                                    ? "closed by server: " + std::to_string(ws_.reason().code) + " " +
                                          std::string(ws_.reason().reason.c_str())
                                    : ec.message();
            established_ ? fleet_.on_lost(reason) : fail("first frame: " + reason);
            return;
        }
        auto frame = beast::buffers_to_string(buffer_.data());
        buffer_.consume(buffer_.size());
        if (!established_) {
            const auto first = json::parse(frame, nullptr, /*allow_exceptions=*/false);
            if (!first.is_object() || first.value("type", "") != "connection_established") {
                fail("first frame is not connection_established: " + frame.substr(0, 160));
                return;
            }
            established_ = true;
            fleet_.on_established();
        } else {
            receipts_.push_back({at, std::move(frame)});
            fleet_.on_frame();
        }
        read_next();
    }

    void fail(const std::string& reason) {
        beast::error_code ignored;
        beast::get_lowest_layer(ws_).socket().close(ignored);
        fleet_.on_failed(reason);
    }

    Fleet& fleet_;
    net::ip::address source_;
    websocket::stream<beast::tcp_stream> ws_;
    websocket::response_type response_;
    beast::flat_buffer buffer_;
    bool established_ = false;
    std::vector<Receipt> receipts_;
};

Fleet::Fleet(net::io_context& ioc, const Options& o, const std::string& token)
    : options(o), target("/ws/tasks?token=" + token),
      server(net::ip::make_address(o.host), o.ws_port) {
    clients_.reserve(static_cast<std::size_t>(o.connections));
    for (int i = 0; i < o.connections; ++i) {
        const auto source = o.sources > 1 ? net::ip::make_address_v4(0x7f000001u + static_cast<unsigned>(i % o.sources))
                                          : net::ip::address_v4();
        clients_.push_back(std::make_shared<FeedClient>(ioc, *this, source));
    }
}

void Fleet::open_all() {
    for (int i = 0; i < std::min(options.window, options.connections); ++i) {
        launch_next();
    }
}

void Fleet::launch_next() {
    const auto i = next_++;
    if (i < clients_.size()) {
        clients_[i]->start();
    }
}

// --- the run -------------------------------------------------------------------------------------

// Polls `done` every 10 ms until it holds or `timeout` passes.
template <typename Predicate>
bool wait_for(Predicate done, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (!done()) {
        if (Clock::now() > deadline) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

void print_reasons(const char* what, const std::map<std::string, int>& reasons) {
    for (const auto& [reason, count] : reasons) {
        std::cout << "  " << what << " x" << count << ": " << reason << "\n";
    }
}

// Opens every connection and says how fast. Connections that fail are
// reported with their reason and the run goes on with the others.
void open_connections(Fleet& fleet, const Options& o) {
    const auto start = Clock::now();
    fleet.open_all();
    const bool settled = wait_for([&] { return fleet.established() + fleet.failed() >= o.connections; },
                                  std::chrono::seconds(o.connect_timeout_s));
    const double seconds = ms_between(start, Clock::now()) / 1000;
    std::printf("connections: %d established of %d in %.1f s (%.0f/s)\n", fleet.established(), o.connections, seconds,
                fleet.established() / seconds);
    if (!settled) {
        std::printf("  %d still pending after %d s\n", o.connections - fleet.established() - fleet.failed(),
                    o.connect_timeout_s);
    }
    print_reasons("failed", fleet.failures());
}

struct Posted {
    std::map<std::int64_t, Clock::time_point> sent;  // task id -> t0
    std::vector<double> post_ms;                     // REST round trip of each create
    int late = 0;                                    // events not everywhere within the timeout
};

// Creates the tasks one by one; before the pause after each, waits until
// every open connection has one more frame.
Posted create_tasks(RestClient& rest, const Fleet& fleet, const Options& o) {
    Posted posted;
    for (int i = 0; i < o.events; ++i) {
        const long expected = fleet.frames() + (fleet.established() - fleet.lost());
        const auto t0 = Clock::now();
        const auto created = rest.post("/api/v1/tasks", {{"title", "ws_bench event " + std::to_string(i + 1)}});
        posted.post_ms.push_back(ms_between(t0, Clock::now()));
        posted.sent[task_id_of(created)] = t0;
        if (!wait_for([&] { return fleet.frames() >= expected; }, std::chrono::seconds(o.event_timeout_s))) {
            ++posted.late;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(o.pause_ms));
    }
    return posted;
}

struct Summary {
    std::vector<double> latency_ms;  // sorted
    long missed = 0;
    long duplicates = 0;
    std::map<std::string, int> other;  // frames that are not our task_created, by type
    // Per task: when the first and the last connection had it (ms after t0);
    // the first is the REST commit plus the dispatch, last - first the fan-out.
    std::map<std::int64_t, std::pair<double, double>> per_event;
};

// Matches each connection's stashed frames to the created tasks.
Summary summarise(const Fleet& fleet, const Posted& posted) {
    Summary s;
    for (const auto& client : fleet.clients()) {
        if (!client->established()) {
            continue;  // reported as a failed connection already
        }
        std::set<std::int64_t> seen;
        for (const auto& receipt : client->receipts()) {
            const auto frame = json::parse(receipt.frame, nullptr, false);
            const auto type = frame.is_object() ? frame.value("type", "?") : "not JSON";
            const auto* task = frame.is_object() && frame.contains("data") && frame["data"].contains("task")
                                   ? &frame["data"]["task"]
                                   : nullptr;
            const auto sent = task ? posted.sent.find(task->value("id", std::int64_t{0})) : posted.sent.end();
            if (type != "task_created" || sent == posted.sent.end()) {
                ++s.other[type];
            } else if (!seen.insert(sent->first).second) {
                ++s.duplicates;
            } else {
                const double ms = ms_between(sent->second, receipt.at);
                s.latency_ms.push_back(ms);
                auto [span, fresh] = s.per_event.try_emplace(sent->first, ms, ms);
                if (!fresh) {
                    span->second = {std::min(span->second.first, ms), std::max(span->second.second, ms)};
                }
            }
        }
        s.missed += static_cast<long>(posted.sent.size() - seen.size());
    }
    std::sort(s.latency_ms.begin(), s.latency_ms.end());
    return s;
}

void print_latency(const Summary& s, const Posted& posted, const Options& o) {
    auto post_ms = posted.post_ms;
    std::sort(post_ms.begin(), post_ms.end());
    std::printf("events: %d tasks created %d ms apart; POST round trip p50 %.2f ms, max %.2f ms\n", o.events,
                o.pause_ms, percentile(post_ms, 0.5), post_ms.empty() ? 0.0 : post_ms.back());
    std::printf("latency POST sent -> task_created received, %zu frames: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
                s.latency_ms.size(), percentile(s.latency_ms, 0.5), percentile(s.latency_ms, 0.99),
                s.latency_ms.empty() ? 0.0 : s.latency_ms.back());
    std::vector<double> first, last;
    for (const auto& [id, span] : s.per_event) {
        first.push_back(span.first);
        last.push_back(span.second);
    }
    std::sort(first.begin(), first.end());
    std::sort(last.begin(), last.end());
    std::printf("per event (median over the %zu events): first connection served after %.2f ms, last after %.2f ms\n",
                first.size(), percentile(first, 0.5), percentile(last, 0.5));
    std::printf("missed frames: %ld, duplicates: %ld, events not delivered everywhere within %d s: %d\n", s.missed,
                s.duplicates, o.event_timeout_s, posted.late);
    for (const auto& [type, count] : s.other) {
        std::printf("  other frames x%d: %s\n", count, type.c_str());
    }
}

int run(const Options& o) {
    const auto fd_limit = raise_fd_limit();
    if (fd_limit < static_cast<rlim_t>(o.connections) + 64) {
        std::printf("warning: RLIMIT_NOFILE is %lu here, %d connections need about %d descriptors\n",
                    static_cast<unsigned long>(fd_limit), o.connections, o.connections + 64);
    }
    RestClient rest(o.host, o.port);
    const auto token = rest.post("/api/v1/auth/login", {{"username", o.user}, {"password", o.password}})
                           .at("access_token")
                           .get<std::string>();
    rest.set_token(token);

    net::io_context ioc;
    Fleet fleet(ioc, o, token);
    auto work = net::make_work_guard(ioc);
    std::vector<std::thread> threads;
    for (int i = 0; i < o.threads; ++i) {
        threads.emplace_back([&ioc] { ioc.run(); });
    }

    const long rss_before = o.server_pid ? vm_rss_kib(o.server_pid) : -1;
    open_connections(fleet, o);
    std::this_thread::sleep_for(std::chrono::seconds(o.idle_seconds));
    const long rss_after = o.server_pid ? vm_rss_kib(o.server_pid) : -1;
    if (rss_before > 0 && rss_after > 0 && fleet.established() > 0) {
        std::printf("server VmRSS: %ld KiB before, %ld KiB with %d idle connections: %.2f KiB per connection\n",
                    rss_before, rss_after, fleet.established(),
                    static_cast<double>(rss_after - rss_before) / fleet.established());
    }

    const double server_cpu_before = o.server_pid ? cpu_ms(o.server_pid) : -1;
    const double client_cpu_before = cpu_ms(getpid());
    const auto posted = create_tasks(rest, fleet, o);
    const double server_cpu = o.server_pid ? cpu_ms(o.server_pid) - server_cpu_before : -1;
    const double client_cpu = cpu_ms(getpid()) - client_cpu_before;
    // Stop the readers before looking at what they stashed.
    work.reset();
    ioc.stop();
    for (auto& t : threads) {
        t.join();
    }
    print_reasons("closed during the run", fleet.losses());
    const auto summary = summarise(fleet, posted);
    print_latency(summary, posted, o);
    const double frames = static_cast<double>(std::max<std::size_t>(summary.latency_ms.size(), 1));
    if (server_cpu >= 0) {
        std::printf("CPU while the events ran: server %.0f ms (%.1f us per frame delivered), client %.0f ms (%.1f us)\n",
                    server_cpu, 1000 * server_cpu / frames, client_cpu, 1000 * client_cpu / frames);
    }
    const bool complete = fleet.established() == o.connections && fleet.lost() == 0 && summary.missed == 0;
    return complete ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(parse_options(argc, argv));
    } catch (const std::exception& e) {
        std::cerr << "ws_bench: " << e.what() << "\n";
        return 2;
    }
}
