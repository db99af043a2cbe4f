#include "logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>
#include <mutex>

namespace tasklane::core {

namespace {

thread_local const std::string* current_request_id = nullptr;

std::mutex sink_mutex;
spdlog::sink_ptr shared_sink;
bool json_format = false;
spdlog::level::level_enum shared_level = spdlog::level::info;

std::string timestamp(const spdlog::details::log_msg& msg) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch()).count();
    const std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
    return buf;
}

// One JSON object per line: {"ts","level","logger","msg","request_id"?}.
class JsonFormatter : public spdlog::formatter {
public:
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        std::string line = "{\"ts\":\"" + timestamp(msg) + "\",\"level\":\"" +
                           std::string(spdlog::level::to_string_view(msg.level).data()) + "\",\"logger\":\"" +
                           json_escape(std::string(msg.logger_name.data(), msg.logger_name.size())) +
                           "\",\"msg\":\"" + json_escape(std::string(msg.payload.data(), msg.payload.size())) + "\"";
        if (current_request_id) {
            line += ",\"request_id\":\"" + json_escape(*current_request_id) + "\"";
        }
        line += "}\n";
        dest.append(line.data(), line.data() + line.size());
    }
    std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

// "2026-11-28T04:41:03.120Z info  [http] message [rid=...]"
class TextFormatter : public spdlog::formatter {
public:
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        std::string line = timestamp(msg) + " " + std::string(spdlog::level::to_string_view(msg.level).data()) + " [" +
                           std::string(msg.logger_name.data(), msg.logger_name.size()) + "] " +
                           std::string(msg.payload.data(), msg.payload.size());
        if (current_request_id) {
            line += " [request_id=" + *current_request_id + "]";
        }
        line += "\n";
        dest.append(line.data(), line.data() + line.size());
    }
    std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<TextFormatter>(); }
};

spdlog::sink_ptr sink() {
    std::lock_guard lock(sink_mutex);
    if (!shared_sink) {
        shared_sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
        shared_sink->set_formatter(std::make_unique<TextFormatter>());
    }
    return shared_sink;
}

}  // namespace

std::string json_escape(const std::string& text) {
    std::string out;
    out.reserve(text.size() + 8);
    for (unsigned char c : text) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out.push_back(static_cast<char>(c));
                }
        }
    }
    return out;
}

void configure_logging(const std::string& level, const std::string& format) {
    auto s = sink();
    {
        std::lock_guard lock(sink_mutex);
        json_format = format == "json";
        shared_level = spdlog::level::from_str(level);
    }
    if (json_format) {
        s->set_formatter(std::make_unique<JsonFormatter>());
    } else {
        s->set_formatter(std::make_unique<TextFormatter>());
    }
    spdlog::apply_all([&](const std::shared_ptr<spdlog::logger>& l) { l->set_level(shared_level); });
}

std::shared_ptr<spdlog::logger> make_logger(const std::string& name) {
    if (auto existing = spdlog::get(name)) {
        return existing;
    }
    auto logger = std::make_shared<spdlog::logger>(name, sink());
    {
        std::lock_guard lock(sink_mutex);
        logger->set_level(shared_level);
    }
    logger->flush_on(spdlog::level::warn);
    try {
        spdlog::register_logger(logger);
    } catch (const spdlog::spdlog_ex&) {
        return spdlog::get(name);  // another thread registered it first
    }
    return logger;
}

RequestLogScope::RequestLogScope(const std::string& request_id) : previous_(current_request_id) {
    current_request_id = &request_id;
}

RequestLogScope::~RequestLogScope() { current_request_id = previous_; }

}  // namespace tasklane::core
