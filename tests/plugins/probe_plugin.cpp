// A test-only plugin that exercises the host's failure paths: a handler that
// throws, a route that publishes events, and a subscriber that records each
// event it handled (fsynced) or hangs on its first one, so a test can kill
// the server between commit and dispatch; and a job kind "probe.job" whose
// runs are recorded in job_file ("<id> <attempt> start|done|failed <ms>"), that
// fails its first fail_times attempts, fails permanently, or sleeps, on demand.
// It also stands in for the consumers of the SDK services: it records what the
// user feed pushes (GET /api/v1/probe/feed), pushes to it (POST /api/v1/probe/push) and calls the Notifier,
// WebhookTargets, UserDirectory and TaskApi services other plugins provide.
#include <tasklane/sdk/sdk.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
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
             ConfigKey::value("fail_times", ConfigType::Integer, 0,
                              "The subscriber throws on its first fail_times calls for each event"),
             ConfigKey::value("job_file", ConfigType::String, "", "File the probe.job handler appends its runs to")});
    }

    void start(Host& host) override {
        record_file_ = host.config().value("record_file", "");
        hang_ = host.config().value("hang_on_first_event", false);
        fail_times_ = host.config().value("fail_times", 0);
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

        register_service_probes(host);

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
                                         if (++calls_[event.id] <= fail_times_) {
                                             throw std::runtime_error("probe subscriber fails on purpose");
                                         }
                                         if (!record_file_.empty()) {
                                             append_line(record_file_, std::to_string(event.id) + "\n");
                                         }
                                     },
                                 .durable = true});
    }

    void stop() override {
        stopping_ = true;
        feed_->unlisten(feed_listener_);
    }

private:
    // Routes that reach the services other plugins provide, looked up per call
    // (the probe does not require those plugins).
    void register_service_probes(Host& host) {
        feed_ = &host.user_feed();
        feed_listener_ = feed_->listen([this](std::int64_t user_id, const std::string& channel, const nlohmann::json& m) {
            std::lock_guard lock(feed_mutex_);
            feed_log_.push_back({{"user_id", user_id}, {"channel", channel}, {"message", m}});
        });
        host.routes().add({.method = "GET", .path = "/api/v1/probe/feed", .summary = "What the user feed pushed"},
                          [this](const Request&) {
                              std::lock_guard lock(feed_mutex_);
                              return Response::json(200, {{"items", feed_log_}});
                          });
        // {user_id, channel, count, bytes}: `count` live pushes of about `bytes` each (a flood for slow clients).
        host.routes().add({.method = "POST", .path = "/api/v1/probe/push", .summary = "Pushes to a user's feed"},
                          [this](const Request& req) {
                              const auto body = nlohmann::json::parse(req.body);
                              const auto count = body.value("count", 1);
                              const std::string pad(body.value("bytes", std::size_t{0}), 'x');
                              for (int i = 0; i < count; ++i) {
                                  feed_->push(body.at("user_id").get<std::int64_t>(), body.at("channel").get<std::string>(),
                                              {{"type", "probe"}, {"n", i}, {"pad", pad}});
                              }
                              return Response::no_content();
                          });
        Services& services = host.services();
        Database& db = host.database();
        // {user_id, type, title, body, data} -> {id}: Notifier::notify in a transaction of the probe's.
        host.routes().add({.method = "POST", .path = "/api/v1/probe/notify", .summary = "Calls the Notifier service"},
                          [&services, &db](const Request& req) {
                              auto notifier = services.find<Notifier>();
                              if (!notifier) {
                                  throw ApiError(501, "not_provided", "no Notifier service");
                              }
                              const auto body = req.json();
                              Notice notice{body.value("user_id", std::int64_t{0}), body.value("type", "message"),
                                            body.value("title", ""), body.value("body", ""),
                                            body.value("data", nlohmann::json::object())};
                              auto tx = db.begin();
                              const auto id = notifier->notify(*tx, notice);
                              tx->commit();
                              return Response::json(201, {{"id", id}});
                          });
        // {target, payload} -> {delivery_id}: WebhookTargets::send, as api.webhook will.
        host.routes().add({.method = "POST", .path = "/api/v1/probe/webhook", .summary = "Calls WebhookTargets"},
                          [&services, &db](const Request& req) {
                              auto targets = services.find<WebhookTargets>();
                              if (!targets) {
                                  throw ApiError(501, "not_provided", "no WebhookTargets service");
                              }
                              const auto body = req.json();
                              auto tx = db.begin();
                              const auto id = targets->send(*tx, body.value("target", ""), body.value("payload", nlohmann::json()),
                                                            Actor::rule("probe"));
                              tx->commit();
                              return Response::json(201, {{"delivery_id", id}});
                          });
        // {login} -> the UserInfo, {task} -> TaskApi::create as that user.
        host.routes().add({.method = "POST", .path = "/api/v1/probe/act-as", .summary = "Calls UserDirectory and TaskApi"},
                          [&services](const Request& req) {
                              auto users = services.find<UserDirectory>();
                              auto tasks = services.find<TaskApi>();
                              if (!users || !tasks) {
                                  throw ApiError(501, "not_provided", "no UserDirectory or TaskApi service");
                              }
                              const auto body = req.json();
                              const auto user = users->find(body.value("login", ""));
                              if (!user) {
                                  throw ApiError::not_found("no such user");
                              }
                              const auto task = tasks->create(user->as_caller(), body.value("task", nlohmann::json::object()),
                                                              Actor::rule("probe"));
                              return Response::json(201, {{"user", {{"id", user->id}, {"username", user->username}}},
                                                          {"task", task},
                                                          {"visible_to_user", tasks->visible_to(user->as_caller(), task)}});
                          });
    }

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

    UserFeed* feed_ = nullptr;
    std::uint64_t feed_listener_ = 0;
    std::mutex feed_mutex_;
    nlohmann::json feed_log_ = nlohmann::json::array();
    std::string job_file_;
    std::string record_file_;
    int fail_times_ = 0;
    std::map<std::int64_t, int> calls_;  // per event: handler calls (the dispatcher thread only)
    bool hang_ = false;
    std::atomic<bool> stopping_{false};
};

}  // namespace probe

TASKLANE_PLUGIN(probe::ProbePlugin, "probe")
