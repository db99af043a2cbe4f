// A test-only plugin that exercises the host's failure paths: a handler that
// throws, a route that publishes events, and a subscriber that records each
// event it handled (fsynced) or hangs on its first one, so a test can kill
// the server between commit and dispatch.
#include <tasklane/sdk/sdk.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace probe {

using namespace tasklane::sdk;

namespace {

void append_line(const std::string& file, const std::string& line) {
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd < 0) {
        throw std::runtime_error("cannot open " + file);
    }
    const auto written = ::write(fd, line.data(), line.size());
    ::fsync(fd);
    ::close(fd);
    if (written != static_cast<ssize_t>(line.size())) {
        throw std::runtime_error("short write to " + file);
    }
}

}  // namespace

class ProbePlugin : public Plugin {
public:
    PluginInfo info() const override { return {.name = "probe", .version = "0.0.1", .description = "test probe", .requires_plugins = {}}; }

    ConfigKey config_schema() const override {
        return ConfigKey::section(
            "probe", "Test probe.",
            {ConfigKey::value("record_file", ConfigType::String, "", "File the subscriber appends event ids to"),
             ConfigKey::value("hang_on_first_event", ConfigType::Boolean, false,
                              "Block the subscriber on its first event (until the process is killed)")});
    }

    void start(Host& host) override {
        record_file_ = host.config().value("record_file", "");
        hang_ = host.config().value("hang_on_first_event", false);
        Database& db = host.database();

        host.routes().add({.method = "GET", .path = "/api/v1/probe/boom", .summary = "Throws"},
                          [](const Request&) -> Response { throw std::runtime_error("probe exploded on purpose"); });

        host.routes().add({.method = "POST", .path = "/api/v1/probe/events", .summary = "Publishes N events"},
                          [&db](const Request& req) {
                              const auto body = req.json();
                              const int count = body.value("count", 1);
                              nlohmann::json ids = nlohmann::json::array();
                              for (int i = 0; i < count; ++i) {
                                  auto tx = db.begin();
                                  ids.push_back(tx->publish("probe.ping", Actor::user(7), {{"n", i}}));
                                  if (body.value("fail_before_commit", false)) {
                                      throw ApiError(422, "probe_failed", "failed before commit on purpose");
                                  }
                                  tx->commit();
                              }
                              return Response::json(201, {{"ids", ids}});
                          });

        host.events().subscribe({.name = "probe.recorder",
                                 .types = {"probe.ping"},
                                 .handler =
                                     [this](const Event& event) {
                                         if (hang_) {
                                             append_line(record_file_ + ".hanging", std::to_string(event.id) + "\n");
                                             while (!stopping_) {
                                                 std::this_thread::sleep_for(std::chrono::milliseconds(50));
                                             }
                                             return;
                                         }
                                         if (!record_file_.empty()) {
                                             append_line(record_file_, std::to_string(event.id) + "\n");
                                         }
                                     },
                                 .durable = true});
    }

    void stop() override { stopping_ = true; }

private:
    std::string record_file_;
    bool hang_ = false;
    std::atomic<bool> stopping_{false};
};

}  // namespace probe

TASKLANE_PLUGIN(probe::ProbePlugin, "probe")
