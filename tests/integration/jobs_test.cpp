// The durable job queue end to end, with the probe plugin's probe.job kind
// (its runs are recorded in a file, "<id> <attempt> start|done|failed <ms>")
// and the admin API of the auth plugin's bootstrap administrator: a job runs
// once, failures are retried with growing backoff until max_attempts, dead
// jobs can be retried, an enqueue rolled back leaves no job, the list filters,
// /metrics and /health/ready report the queue, a SIGKILLed server's
// interrupted jobs run again after a restart (and finished ones do not), and
// two servers on one PostgreSQL database run each job once.
#include "../support/api_assertions.hpp"
#include "../support/http_client.hpp"
#include "../support/server_process.hpp"
#include "../support/test_env.hpp"
#include "tasks_fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace tasklane::test {
namespace {

using namespace std::chrono_literals;

// Small timings: retries come 100-200 ms, then 200-400 ms after a failure.
constexpr const char* kJobsYaml = "jobs:\n  poll_interval: 50ms\n  backoff_base: 200ms\n  lease: 2s\n";
constexpr const char* kJobsPath = "/api/v1/jobs";

std::int64_t now_ms() { return tasks::now_ms(); }

// One line of the probe's job file.
struct JobRun {
    std::int64_t id = 0;
    int attempt = 0;
    std::string what;  // start, done or failed
    std::int64_t ms = 0;
};

// Complete lines only: a line still being written is left for the next read.
std::vector<JobRun> read_runs(const std::string& file) {
    std::ifstream in(file);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    std::vector<JobRun> runs;
    std::size_t begin = 0;
    for (auto end = text.find('\n', begin); end != std::string::npos; begin = end + 1, end = text.find('\n', begin)) {
        std::istringstream line(text.substr(begin, end - begin));
        JobRun r;
        if (line >> r.id >> r.attempt >> r.what >> r.ms) {
            runs.push_back(r);
        }
    }
    return runs;
}

std::vector<JobRun> runs_of(const std::vector<JobRun>& runs, std::int64_t id, const std::string& what = "") {
    std::vector<JobRun> out;
    for (const auto& r : runs) {
        if (r.id == id && (what.empty() || r.what == what)) {
            out.push_back(r);
        }
    }
    return out;
}

std::vector<int> attempts_of(const std::vector<JobRun>& runs) {
    std::vector<int> out;
    for (const auto& r : runs) {
        out.push_back(r.attempt);
    }
    return out;
}

std::string describe(const std::vector<JobRun>& runs) {
    std::string out;
    for (const auto& r : runs) {
        out += std::to_string(r.id) + " " + std::to_string(r.attempt) + " " + r.what + " " + std::to_string(r.ms) + "\n";
    }
    return out;
}

std::string probe_yaml(const std::string& job_file) { return "probe:\n  job_file: \"" + job_file + "\"\n"; }

// POST /api/v1/probe/jobs (public) that must succeed: the new job ids.
std::vector<std::int64_t> enqueue(std::uint16_t port, const nlohmann::json& body) {
    const auto r = http(port, "POST", "/api/v1/probe/jobs", body.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    const auto json = nlohmann::json::parse(r.body, nullptr, false);
    if (!json.is_object() || !json.contains("ids")) {
        ADD_FAILURE() << "no ids in " << r.body;
        return {};
    }
    return json["ids"].get<std::vector<std::int64_t>>();
}

// The value of one sample line of a Prometheus text exposition; 0 when absent.
double metric(const std::string& text, const std::string& series) {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind(series + " ", 0) == 0) {
            return std::stod(line.substr(series.size() + 1));
        }
    }
    return 0;
}

bool has_series(const std::string& text, const std::string& series) {
    return text.find("\n" + series + " ") != std::string::npos || text.rfind(series + " ", 0) == 0;
}

