// A test-only plugin that exercises the host's failure paths: a handler that
// throws, a route that publishes events, and a subscriber that records each
// event it handled (fsynced) or hangs on its first one, so a test can kill
// the server between commit and dispatch; and a job kind "probe.job" whose
// runs are recorded in job_file ("<id> <attempt> start|done|failed <ms>"), that
// fails its first fail_times attempts, fails permanently, or sleeps, on demand.
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
                              "Block the subscriber on its first event (until the process is killed)"),
             ConfigKey::value("job_file", ConfigType::String, "", "File the probe.job handler appends its runs to")});
    }

    void start(Host& host) override {
        record_file_ = host.config().value("record_file", "");
        hang_ = host.config().value("hang_on_first_event", false);
        Database& db = host.database();
        job_file_ = host.config().value("job_file", "");
        JobQueue& jobs = host.jobs();

        // {count, fail_times, permanent, sleep_ms, max_attempts, delay_ms}: enqueues
        // count probe.job jobs in one transaction; {ids}.
        host.routes().add({.method = "POST", .path = "/api/v1/probe/jobs", .summary = "Enqueues probe jobs"},
                          [&db, &jobs](const Request& req) {
                              const auto body = req.json();
                              JobOptions options;
                              options.max_attempts = body.value("max_attempts", 0);
                              options.delay = std::chrono::milliseconds(body.value("delay_ms", 0));
                              nlohmann::json payload = {{"fail_times", body.value("fail_times", 0)},
                                                        {"permanent", body.value("permanent", false)},
                                                        {"sleep_ms", body.value("sleep_ms", 0)}};
                              nlohmann::json ids = nlohmann::json::array();
                              auto tx = db.begin();
                              for (int i = 0; i < body.value("count", 1); ++i) {
                                  ids.push_back(jobs.enqueue(*tx, "probe.job", payload, options));
                              }
                              if (body.value("fail_before_commit", false)) {
                                  throw ApiError(422, "probe_failed", "failed before commit on purpose");
                              }
                              tx->commit();
                              return Response::json(201, {{"ids", ids}});
                          });
        jobs.handle("probe.job", [this](const Job& job) { run_job(job); });

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
    void run_job(const Job& job) {
        auto record = [&](const std::string& what) {
            if (!job_file_.empty()) {
                const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
                append_line(job_file_, std::to_string(job.id) + " " + std::to_string(job.attempt) + " " + what + " " +
                                           std::to_string(ms) + "\n");
            }
        };
        record("start");
        std::this_thread::sleep_for(std::chrono::milliseconds(job.payload.value("sleep_ms", 0)));
        if (job.payload.value("permanent", false)) {
            record("failed");
            throw PermanentJobFailure("probe refuses this job for good");
        }
        if (job.attempt <= job.payload.value("fail_times", 0)) {
            record("failed");
            throw std::runtime_error("probe failure on attempt " + std::to_string(job.attempt));
        }
        record("done");
    }

    std::string job_file_;
    std::string record_file_;
    bool hang_ = false;
    std::atomic<bool> stopping_{false};
};

}  // namespace probe

TASKLANE_PLUGIN(probe::ProbePlugin, "probe")
