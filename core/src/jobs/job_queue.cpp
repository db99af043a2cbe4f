#include "job_queue.hpp"

#include <tasklane/sdk/errors.hpp>
#include <tasklane/sdk/events.hpp>
#include <tasklane/sdk/query.hpp>

#include <unistd.h>

#include <algorithm>

namespace tasklane::core {


namespace {

constexpr std::size_t kMaxErrorLength = 2000;
constexpr std::int64_t kPurgeEveryMs = 3600 * 1000;

struct ClaimedRow {
    long long id = 0, created_at = 0;
    std::string kind, payload;
    int attempts = 0, max_attempts = 0;
    void bind(soci::statement& st) {
        st.exchange(soci::into(id));
        st.exchange(soci::into(kind));
        st.exchange(soci::into(payload));
        st.exchange(soci::into(attempts));
        st.exchange(soci::into(max_attempts));
        st.exchange(soci::into(created_at));
    }
};

const char* const kRecordColumns =
    "id, kind, status, payload, attempts, max_attempts, run_at, created_at, updated_at, finished_at, last_error";

struct RecordRow {
    long long id = 0, run_at = 0, created_at = 0, updated_at = 0, finished_at = 0;
    std::string kind, status, payload, last_error;
    int attempts = 0, max_attempts = 0;
    soci::indicator finished_i = soci::i_null, error_i = soci::i_null;
    void bind(soci::statement& st) {
        st.exchange(soci::into(id));
        st.exchange(soci::into(kind));
        st.exchange(soci::into(status));
        st.exchange(soci::into(payload));
        st.exchange(soci::into(attempts));
        st.exchange(soci::into(max_attempts));
        st.exchange(soci::into(run_at));
        st.exchange(soci::into(created_at));
        st.exchange(soci::into(updated_at));
        st.exchange(soci::into(finished_at, finished_i));
        st.exchange(soci::into(last_error, error_i));
    }
    JobRecord to_record() const {
        JobRecord r{id, kind, status, nlohmann::json::parse(payload, nullptr, false), attempts, max_attempts, run_at,
                    created_at, updated_at, std::nullopt, std::nullopt};
        if (finished_i == soci::i_ok) {
            r.finished_at = finished_at;
        }
        if (error_i == soci::i_ok) {
            r.last_error = last_error;
        }
        return r;
    }
};

struct CountRow {
    std::string status;
    long long n = 0;
    void bind(soci::statement& st) {
        st.exchange(soci::into(status));
        st.exchange(soci::into(n));
    }
};

struct NumberRow {
    long long n = 0;
    soci::indicator ind = soci::i_null;
    void bind(soci::statement& st) { st.exchange(soci::into(n, ind)); }
};

std::string node_identity() {
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    std::random_device rd;
    return std::string(host) + ":" + std::to_string(getpid()) + ":" + std::to_string(rd() % 100000);
}

double random01() {
    thread_local std::mt19937_64 engine{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

std::string truncated(std::string text) {
    if (text.size() > kMaxErrorLength) {
        text.resize(kMaxErrorLength);
    }
    return text;
}

}  // namespace

nlohmann::json to_json(const JobRecord& job) {
    return {{"id", job.id},
            {"kind", job.kind},
            {"status", job.status},
            {"payload", job.payload},
            {"attempts", job.attempts},
            {"max_attempts", job.max_attempts},
            {"run_at", sdk::iso8601_utc(job.run_at)},
            {"created_at", sdk::iso8601_utc(job.created_at)},
            {"updated_at", sdk::iso8601_utc(job.updated_at)},
            {"finished_at", job.finished_at ? nlohmann::json(sdk::iso8601_utc(*job.finished_at)) : nlohmann::json()},
            {"last_error", job.last_error ? nlohmann::json(*job.last_error) : nlohmann::json()}};
}

std::chrono::milliseconds backoff_delay(int attempt, std::chrono::milliseconds base, std::chrono::milliseconds max,
                                        double random01) {
    const int doublings = std::clamp(attempt - 1, 0, 40);
    const double full = std::min(static_cast<double>(max.count()),
                                 static_cast<double>(base.count()) * static_cast<double>(1LL << doublings));
    return std::chrono::milliseconds(static_cast<long long>(full / 2 + random01 * full / 2));
}

JobQueue::JobQueue(SqlDatabase& database, JobQueueOptions options, std::shared_ptr<spdlog::logger> log)
    : database_(database), options_(options), log_(std::move(log)), node_id_(node_identity()) {}

JobQueue::~JobQueue() { stop(); }

std::int64_t JobQueue::enqueue(sdk::Transaction& tx, const std::string& kind, const nlohmann::json& payload,
                               const sdk::JobOptions& options) {
    if (kind.empty() || kind.size() > 100) {
        throw std::invalid_argument("a job kind is 1 to 100 characters");
    }
    const auto now = now_epoch_ms();
    const int max_attempts = options.max_attempts > 0 ? options.max_attempts : options_.max_attempts;
    sdk::Query q;
    q.text = "INSERT INTO jobs (kind, payload, status, attempts, max_attempts, run_at, created_at, updated_at) "
             "VALUES (" +
             q.param(kind) + ", " + q.param(payload.dump()) + ", 'queued', 0, " +
             q.param(static_cast<long long>(max_attempts)) + ", " +
             q.param(static_cast<long long>(now + options.delay.count())) + ", " +
             q.param(static_cast<long long>(now)) + ", " + q.param(static_cast<long long>(now)) + ") RETURNING id";
    std::int64_t id = 0;
    q.run<NumberRow>(database_, tx.sql(), [&](const NumberRow& row) { id = row.n; });
    if (options.delay.count() == 0) {
        tx.after_commit([this] { wake(); });
    }
    return id;
}

void JobQueue::handle(const std::string& kind, sdk::JobHandler handler) {
    std::lock_guard lock(mutex_);
    if (!workers_.empty()) {
        throw std::logic_error("job handlers are registered from Plugin::start(), before the workers start");
    }
    if (!handlers_.emplace(kind, std::move(handler)).second) {
        throw std::invalid_argument("a handler for job kind '" + kind + "' is already registered");
    }
}

void JobQueue::start() {
    std::lock_guard lock(mutex_);
    if (handlers_.empty() || options_.workers <= 0) {
        return;  // nothing to run on this node
    }
    for (int i = 0; i < options_.workers; ++i) {
        workers_.emplace_back([this, i] { work(i); });
    }
}

void JobQueue::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_cv_.notify_all();
    for (auto& t : workers_) {
        if (t.joinable()) {
            t.join();
        }
    }
}

void JobQueue::wake() {
    {
        std::lock_guard lock(mutex_);
        ++wakes_;
    }
    wake_cv_.notify_all();
}

void JobQueue::work(int index) {
    const std::string worker = node_id_ + "/" + std::to_string(index);
    bool paused_logged = false;
    while (true) {
        std::uint64_t seen = 0;
        {
            std::lock_guard lock(mutex_);
            if (stopping_) {
                return;
            }
            seen = wakes_;
        }
        std::optional<sdk::Job> job;
        try {
            job = claim(worker);
            paused_logged = false;
            if (index == 0) {
                purge_done();
            }
        } catch (const std::exception& e) {
            if (!paused_logged) {
                log_->warn("job worker {} paused: {}", index, e.what());
                paused_logged = true;
            }
        }
        if (!job) {
            std::unique_lock lock(mutex_);
            wake_cv_.wait_for(lock, options_.poll_interval, [&] { return stopping_ || wakes_ != seen; });
            continue;
        }
        const auto handler = handlers_.find(job->kind);  // claim() only takes kinds we handle
        if (job->attempt > job->max_attempts) {
            // Its worker died during each of its runs (lease expired every time).
            const std::runtime_error lost("its worker stopped during its last allowed attempt (lease expired)");
            finish(*job, worker, &lost, /*permanent=*/true);
            continue;
        }
        try {
            handler->second(*job);
            finish(*job, worker, nullptr, false);
        } catch (const sdk::PermanentJobFailure& e) {
            finish(*job, worker, &e, /*permanent=*/true);
        } catch (const std::exception& e) {
            finish(*job, worker, &e, /*permanent=*/false);
        } catch (...) {
            const std::runtime_error unknown("handler threw a non-standard exception");
            finish(*job, worker, &unknown, /*permanent=*/false);
        }
    }
}

std::optional<sdk::Job> JobQueue::claim(const std::string& worker) {
    const auto now = now_epoch_ms();
    sdk::Query q;
    std::string kinds;
    for (const auto& [kind, handler] : handlers_) {
        kinds += (kinds.empty() ? "" : ", ") + q.param(kind);
    }
    // Deliberately one statement: the claim is atomic on both dialects.
    q.text = "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_by = " + q.param(worker) +
             ", locked_until = " + q.param(static_cast<long long>(now + options_.lease.count())) +
             ", updated_at = " + q.param(static_cast<long long>(now)) +
             " WHERE id = (SELECT id FROM jobs WHERE kind IN (" + kinds + ") AND ((status = 'queued' AND run_at <= " +
             q.param(static_cast<long long>(now)) + ") OR (status = 'running' AND locked_until < " +
             q.param(static_cast<long long>(now)) + ")) ORDER BY run_at, id LIMIT 1" +
             (database_.dialect() == sdk::Dialect::Postgresql ? " FOR UPDATE SKIP LOCKED" : "") +
             ") RETURNING id, kind, payload, attempts, max_attempts, created_at";
    std::optional<sdk::Job> job;
    write([&](soci::session& sql) {
        q.run<ClaimedRow>(database_, sql, [&](const ClaimedRow& row) {
            job = sdk::Job{row.id, row.kind, nlohmann::json::parse(row.payload, nullptr, false), row.attempts,
                           row.max_attempts, row.created_at};
        });
    });
    return job;
}

void JobQueue::finish(const sdk::Job& job, const std::string& worker, const std::exception* failure,
                      bool permanent) {
    const auto now = now_epoch_ms();
    sdk::Query q;
    std::string outcome;
    if (!failure) {
        outcome = "done";
        q.text = "UPDATE jobs SET status = 'done', finished_at = " + q.param(static_cast<long long>(now)) +
                 ", updated_at = " + q.param(static_cast<long long>(now)) +
                 ", locked_by = NULL, locked_until = NULL, last_error = NULL";
    } else if (permanent || job.attempt >= job.max_attempts) {
        outcome = "dead";
        q.text = "UPDATE jobs SET status = 'dead', finished_at = " + q.param(static_cast<long long>(now)) +
                 ", updated_at = " + q.param(static_cast<long long>(now)) +
                 ", locked_by = NULL, locked_until = NULL, last_error = " + q.param(truncated(failure->what()));
    } else {
        outcome = "retry";
        const auto delay = backoff_delay(job.attempt, options_.backoff_base, options_.backoff_max, random01());
        q.text = "UPDATE jobs SET status = 'queued', run_at = " + q.param(static_cast<long long>(now + delay.count())) +
                 ", updated_at = " + q.param(static_cast<long long>(now)) +
                 ", locked_by = NULL, locked_until = NULL, last_error = " + q.param(truncated(failure->what()));
    }
    // Only while we still hold it: after a lost lease the job is someone else's.
    q.text += " WHERE id = " + q.param(static_cast<long long>(job.id)) + " AND status = 'running' AND locked_by = " +
              q.param(worker);
    try {
        long long changed = 0;
        write([&](soci::session& sql) { changed = q.execute(database_, sql); });
        if (changed != 1) {
            log_->warn("job {} ({}) finished after its lease passed to another worker", job.id, job.kind);
            return;
        }
    } catch (const std::exception& e) {
        // It stays running until its lease expires, then runs again.
        log_->error("job {} ({}) ran but could not be marked {}: {}", job.id, job.kind, outcome, e.what());
        return;
    }
    count(job.kind, outcome);
    if (outcome == "done") {
        log_->debug("job {} ({}) done on attempt {}", job.id, job.kind, job.attempt);
    } else {
        log_->warn("job {} ({}) attempt {}/{} failed ({}): {}", job.id, job.kind, job.attempt, job.max_attempts,
                   outcome == "dead" ? "dead" : "will retry", failure->what());
    }
}

void JobQueue::purge_done() {
    const auto now = now_epoch_ms();
    if (now < next_purge_ms_.load()) {
        return;
    }
    next_purge_ms_ = now + kPurgeEveryMs;
    sdk::Query q;
    q.text = "DELETE FROM jobs WHERE status = 'done' AND finished_at < " +
             q.param(static_cast<long long>(now - options_.retention.count()));
    long long purged = 0;
    write([&](soci::session& sql) { purged = q.execute(database_, sql); });
    if (purged > 0) {
        log_->info("purged {} done jobs older than the retention", purged);
    }
}

void JobQueue::write(const std::function<void(soci::session&)>& statement) {
    if (database_.dialect() == sdk::Dialect::Sqlite) {
        // In SQLite's writer queue (see SqlDatabase): two workers writing on
        // their own would meet SQLITE_BUSY and sleep in the busy handler.
        auto tx = database_.begin();
        statement(tx->sql());
        tx->commit();
    } else {
        auto session = database_.session();  // one autocommit statement, no BEGIN/COMMIT round trips
        statement(session->sql());
    }
}

void JobQueue::count(const std::string& kind, const std::string& outcome) {
    std::lock_guard lock(outcomes_mutex_);
    ++outcomes_.counts[{kind, outcome}];
}

JobOutcomes JobQueue::outcomes() const {
    std::lock_guard lock(outcomes_mutex_);
    return outcomes_;
}

std::pair<std::vector<JobRecord>, std::int64_t> JobQueue::list(const std::optional<std::string>& status,
                                                               const std::optional<std::string>& kind, int page,
                                                               int per_page) {
    auto build = [&](sdk::Query& q) {
        std::string where = " FROM jobs WHERE 1 = 1";
        if (status) {
            where += " AND status = " + q.param(*status);
        }
        if (kind) {
            where += " AND kind = " + q.param(*kind);
        }
        return where;
    };
    auto session = database_.session();
    sdk::Query count;
    count.text = "SELECT COUNT(*)" + build(count);
    std::int64_t total = 0;
    count.run<NumberRow>(database_, session->sql(), [&](const NumberRow& row) { total = row.n; });
    sdk::Query q;
    q.text = std::string("SELECT ") + kRecordColumns + build(q) + " ORDER BY id DESC LIMIT " +
             q.param(static_cast<long long>(per_page)) + " OFFSET " +
             q.param(static_cast<long long>(page - 1) * per_page);
    std::vector<JobRecord> items;
    q.run<RecordRow>(database_, session->sql(), [&](const RecordRow& row) { items.push_back(row.to_record()); });
    return {items, total};
}

std::optional<JobRecord> JobQueue::retry(std::int64_t id) {
    const auto now = now_epoch_ms();
    std::optional<JobRecord> job;
    {
        auto tx = database_.begin();
        sdk::Query find;
        find.text = std::string("SELECT ") + kRecordColumns + " FROM jobs WHERE id = " +
                    find.param(static_cast<long long>(id));
        find.run<RecordRow>(database_, tx->sql(), [&](const RecordRow& row) { job = row.to_record(); });
        if (!job) {
            return std::nullopt;
        }
        if (job->status != "dead" && job->status != "queued") {
            throw sdk::ApiError::conflict("not_retryable", "job " + std::to_string(id) + " is " + job->status +
                                                               "; only dead or waiting jobs can be retried");
        }
        // The status is checked again by the UPDATE itself: on PostgreSQL a
        // worker may claim the job between the SELECT and here.
        sdk::Query q;
        q.text = "UPDATE jobs SET status = 'queued', attempts = 0, run_at = " + q.param(static_cast<long long>(now)) +
                 ", updated_at = " + q.param(static_cast<long long>(now)) +
                 ", finished_at = NULL, locked_by = NULL, locked_until = NULL WHERE id = " +
                 q.param(static_cast<long long>(id)) + " AND status IN ('dead', 'queued')";
        if (q.execute(database_, tx->sql()) != 1) {
            throw sdk::ApiError::conflict("not_retryable", "job " + std::to_string(id) +
                                                               " was taken by a worker meanwhile; only dead or "
                                                               "waiting jobs can be retried");
        }
        tx->after_commit([this] { wake(); });
        tx->commit();
    }
    job->status = "queued";
    job->attempts = 0;
    job->run_at = job->updated_at = now;
    job->finished_at.reset();
    log_->info("job {} ({}) queued again by an administrator", id, job->kind);
    return job;
}

std::map<std::string, std::int64_t> JobQueue::counts_by_status() {
    std::map<std::string, std::int64_t> out = {{"queued", 0}, {"running", 0}, {"done", 0}, {"dead", 0}};
    auto session = database_.session();
    sdk::Query q;
    q.text = "SELECT status, COUNT(*) FROM jobs GROUP BY status";
    q.run<CountRow>(database_, session->sql(), [&](const CountRow& row) { out[row.status] = row.n; });
    return out;
}

std::int64_t JobQueue::lag_ms() {
    const auto now = now_epoch_ms();
    auto session = database_.session();
    sdk::Query q;
    q.text = "SELECT MIN(run_at) FROM jobs WHERE status = 'queued' AND run_at <= " + q.param(static_cast<long long>(now));
    std::int64_t lag = 0;
    q.run<NumberRow>(database_, session->sql(), [&](const NumberRow& row) {
        if (row.ind == soci::i_ok) {
            lag = now - row.n;
        }
    });
    return lag;
}

}  // namespace tasklane::core
