#pragma once
// spdlog set-up: text or JSON lines (logging.format), one sink shared by the
// core's and every plugin's logger. While a request is handled its id is kept
// in a thread-local, and every line logged on that thread carries it.
#include <spdlog/logger.h>

#include <memory>
#include <string>

namespace tasklane::core {

// Configures the default sink and level. format: "text" | "json".
void configure_logging(const std::string& level, const std::string& format);
// A logger named `name` on the shared sink (created on first use).
std::shared_ptr<spdlog::logger> make_logger(const std::string& name);

// RAII: lines logged on this thread while it lives carry request_id.
class RequestLogScope {
public:
    explicit RequestLogScope(const std::string& request_id);
    ~RequestLogScope();
    RequestLogScope(const RequestLogScope&) = delete;
    RequestLogScope& operator=(const RequestLogScope&) = delete;

private:
    const std::string* previous_;
};

std::string json_escape(const std::string& text);

}  // namespace tasklane::core
