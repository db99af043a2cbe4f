#pragma once
// Reads the outbox in id order after commit and hands each event to the
// in-process subscribers, keeping one durable cursor per subscriber.
#include "../db/session_pool.hpp"

#include <tasklane/sdk/events.hpp>

#include <spdlog/logger.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace tasklane::core {

struct DispatcherOptions {
    std::chrono::milliseconds poll_interval{500};  // fallback when no commit wakes us (other nodes, missed wake)
    int batch_size = 200;
    std::chrono::milliseconds retention{7LL * 24 * 3600 * 1000};
};

struct DispatcherStats {
    std::uint64_t delivered = 0;      // handler calls that returned
    std::uint64_t handler_errors = 0;  // handler calls that threw
    std::int64_t last_seen_id = 0;     // highest event id read from the outbox
};

class Dispatcher : public sdk::Events {
public:
    Dispatcher(SessionPool& pool, DispatcherOptions options, std::shared_ptr<spdlog::logger> log);
    ~Dispatcher() override;

    // Before start(): registers a subscriber (duplicate names are refused).
    void subscribe(sdk::Subscription subscription) override;
    // Starts the thread, which first loads the cursors, retrying until the
    // database answers. A new subscriber (durable or live) starts with the
    // first event published after start().
    void start();
    // After a commit that published events: deliver now rather than at the next poll.
    void wake();
    // Delivers what is committed (up to deadline), then stops the thread.
    void stop(std::chrono::milliseconds flush_deadline);
    DispatcherStats stats() const;

private:
    struct Subscriber {
        sdk::Subscription subscription;
        std::int64_t cursor = 0;
        std::int64_t persisted = 0;
        // A durable subscriber whose handler threw: the same event again, not
        // before retry_at, until kHandlerAttempts calls have failed.
        int failures = 0;
        std::chrono::steady_clock::time_point retry_at{};
        bool wants(const std::string& type) const;
    };

    void run();
    void load_cursors();
    // One batch: returns true when the batch was full (more may be waiting).
    bool deliver_batch();
    std::vector<sdk::Event> fetch_after(std::int64_t after);
    void persist_cursor(Subscriber& subscriber);
    void purge_old_events();
    std::int64_t outbox_head();

    SessionPool& pool_;
    DispatcherOptions options_;
    std::shared_ptr<spdlog::logger> log_;
    std::vector<Subscriber> subscribers_;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable wake_cv_;
    bool woken_ = false;
    bool cursors_loaded_ = false;  // dispatcher thread only
    std::int64_t started_at_ms_ = 0;
    bool paused_logged_ = false;   // dispatcher thread only
    bool stopping_ = false;
    std::chrono::steady_clock::time_point flush_deadline_{};
    std::chrono::steady_clock::time_point next_purge_{};
    std::atomic<std::uint64_t> delivered_{0};
    std::atomic<std::uint64_t> handler_errors_{0};
    std::atomic<std::int64_t> last_seen_id_{0};
};

}  // namespace tasklane::core