// In-process server with the auth plugin (admin API authenticator, bootstrap
// admin "root") and the probe plugin (probe.job) from one plugin directory of
// links, on a fresh database of the test's dialect.
class JobsTest : public ::testing::TestWithParam<sdk::Dialect> {
protected:
    void SetUp() override {
        db_ = std::make_unique<TestDatabase>(GetParam(), dir_);
        job_file_ = dir_.file("jobs.txt");
        const auto plugins = dir_.path() / "plugins";
        std::filesystem::create_directories(plugins);
        std::filesystem::create_symlink(std::filesystem::path(plugin_dir()) / "auth.so", plugins / "auth.so");
        std::filesystem::create_symlink(std::filesystem::path(test_plugin_dir()) / "probe.so", plugins / "probe.so");
        server_ = std::make_unique<TestServer>(write_config(dir_, db_->url(), plugins.string(), "auth, probe",
                                                            tasks::auth_yaml() + probe_yaml(job_file_) + kJobsYaml));
    }
    void TearDown() override {
        server_.reset();
        db_.reset();
    }

    std::uint16_t port() const { return server_->port(); }

    std::string login(const std::string& username, const std::string& password) {
        const auto r = http(port(), "POST", "/api/v1/auth/login",
                            nlohmann::json{{"username", username}, {"password", password}}.dump());
        EXPECT_EQ(r.status, 200) << r.body;
        return nlohmann::json::parse(r.body, nullptr, false).value("access_token", "");
    }
    const std::string& admin_token() {
        if (admin_token_.empty()) {
            admin_token_ = login("root", tasks::kAdminPassword);
        }
        return admin_token_;
    }
    std::string member_token(const std::string& username) {
        const auto r = http(port(), "POST", "/api/v1/auth/register",
                            nlohmann::json{{"email", username + "@example.com"},
                                           {"username", username},
                                           {"password", tasks::kPassword}}
                                .dump());
        EXPECT_EQ(r.status, 201) << r.body;
        return login(username, tasks::kPassword);
    }
    static std::map<std::string, std::string> bearer(const std::string& token) {
        return {{"Authorization", "Bearer " + token}};
    }

    std::vector<std::int64_t> enqueue(const nlohmann::json& body) { return test::enqueue(port(), body); }
    std::int64_t enqueue_one(nlohmann::json body = nlohmann::json::object()) {
        body["count"] = 1;
        const auto ids = enqueue(body);
        return ids.size() == 1 ? ids[0] : 0;
    }

    HttpResult admin_get(const std::string& target) { return http(port(), "GET", target, "", bearer(admin_token())); }
    // A list request that must succeed: its body.
    nlohmann::json list(const std::string& target) {
        const auto r = admin_get(target);
        EXPECT_EQ(r.status, 200) << target << ": " << r.body;
        return nlohmann::json::parse(r.body, nullptr, false);
    }
    std::vector<std::int64_t> list_ids(const std::string& target) {
        return tasks::item_ids(list(target));
    }
    // The job as the admin API lists it; null when it is not listed.
    nlohmann::json job(std::int64_t id) {
        for (int page = 1; page < 100; ++page) {
            const auto body = list(std::string(kJobsPath) + "?per_page=100&page=" + std::to_string(page));
            if (!body.is_object() || body["items"].empty()) {
                return nullptr;
            }
            for (const auto& item : body["items"]) {
                if (item.value("id", std::int64_t{0}) == id) {
                    return item;
                }
            }
        }
        return nullptr;
    }
    std::string status_of(std::int64_t id) {
        const auto j = job(id);
        return j.is_object() ? j.value("status", "") : "";
    }
    bool wait_for_status(std::int64_t id, const std::string& status, std::chrono::milliseconds deadline = 10s) {
        return eventually([&] { return status_of(id) == status; }, deadline);
    }
    HttpResult retry(std::int64_t id, const std::string& token) {
        return retry_path("/api/v1/jobs/" + std::to_string(id) + "/retry", token);
    }
    HttpResult retry_path(const std::string& path, const std::string& token) {
        return http(port(), "POST", path, "", token.empty() ? std::map<std::string, std::string>{} : bearer(token));
    }

    std::vector<JobRun> runs() const { return read_runs(job_file_); }

    TempDir dir_;
    std::unique_ptr<TestDatabase> db_;
    std::unique_ptr<TestServer> server_;
    std::string job_file_;
    std::string admin_token_;
};

