#include "http_server.hpp"

#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/http_headers.h>

#include <sstream>

namespace tasklane::core {

namespace {

using namespace Pistache;

// Pistache 0.0.5 serialises only typed headers into a response (raw ones
// added with addRaw are dropped), so every header we send goes through this.
class NamedHeader : public Http::Header::Header {
public:
    NamedHeader(std::string name, std::string value) : name_(std::move(name)), value_(std::move(value)) {}
    const char* name() const override { return name_.c_str(); }
    void write(std::ostream& stream) const override { stream << value_; }
#ifdef SAFE_HEADER_CAST
    // Only used by Pistache's checked casts to its own typed headers.
    uint64_t hash() const override { return std::hash<std::string>{}(name_); }
#endif

private:
    std::string name_;
    std::string value_;
};

sdk::Request to_sdk_request(const Http::Request& req) {
    sdk::Request out;
    out.method = Http::methodString(req.method());
    out.path = req.resource();
    // Pistache splits the query but leaves it percent-encoded.
    for (auto it = req.query().parameters_begin(); it != req.query().parameters_end(); ++it) {
        out.query.emplace(sdk::url_decode(it->first, true), sdk::url_decode(it->second, true));
    }
    // Pistache parses well-known headers into typed objects and keeps the rest raw.
    for (const auto& header : req.headers().list()) {
        std::ostringstream value;
        header->write(value);
        out.headers[header->name()] = value.str();
    }
    for (const auto& [name, raw] : req.headers().rawList()) {
        out.headers[raw.name()] = raw.value();
    }
    out.body = req.body();
    out.remote_address = req.address().host();
    return out;
}

// Pistache answers `Connection: Close` to an HTTP/1.1 request that has no
// Connection header, although RFC 9112 makes such connections persistent
// (measured: 14k req/s that way against 63k with keep-alive). Its writer
// already holds that header when the handler runs, so drop it there.
void keep_alive_by_default(const Http::Request& req, Http::ResponseWriter& writer) {
    if (req.version() == Http::Version::Http11 && !req.headers().has("Connection")) {
        writer.headers().remove("Connection");
    }
}

class PistacheHandler : public Http::Handler {
public:
    HTTP_PROTOTYPE(PistacheHandler)

    explicit PistacheHandler(HttpPipeline* pipeline) : pipeline_(pipeline) {}

    void onRequest(const Http::Request& req, Http::ResponseWriter writer) override {
        sdk::Request request = to_sdk_request(req);
        // Responses are sent from this (the reactor) thread only: a send from
        // another thread can stall until the next request in Pistache 0.0.5.
        sdk::Response response = pipeline_->handle(request);
        keep_alive_by_default(req, writer);
        for (const auto& [name, value] : response.headers) {
            writer.headers().add(std::make_shared<NamedHeader>(name, value));
        }
        writer.send(static_cast<Http::Code>(response.status), response.body);
    }

private:
    HttpPipeline* pipeline_;
};

}  // namespace

struct HttpServer::Impl {
    HttpPipeline& pipeline;
    HttpServerOptions options;
    std::unique_ptr<Http::Endpoint> endpoint;
};

HttpServer::HttpServer(HttpPipeline& pipeline, HttpServerOptions options)
    : impl_(std::make_unique<Impl>(Impl{pipeline, std::move(options), nullptr})) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() {
    const auto& o = impl_->options;
    Address address(o.host, Port(o.port));
    impl_->endpoint = std::make_unique<Http::Endpoint>(address);
    // maxRequestSize covers request line, headers and body (default 4 KiB!).
    // Bodies over max_body_bytes but within this are refused by the pipeline
    // with our error body.
    auto opts = Http::Endpoint::options()
                    .threads(o.threads)
                    // NoDelay: a response written in two sends (headers, body) must not
                    // wait for a delayed ACK (Nagle), which costs ~40 ms per keep-alive request.
                    .flags(Tcp::Options::ReuseAddr | Tcp::Options::NoDelay)
                    .maxRequestSize(o.max_body_bytes + o.max_header_bytes)
                    .maxResponseSize(64 << 20)
                    .headerTimeout(o.header_timeout)
                    .bodyTimeout(o.body_timeout)
                    .keepaliveTimeout(o.keepalive_timeout);
    impl_->endpoint->init(opts);
    if (!o.tls_certificate.empty()) {
        impl_->endpoint->useSSL(o.tls_certificate, o.tls_key);  // throws when a file is unreadable or invalid
    }
    impl_->endpoint->setHandler(Http::make_handler<PistacheHandler>(&impl_->pipeline));
    impl_->endpoint->serveThreaded();
}

std::uint16_t HttpServer::port() const {
    return impl_->endpoint ? static_cast<std::uint16_t>(impl_->endpoint->getPort()) : 0;
}

void HttpServer::stop() {
    if (impl_ && impl_->endpoint) {
        impl_->endpoint->shutdown();
        impl_->endpoint.reset();
    }
}

}  // namespace tasklane::core
