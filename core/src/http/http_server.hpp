#pragma once
// The Pistache listener in front of HttpPipeline. Pistache types stay in
// http_server.cpp.
#include "http_pipeline.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace tasklane::core {

struct HttpServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;  // 0: any free port (tests)
    int threads = 4;
    std::size_t max_body_bytes = 1 << 20;
    std::size_t max_header_bytes = 16 << 10;
    std::chrono::milliseconds header_timeout{10000};
    std::chrono::milliseconds body_timeout{30000};
    std::chrono::milliseconds keepalive_timeout{30000};
    // Both set: HTTPS with Pistache's own TLS (PEM files). Behind nginx, leave empty.
    std::string tls_certificate;
    std::string tls_key;
};

class HttpServer {
public:
    HttpServer(HttpPipeline& pipeline, HttpServerOptions options);
    ~HttpServer();
    // Binds and starts the worker threads; throws with the address on failure.
    void start();
    std::uint16_t port() const;
    // Stops accepting and closes connections once the workers are idle.
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tasklane::core