TEST_P(JobsTest, EnqueuedJobRunsExactlyOnceAndIsListedAsDone) {
    const auto id = enqueue_one();
    ASSERT_NE(id, 0);
    ASSERT_TRUE(eventually([&] {
        const auto done = list_ids(std::string(kJobsPath) + "?status=done");
        return std::find(done.begin(), done.end(), id) != done.end();
    })) << describe(runs());
    // Several poll intervals later nothing has run it again.
    std::this_thread::sleep_for(400ms);
    const auto mine = runs_of(runs(), id);
    ASSERT_EQ(mine.size(), 2u) << describe(runs());
    EXPECT_EQ(mine[0].what, "start");
    EXPECT_EQ(mine[0].attempt, 1);
    EXPECT_EQ(mine[1].what, "done");
    EXPECT_EQ(mine[1].attempt, 1);

    const auto body = list(std::string(kJobsPath) + "?status=done");
    EXPECT_EQ(body["total"], 1) << body.dump();
    EXPECT_EQ(body["page"], 1);
    EXPECT_EQ(body["per_page"], 20);
    ASSERT_EQ(body["items"].size(), 1u) << body.dump();
    const auto& item = body["items"][0];
    EXPECT_EQ(item["id"], id);
    EXPECT_EQ(item["kind"], "probe.job");
    EXPECT_EQ(item["status"], "done");
    EXPECT_EQ(item["attempts"], 1);
    EXPECT_EQ(item["max_attempts"], 8);  // jobs.max_attempts' default: the probe asked for none
    EXPECT_EQ(item["payload"], (nlohmann::json{{"fail_times", 0}, {"permanent", false}, {"sleep_ms", 0}}));
    EXPECT_TRUE(item["finished_at"].is_string()) << item.dump();
    EXPECT_TRUE(item["last_error"].is_null()) << item.dump();
    for (const char* key : {"run_at", "created_at", "updated_at"}) {
        EXPECT_TRUE(item[key].is_string()) << key << ": " << item.dump();
    }
    EXPECT_EQ(list(std::string(kJobsPath) + "?status=queued")["total"], 0);
    EXPECT_EQ(list(std::string(kJobsPath) + "?status=running")["total"], 0);
}

TEST_P(JobsTest, JobFailingTwiceThenSucceedingRunsThreeTimesWithGrowingGaps) {
    const auto id = enqueue_one({{"fail_times", 2}});
    ASSERT_NE(id, 0);
    ASSERT_TRUE(wait_for_status(id, "done")) << describe(runs());
    std::this_thread::sleep_for(300ms);  // no fourth run comes
    const auto all = runs();
    const auto starts = runs_of(all, id, "start");
    ASSERT_EQ(starts.size(), 3u) << describe(all);
    EXPECT_EQ(attempts_of(starts), (std::vector<int>{1, 2, 3}));
    EXPECT_EQ(attempts_of(runs_of(all, id, "failed")), (std::vector<int>{1, 2}));
    const auto done = runs_of(all, id, "done");
    ASSERT_EQ(done.size(), 1u) << describe(all);
    EXPECT_EQ(done[0].attempt, 3);

    // backoff_base 200ms: the 2nd run comes 100-200 ms after the 1st failed,
    // the 3rd 200-400 ms after the 2nd; a 50 ms poll adds some jitter.
    const auto gap1 = starts[1].ms - starts[0].ms;
    const auto gap2 = starts[2].ms - starts[1].ms;
    EXPECT_GE(gap1, 100) << describe(all);
    EXPECT_GE(gap2, 100) << describe(all);
    EXPECT_GT(gap2 + 60, gap1) << describe(all);

    const auto j = job(id);
    EXPECT_EQ(j["attempts"], 3) << j.dump();
    EXPECT_EQ(j["status"], "done") << j.dump();
    EXPECT_TRUE(j["last_error"].is_null()) << j.dump();
    EXPECT_EQ(list(std::string(kJobsPath) + "?status=done")["total"], 1);
}

