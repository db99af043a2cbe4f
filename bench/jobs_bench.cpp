// Throughput and pick-up latency of the durable job queue (issue 5), through
// an empty handler, on the real database: the core's JobQueue, SqlDatabase and
// migrations, no HTTP in between.
//
//   jobs_bench DATABASE_URL [--jobs N] [--latency-jobs N] [--workers 1,2]
//
// For each worker count:
// - throughput: N jobs are enqueued (100 per transaction) before the workers
//   start; jobs/s is N divided by the time from start() to the last job done;
// - latency: with the workers idle, one job per transaction every 5 ms; the
//   time from just before COMMIT to the handler starting, p50 and p99.
// The jobs table is emptied between runs. Results go to stdout as a Markdown
// table row; bench/RESULTS.md records them.
#include "../core/src/db/migrator.hpp"
#include "../core/src/db/session_pool.hpp"
#include "../core/src/db/sql_database.hpp"
#include "../core/src/jobs/job_queue.hpp"

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace tasklane::core {
std::vector<sdk::Migration> core_migrations(sdk::Dialect dialect);
}

namespace {

using namespace tasklane;
using Clock = std::chrono::steady_clock;

struct Options {
    std::string url;
    int jobs = 5000;
    int latency_jobs = 1000;
    std::vector<int> workers = {1, 2};
};

Options parse(int argc, char** argv) {
    Options o;
    if (argc < 2) {
        throw std::runtime_error("usage: jobs_bench DATABASE_URL [--jobs N] [--latency-jobs N] [--workers 1,2]");
    }
    o.url = argv[1];
    for (int i = 2; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        const std::string value = argv[i + 1];
        if (flag == "--jobs") {
            o.jobs = std::stoi(value);
        } else if (flag == "--latency-jobs") {
            o.latency_jobs = std::stoi(value);
        } else if (flag == "--workers") {
            o.workers.clear();
            std::stringstream ss(value);
            for (std::string w; std::getline(ss, w, ',');) {
                o.workers.push_back(std::stoi(w));
            }
        } else {
            throw std::runtime_error("unknown option " + flag);
        }
    }
    return o;
}

double percentile(std::vector<double> values, double p) {
    if (values.empty()) {
        return 0;
    }
    std::sort(values.begin(), values.end());
    const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(index, values.size() - 1)];
}

core::JobQueueOptions queue_options(int workers) {
    core::JobQueueOptions o;
    o.workers = workers;
    o.poll_interval = std::chrono::milliseconds(500);  // the default: local enqueues wake workers anyway
    return o;
}

void empty_jobs_table(core::SessionPool& pool) {
    auto lease = pool.acquire();
    lease->sql() << "DELETE FROM jobs";
}

// Blocks until `done` reaches `target`.
void wait_for(const std::atomic<int>& done, int target) {
    while (done.load() < target) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
}

double throughput(core::SessionPool& pool, int workers, int jobs) {
    empty_jobs_table(pool);
    core::SqlDatabase database(pool, nullptr);
    auto log = std::make_shared<spdlog::logger>("jobs", std::make_shared<spdlog::sinks::null_sink_mt>());
    core::JobQueue queue(database, queue_options(workers), log);
    std::atomic<int> done{0};
    queue.handle("bench.noop", [&done](const sdk::Job&) { ++done; });
    for (int sent = 0; sent < jobs;) {
        auto tx = database.begin();
        for (int i = 0; i < 100 && sent < jobs; ++i, ++sent) {
            queue.enqueue(*tx, "bench.noop", nlohmann::json::object());
        }
        tx->commit();
    }
    const auto start = Clock::now();
    queue.start();
    wait_for(done, jobs);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    queue.stop();
    return jobs / seconds;
}

std::pair<double, double> latency(core::SessionPool& pool, int workers, int jobs) {
    empty_jobs_table(pool);
    core::SqlDatabase database(pool, nullptr);
    auto log = std::make_shared<spdlog::logger>("jobs", std::make_shared<spdlog::sinks::null_sink_mt>());
    core::JobQueue queue(database, queue_options(workers), log);
    std::mutex mutex;
    std::map<std::int64_t, Clock::time_point> started;
    std::atomic<int> done{0};
    queue.handle("bench.noop", [&](const sdk::Job& job) {
        const auto now = Clock::now();
        {
            std::lock_guard lock(mutex);
            started[job.id] = now;
        }
        ++done;
    });
    queue.start();
    std::map<std::int64_t, Clock::time_point> committing;
    for (int i = 0; i < jobs; ++i) {
        auto tx = database.begin();
        const auto id = queue.enqueue(*tx, "bench.noop", nlohmann::json::object());
        committing[id] = Clock::now();
        tx->commit();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    wait_for(done, jobs);
    queue.stop();
    std::vector<double> ms;
    for (const auto& [id, at] : committing) {
        ms.push_back(std::chrono::duration<double, std::milli>(started.at(id) - at).count());
    }
    return {percentile(ms, 0.50), percentile(ms, 0.99)};
}

}  // namespace

int main(int argc, char** argv) try {
    const auto options = parse(argc, argv);
    const auto url = core::DatabaseUrl::parse(options.url);
    core::SessionPool pool(url, 6, std::chrono::milliseconds(5000));
    core::Migrator(pool).apply({{"core", core::core_migrations(url.dialect)}});
    std::printf("| database | workers | jobs/s (%d queued) | enqueue→start p50 | p99 |\n|---|---|---|---|---|\n",
                options.jobs);
    for (const int workers : options.workers) {
        const double rate = throughput(pool, workers, options.jobs);
        const auto [p50, p99] = latency(pool, workers, options.latency_jobs);
        std::printf("| %s | %d | %.0f | %.2f ms | %.2f ms |\n", url.dialect == sdk::Dialect::Sqlite ? "SQLite" : "PostgreSQL", workers, rate,
                    p50, p99);
        std::fflush(stdout);
    }
    empty_jobs_table(pool);
    return 0;
} catch (const std::exception& e) {
    std::cerr << "jobs_bench: " << e.what() << "\n";
    return 1;
}
