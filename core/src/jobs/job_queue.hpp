#pragma once
// The host's sdk::JobQueue: jobs in the `jobs` table, run by worker threads.
// A worker claims one due job at a time (PostgreSQL: FOR UPDATE SKIP LOCKED,
// so several nodes share the queue; SQLite: one writer at a time anyway) and
// holds it for `lease`; a job whose worker died is claimed again after that.
#include "../db/sql_database.hpp"

#include <tasklane/sdk/jobs.hpp>

#include <spdlog/logger.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <vector>

namespace tasklane::core {

struct JobQueueOptions {
    int workers = 2;
    std::chrono::milliseconds poll_interval{500};
    std::chrono::milliseconds lease{5 * 60 * 1000};
    int max_attempts = 8;
    std::chrono::milliseconds backoff_base{2000};
    std::chrono::milliseconds backoff_max{3600 * 1000};
    std::chrono::milliseconds retention{7LL * 24 * 3600 * 1000};
};

// One row as the admin API shows it.
struct JobRecord {
    std::int64_t id = 0;
    std::string kind, status;
    nlohmann::json payload;
    int attempts = 0, max_attempts = 0;
    std::int64_t run_at = 0, created_at = 0, updated_at = 0;
    std::optional<std::int64_t> finished_at;
    std::optional<std::string> last_error;
};

nlohmann::json to_json(const JobRecord& job);

// Counters per kind and outcome since start, for /metrics.
struct JobOutcomes {
    std::map<std::pair<std::string, std::string>, std::uint64_t> counts;  // (kind, done|retry|dead) -> n
};

// The delay before run `attempt + 1` after `attempt` failed: base * 2^(attempt-1),
// capped at max, then "equal jitter" (half fixed, half random) so retries of
// many jobs do not arrive together yet delays still grow.
std::chrono::milliseconds backoff_delay(int attempt, std::chrono::milliseconds base, std::chrono::milliseconds max,
                                        double random01);

class JobQueue : public sdk::JobQueue {
public:
    JobQueue(SqlDatabase& database, JobQueueOptions options, std::shared_ptr<spdlog::logger> log);
    ~JobQueue() override;

    std::int64_t enqueue(sdk::Transaction& tx, const std::string& kind, const nlohmann::json& payload,
                         const sdk::JobOptions& options) override;
    using sdk::JobQueue::enqueue;
    void handle(const std::string& kind, sdk::JobHandler handler) override;

    // After every plugin has registered its handlers.
    void start();
    // Lets running jobs finish (they are marked), then joins the workers.
    void stop();
    void wake();

    // Admin API.
    std::pair<std::vector<JobRecord>, std::int64_t> list(const std::optional<std::string>& status,
                                                         const std::optional<std::string>& kind, int page,
                                                         int per_page);
    // A dead or waiting job runs again now with fresh attempts; nullopt when
    // there is no such job; throws ApiError 409 when it is running or done.
    std::optional<JobRecord> retry(std::int64_t id);
    // Jobs per status, and how late the most overdue queued job is (ms).
    std::map<std::string, std::int64_t> counts_by_status();
    std::int64_t lag_ms();
    JobOutcomes outcomes() const;

private:
    void work(int index);
    std::optional<sdk::Job> claim(const std::string& worker);
    void finish(const sdk::Job& job, const std::string& worker, const std::exception* failure, bool permanent);
    void purge_done();
    // Runs one writing statement: on SQLite inside the database's writer queue.
    void write(const std::function<void(soci::session&)>& statement);
    void count(const std::string& kind, const std::string& outcome);

    SqlDatabase& database_;
    JobQueueOptions options_;
    std::shared_ptr<spdlog::logger> log_;
    std::map<std::string, sdk::JobHandler> handlers_;  // fixed once start() ran
    std::vector<std::thread> workers_;
    std::string node_id_;
    std::mutex mutex_;
    std::condition_variable wake_cv_;
    std::uint64_t wakes_ = 0;
    bool stopping_ = false;
    mutable std::mutex outcomes_mutex_;
    JobOutcomes outcomes_;
    std::atomic<std::int64_t> next_purge_ms_{0};
};

}  // namespace tasklane::core