TEST_P(JobsTest, AlwaysFailingJobGoesDeadAfterMaxAttemptsAndRetryRunsItAgainFromAttemptOne) {
    // Fails while attempt <= 3, at most 3 attempts: it can never succeed, and
    // since a retry restarts the attempt count at 1 it fails the same way again.
    const auto id = enqueue_one({{"fail_times", 3}, {"max_attempts", 3}});
    ASSERT_NE(id, 0);
    ASSERT_TRUE(wait_for_status(id, "dead")) << describe(runs());
    std::this_thread::sleep_for(300ms);  // dead is final: no fourth run
    auto all = runs();
    EXPECT_EQ(attempts_of(runs_of(all, id, "start")), (std::vector<int>{1, 2, 3})) << describe(all);
    EXPECT_EQ(attempts_of(runs_of(all, id, "failed")), (std::vector<int>{1, 2, 3})) << describe(all);
    EXPECT_TRUE(runs_of(all, id, "done").empty());
    auto j = job(id);
    EXPECT_EQ(j["status"], "dead") << j.dump();
    EXPECT_EQ(j["attempts"], 3) << j.dump();
    EXPECT_EQ(j["max_attempts"], 3) << j.dump();
    ASSERT_TRUE(j["last_error"].is_string()) << j.dump();
    EXPECT_NE(j["last_error"].get<std::string>().find("probe failure on attempt 3"), std::string::npos) << j.dump();
    EXPECT_TRUE(j["finished_at"].is_string()) << j.dump();
    EXPECT_EQ(list(std::string(kJobsPath) + "?status=dead")["total"], 1);

    const auto r = retry(id, admin_token());
    ASSERT_EQ(r.status, 200) << r.body;
    const auto retried = r.json();
    EXPECT_EQ(retried["id"], id);
    EXPECT_EQ(retried["status"], "queued");
    EXPECT_EQ(retried["attempts"], 0);
    EXPECT_TRUE(retried["finished_at"].is_null()) << r.body;

    // It runs again, from attempt 1, and after three more failures is dead again.
    ASSERT_TRUE(eventually([&] {
        return runs_of(runs(), id, "failed").size() == 6 && status_of(id) == "dead";
    })) << describe(runs());
    all = runs();
    const auto starts = runs_of(all, id, "start");
    ASSERT_EQ(starts.size(), 6u) << describe(all);
    EXPECT_EQ(attempts_of(starts), (std::vector<int>{1, 2, 3, 1, 2, 3})) << describe(all);
    EXPECT_GE(starts[3].ms, runs_of(all, id, "failed")[2].ms);
    j = job(id);
    EXPECT_EQ(j["attempts"], 3) << j.dump();
    EXPECT_NE(j.value("last_error", "").find("probe failure on attempt 3"), std::string::npos) << j.dump();
}

TEST_P(JobsTest, RetryOfAWaitingJobRunsItNow) {
    const auto id = enqueue_one({{"delay_ms", 600000}});
    ASSERT_NE(id, 0);
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(status_of(id), "queued");
    EXPECT_TRUE(runs().empty());
    const auto r = retry(id, admin_token());
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["status"], "queued");
    ASSERT_TRUE(wait_for_status(id, "done")) << describe(runs());
    const auto mine = runs_of(runs(), id);
    ASSERT_EQ(mine.size(), 2u) << describe(mine);
    EXPECT_EQ(mine[1].what, "done");
    EXPECT_EQ(mine[1].attempt, 1);
}

TEST_P(JobsTest, RetryIsRefusedForDoneOrRunningJobsUnknownIdsMembersAndAnonymousCallers) {
    const auto done = enqueue_one();
    ASSERT_NE(done, 0);
    ASSERT_TRUE(wait_for_status(done, "done"));

    expect_error(retry(done, admin_token()), 409, "not_retryable");
    expect_error(retry(987654321, admin_token()), 404, "not_found");
    expect_error(retry_path("/api/v1/jobs/abc/retry", admin_token()), 404, "not_found");
    expect_error(retry(done, member_token("mallory")), 403, "forbidden");
    expect_error(retry(done, ""), 401, "unauthorized");
    expect_error(http(port(), "GET", kJobsPath), 401, "unauthorized");
    expect_error(http(port(), "GET", kJobsPath, "", bearer(member_token("eve"))), 403, "forbidden");

    // A running job is not retryable either.
    const auto running = enqueue_one({{"sleep_ms", 1200}});
    ASSERT_NE(running, 0);
    ASSERT_TRUE(eventually([&] { return !runs_of(runs(), running, "start").empty(); }));
    expect_error(retry(running, admin_token()), 409, "not_retryable");
    ASSERT_TRUE(wait_for_status(running, "done"));

    // None of the refused retries changed anything.
    for (const auto id : {done, running}) {
        const auto j = job(id);
        EXPECT_EQ(j["status"], "done") << j.dump();
        EXPECT_EQ(j["attempts"], 1) << j.dump();
        EXPECT_EQ(runs_of(runs(), id, "start").size(), 1u) << describe(runs());
    }
}

// A retry checks the status, then updates the row: a worker that claims the
// job in between must not leave it both running and queued again (two runs).
TEST_P(JobsTest, RetryingAWaitingJobWhileWorkersClaimItNeverRunsItTwice) {
    const auto token = admin_token();
    std::vector<std::int64_t> ids;
    for (int round = 0; round < 100; ++round) {
        // Waiting (not due): retryable. Four administrators retry it at once
        // until it is refused (a worker took it: running or done).
        const auto id = enqueue_one({{"delay_ms", 600000}, {"sleep_ms", 30}});
        ASSERT_NE(id, 0);
        ids.push_back(id);
        std::vector<std::thread> admins;
        for (int t = 0; t < 4; ++t) {
            admins.emplace_back([&] {
                for (int k = 0; k < 50 && retry(id, token).status == 200; ++k) {
                }
            });
        }
        for (auto& a : admins) {
            a.join();
        }
    }
    ASSERT_TRUE(eventually([&] {
        return list(std::string(kJobsPath) + "?status=done&per_page=1")["total"] == static_cast<int>(ids.size());
    })) << describe(runs());
    std::this_thread::sleep_for(300ms);
    const auto all = runs();
    std::vector<std::int64_t> twice;
    std::string examples;
    for (const auto id : ids) {
        const auto mine = runs_of(all, id);
        EXPECT_FALSE(runs_of(mine, id, "start").empty()) << "job " << id << " never ran";
        if (runs_of(mine, id, "start").size() > 1) {
            twice.push_back(id);
            if (twice.size() <= 3) {
                examples += describe(mine);
            }
        }
    }
    EXPECT_TRUE(twice.empty()) << twice.size() << " of " << ids.size() << " jobs ran more than once, e.g.:\n"
                               << examples;
}

TEST_P(JobsTest, PermanentFailureIsDeadAfterOneAttempt) {
    const auto id = enqueue_one({{"permanent", true}, {"max_attempts", 5}});
    ASSERT_NE(id, 0);
    ASSERT_TRUE(wait_for_status(id, "dead")) << describe(runs());
    std::this_thread::sleep_for(400ms);  // longer than the first backoff: no retry comes
    const auto all = runs();
    EXPECT_EQ(attempts_of(runs_of(all, id, "start")), (std::vector<int>{1})) << describe(all);
    const auto j = job(id);
    EXPECT_EQ(j["status"], "dead") << j.dump();
    EXPECT_EQ(j["attempts"], 1) << j.dump();
    EXPECT_EQ(j["max_attempts"], 5) << j.dump();
    EXPECT_NE(j.value("last_error", "").find("probe refuses this job for good"), std::string::npos) << j.dump();
}

TEST_P(JobsTest, EnqueueInATransactionThatRollsBackLeavesNoJob) {
    const auto r = http(port(), "POST", "/api/v1/probe/jobs", R"({"count":3,"fail_before_commit":true})");
    expect_error(r, 422, "probe_failed");
    std::this_thread::sleep_for(300ms);  // six poll intervals: a committed job would have run
    const auto body = list(kJobsPath);
    EXPECT_EQ(body["total"], 0) << body.dump();
    EXPECT_TRUE(body["items"].empty()) << body.dump();
    EXPECT_TRUE(runs().empty()) << describe(runs());

    // The queue still works, and only the committed job ever runs.
    const auto id = enqueue_one();
    ASSERT_NE(id, 0);
    ASSERT_TRUE(wait_for_status(id, "done"));
    const auto all = runs();
    EXPECT_EQ(all.size(), runs_of(all, id).size()) << describe(all);
    EXPECT_EQ(list(kJobsPath)["total"], 1);
}

TEST_P(JobsTest, ListFiltersByStatusAndKindAndRejectsABadStatus) {
    const auto done = enqueue_one();
    const auto dead = enqueue_one({{"permanent", true}});
    const auto waiting = enqueue_one({{"delay_ms", 600000}});
    ASSERT_TRUE(done && dead && waiting);
    ASSERT_TRUE(wait_for_status(done, "done"));
    ASSERT_TRUE(wait_for_status(dead, "dead"));

    const std::string base = kJobsPath;
    EXPECT_EQ(list_ids(base + "?status=done"), std::vector<std::int64_t>{done});
    EXPECT_EQ(list_ids(base + "?status=dead"), std::vector<std::int64_t>{dead});
    EXPECT_EQ(list_ids(base + "?status=queued"), std::vector<std::int64_t>{waiting});
    EXPECT_TRUE(list_ids(base + "?status=running").empty());
    // Newest first.
    EXPECT_EQ(list_ids(base + "?kind=probe.job"), (std::vector<std::int64_t>{waiting, dead, done}));
    EXPECT_EQ(list(base + "?kind=probe.job")["total"], 3);
    EXPECT_EQ(list_ids(base + "?kind=probe.job&status=dead"), std::vector<std::int64_t>{dead});
    const auto other = list(base + "?kind=mail.send");
    EXPECT_EQ(other["total"], 0) << other.dump();
    EXPECT_TRUE(other["items"].empty()) << other.dump();
    EXPECT_EQ(list(base + "?kind=mail.send&status=done")["total"], 0);

    // Pages.
    const auto first = list(base + "?per_page=2");
    EXPECT_EQ(first["total"], 3);
    EXPECT_EQ(first["per_page"], 2);
    EXPECT_EQ(tasks::item_ids(first), (std::vector<std::int64_t>{waiting, dead}));
    const auto second = list(base + "?per_page=2&page=2");
    EXPECT_EQ(second["page"], 2);
    EXPECT_EQ(tasks::item_ids(second), std::vector<std::int64_t>{done});

    expect_error(admin_get(base + "?status=bogus"), 400, "bad_request");
    expect_error(admin_get(base + "?status=DONE"), 400, "bad_request");
    expect_error(admin_get(base + "?per_page=0"), 400, "bad_request");
    expect_error(admin_get(base + "?per_page=101"), 400, "bad_request");
    expect_error(admin_get(base + "?page=abc"), 400, "bad_request");
}

TEST_P(JobsTest, MetricsAndReadinessReportTheQueue) {
    const auto done = enqueue_one();
    const auto dead = enqueue_one({{"permanent", true}});
    const auto waiting = enqueue_one({{"delay_ms", 600000}});
    ASSERT_TRUE(done && dead && waiting);
    ASSERT_TRUE(wait_for_status(done, "done"));
    ASSERT_TRUE(wait_for_status(dead, "dead"));

    const auto m = http(port(), "GET", "/metrics");
    ASSERT_EQ(m.status, 200);
    EXPECT_TRUE(has_series(m.body, R"(jobs_runs_total{kind="probe.job",outcome="done"})")) << m.body;
    EXPECT_EQ(metric(m.body, R"(jobs_runs_total{kind="probe.job",outcome="done"})"), 1) << m.body;
    EXPECT_EQ(metric(m.body, R"(jobs_runs_total{kind="probe.job",outcome="dead"})"), 1) << m.body;
    EXPECT_TRUE(has_series(m.body, R"(jobs{status="done"})")) << m.body;
    EXPECT_EQ(metric(m.body, R"(jobs{status="done"})"), 1) << m.body;
    EXPECT_EQ(metric(m.body, R"(jobs{status="dead"})"), 1) << m.body;
    EXPECT_EQ(metric(m.body, R"(jobs{status="queued"})"), 1) << m.body;
    EXPECT_TRUE(has_series(m.body, R"(jobs{status="running"})")) << m.body;
    EXPECT_TRUE(has_series(m.body, "jobs_lag_seconds")) << m.body;
    EXPECT_EQ(metric(m.body, "jobs_lag_seconds"), 0) << m.body;  // the only queued job is not due yet

    const auto r = http(port(), "GET", "/health/ready");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto body = r.json();
    ASSERT_TRUE(body["components"].contains("jobs")) << r.body;
    const auto& jobs = body["components"]["jobs"];
    EXPECT_EQ(jobs["status"], "ok") << r.body;
    EXPECT_EQ(jobs["counts"]["done"], 1) << r.body;
    EXPECT_EQ(jobs["counts"]["dead"], 1) << r.body;
    EXPECT_EQ(jobs["counts"]["queued"], 1) << r.body;
    EXPECT_EQ(jobs["counts"]["running"], 0) << r.body;
    EXPECT_EQ(jobs["lag_ms"], 0) << r.body;
}

INSTANTIATE_TEST_SUITE_P(Dialects, JobsTest, ::testing::Values(sdk::Dialect::Sqlite, sdk::Dialect::Postgresql),
                         [](const auto& info) { return dialect_name(info.param); });

// The real `tasklane serve`, killed with SIGKILL while jobs run.
class JobsCrashTest : public ::testing::TestWithParam<sdk::Dialect> {
protected:
    void SetUp() override { db_ = std::make_unique<TestDatabase>(GetParam(), dir_); }
    std::string config() {
        return write_config(dir_, db_->url(), test_plugin_dir(), "probe",
                            probe_yaml(dir_.file("jobs.txt")) +
                                "jobs:\n  workers: 2\n  poll_interval: 50ms\n  backoff_base: 200ms\n  lease: 1s\n"
                                "logging:\n  level: info\n");
    }
    TempDir dir_;
    std::unique_ptr<TestDatabase> db_;
};

TEST_P(JobsCrashTest, JobsInterruptedBySigkillRunAgainAfterRestartAndFinishedOnesDoNot) {
    const auto file = dir_.file("jobs.txt");
    std::vector<std::int64_t> ids;
    std::size_t lines_before_kill = 0;
    std::set<std::int64_t> done_before_kill;
    std::set<std::int64_t> interrupted;
    {
        ServerProcess server(config(), dir_.file("first.log"));
        const auto port = server.wait_for_port();
        ASSERT_NE(port, 0) << server.log();
        ids = enqueue(port, {{"count", 8}, {"sleep_ms", 400}});
        ASSERT_EQ(ids.size(), 8u);
        // Kill when at least two are done and a job is mid-run: its start
        // at most 300 ms ago (so >= 100 ms before its done line), the last
        // done line at least 100 ms ago (so that job is marked done by now).
        const bool moment = eventually(
            [&] {
                const auto all = read_runs(file);
                const auto now = now_ms();
                std::map<std::int64_t, std::int64_t> started;  // id -> start ms, not yet done
                std::set<std::int64_t> done;
                std::int64_t last_done = 0;
                for (const auto& r : all) {
                    if (r.what == "start") {
                        started[r.id] = r.ms;
                    } else if (r.what == "done") {
                        done.insert(r.id);
                        started.erase(r.id);
                        last_done = std::max(last_done, r.ms);
                    }
                }
                if (done.size() < 2 || started.empty() || now - last_done < 100) {
                    return false;
                }
                return std::all_of(started.begin(), started.end(),
                                   [&](const auto& s) { return now - s.second <= 300; });
            },
            30s);
        ASSERT_TRUE(moment) << describe(read_runs(file)) << server.log();
        server.kill_hard();
        const auto before = read_runs(file);
        lines_before_kill = before.size();
        for (const auto& r : before) {
            if (r.what == "done") {
                done_before_kill.insert(r.id);
            }
        }
        for (const auto& r : before) {
            if (r.what == "start" && !done_before_kill.count(r.id)) {
                interrupted.insert(r.id);
            }
        }
        ASSERT_GE(done_before_kill.size(), 2u) << describe(before);
        ASSERT_FALSE(interrupted.empty()) << describe(before);
        ASSERT_LT(done_before_kill.size(), ids.size()) << describe(before);
    }

    ServerProcess restarted(config(), dir_.file("second.log"));
    ASSERT_NE(restarted.wait_for_port(), 0) << restarted.log();
    const bool all_done = eventually(
        [&] {
            const auto all = read_runs(file);
            return std::all_of(ids.begin(), ids.end(), [&](auto id) { return !runs_of(all, id, "done").empty(); });
        },
        30s);
    std::this_thread::sleep_for(1500ms);  // past the lease: anything still to run again would have started
    const auto all = read_runs(file);
    ASSERT_TRUE(all_done) << describe(all) << restarted.log();

    for (std::size_t i = lines_before_kill; i < all.size(); ++i) {
        EXPECT_FALSE(all[i].what == "start" && done_before_kill.count(all[i].id))
            << "job " << all[i].id << " was done before the kill but started again:\n"
            << describe(all);
    }
    for (const auto id : ids) {
        EXPECT_EQ(runs_of(all, id, "done").size(), 1u) << "job " << id << "\n" << describe(all);
    }
    // An interrupted job's run after the restart is its second attempt (the
    // first one's lease expired).
    for (const auto id : interrupted) {
        const auto starts = runs_of(all, id, "start");
        ASSERT_GE(starts.size(), 2u) << "job " << id << "\n" << describe(all);
        EXPECT_GE(starts.back().attempt, 2) << "job " << id << "\n" << describe(all);
    }
}

INSTANTIATE_TEST_SUITE_P(Dialects, JobsCrashTest, ::testing::Values(sdk::Dialect::Sqlite, sdk::Dialect::Postgresql),
                         [](const auto& info) { return dialect_name(info.param); });

// Two `tasklane serve` processes on one PostgreSQL database share its queue
// (FOR UPDATE SKIP LOCKED): every job runs, and none runs twice.
TEST(JobsTwoNodesTest, TwoServersOnOnePostgresqlDatabaseRunEachOfThreeHundredJobsExactlyOnce) {
    TempDir dir;
    TestDatabase db(sdk::Dialect::Postgresql, dir);
    const auto file = dir.file("jobs.txt");
    // A long lease: no job may be taken over because its worker is slow.
    const auto config = write_config(dir, db.url(), test_plugin_dir(), "probe",
                                     probe_yaml(file) +
                                         "jobs:\n  workers: 2\n  poll_interval: 50ms\n  lease: 60s\n"
                                         "logging:\n  level: info\n");
    ServerProcess a(config, dir.file("a.log"));
    const auto port_a = a.wait_for_port();  // migrated before the second one starts
    ASSERT_NE(port_a, 0) << a.log();
    ServerProcess b(config, dir.file("b.log"));
    const auto port_b = b.wait_for_port();
    ASSERT_NE(port_b, 0) << b.log();

    std::set<std::int64_t> ids;
    for (int i = 0; i < 6; ++i) {
        for (const auto id : enqueue(i % 2 == 0 ? port_a : port_b, {{"count", 50}, {"sleep_ms", 5}})) {
            ids.insert(id);
        }
    }
    ASSERT_EQ(ids.size(), 300u);

    auto done_ids = [&] {
        std::set<std::int64_t> done;
        for (const auto& r : read_runs(file)) {
            if (r.what == "done") {
                done.insert(r.id);
            }
        }
        return done;
    };
    ASSERT_TRUE(eventually([&] { return done_ids().size() >= 300; }, 60s))
        << done_ids().size() << " done\n" << a.log() << b.log();
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(done_ids(), ids);

    std::map<std::int64_t, int> starts;
    for (const auto& r : read_runs(file)) {
        if (r.what == "start") {
            ++starts[r.id];
        }
    }
    EXPECT_EQ(starts.size(), 300u);
    for (const auto& [id, n] : starts) {
        EXPECT_EQ(n, 1) << "job " << id << " started " << n << " times";
    }

    // Both nodes took part, and between them finished each job once.
    const std::string series = R"(jobs_runs_total{kind="probe.job",outcome="done"})";
    const auto on_a = metric(http(port_a, "GET", "/metrics").body, series);
    const auto on_b = metric(http(port_b, "GET", "/metrics").body, series);
    EXPECT_EQ(on_a + on_b, 300) << on_a << " + " << on_b;
    EXPECT_GT(on_a, 0);
    EXPECT_GT(on_b, 0);
    EXPECT_EQ(a.terminate(), 0) << a.log();
    EXPECT_EQ(b.terminate(), 0) << b.log();
}

}  // namespace
}  // namespace tasklane::test
