#include "dispatcher.hpp"

#include "../db/sql_database.hpp"
#include "outbox_reader.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace tasklane::core {

Dispatcher::Dispatcher(SessionPool& pool, DispatcherOptions options, std::shared_ptr<spdlog::logger> log)
    : pool_(pool), options_(options), log_(std::move(log)) {}

Dispatcher::~Dispatcher() { stop(std::chrono::milliseconds(0)); }

bool Dispatcher::Subscriber::wants(const std::string& type) const {
    const auto& types = subscription.types;
    return types.empty() || std::find(types.begin(), types.end(), type) != types.end();
}

void Dispatcher::subscribe(sdk::Subscription subscription) {
    if (thread_.joinable()) {
        throw std::logic_error("subscribe '" + subscription.name + "' after the dispatcher started; subscribe in start()");
    }
    if (subscription.name.empty() || !subscription.handler) {
        throw std::invalid_argument("a subscription needs a name and a handler");
    }
    for (const auto& s : subscribers_) {
        if (s.subscription.name == subscription.name) {
            throw std::invalid_argument("event subscriber '" + subscription.name + "' is registered twice");
        }
    }
    subscribers_.push_back({std::move(subscription), 0, 0});
}

std::int64_t Dispatcher::outbox_head() {
    auto lease = pool_.acquire();
    long long head = 0;
    lease->sql() << "SELECT COALESCE(MAX(id), 0) FROM events", soci::into(head);
    return head;
}

void Dispatcher::start() {
    started_at_ms_ = now_epoch_ms();
    thread_ = std::thread([this] { run(); });
}

void Dispatcher::load_cursors() {
    // A new subscriber starts after the events that predate this process:
    // whenever the cursors load (the database may come up late), it still
    // gets every event published since start.
    long long head = 0;
    {
        auto lease = pool_.acquire();
        long long started = started_at_ms_;
        lease->sql() << "SELECT COALESCE(MAX(id), 0) FROM events WHERE occurred_at < :started", soci::use(started),
            soci::into(head);
    }
    auto lease = pool_.acquire();
    auto& sql = lease->sql();
    for (auto& s : subscribers_) {
        if (!s.subscription.durable) {
            s.cursor = s.persisted = head;
            continue;
        }
        long long stored = 0;
        soci::indicator ind = soci::i_null;
        std::string name = s.subscription.name;
        sql << "SELECT last_event_id FROM event_cursors WHERE subscriber = :name", soci::use(name),
            soci::into(stored, ind);
        if (sql.got_data() && ind == soci::i_ok) {
            s.cursor = s.persisted = stored;
        } else {
            // First registration: never replay history that predates the
            // subscriber (it would, say, email about old events).
            long long at = head;
            long long now = now_epoch_ms();
            sql << "INSERT INTO event_cursors (subscriber, last_event_id, updated_at) VALUES (:s, :id, :at)",
                soci::use(name), soci::use(at), soci::use(now);
            s.cursor = s.persisted = head;
        }
        log_->info("event subscriber '{}' resumes after event {}", name, s.cursor);
    }
    last_seen_id_ = std::max<std::int64_t>(last_seen_id_, head);
}

void Dispatcher::wake() {
    {
        std::lock_guard lock(mutex_);
        woken_ = true;
    }
    wake_cv_.notify_one();
}

void Dispatcher::stop(std::chrono::milliseconds flush_deadline) {
    if (!thread_.joinable()) {
        return;
    }
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        flush_deadline_ = std::chrono::steady_clock::now() + flush_deadline;
    }
    wake_cv_.notify_one();
    thread_.join();
}

DispatcherStats Dispatcher::stats() const { return {delivered_.load(), handler_errors_.load(), last_seen_id_.load()}; }

void Dispatcher::run() {
    while (true) {
        bool was_stopping = false;
        {
            std::lock_guard lock(mutex_);
            was_stopping = stopping_;
        }
        bool more = false;
        try {
            // Cursors load here, not in start(): the server may start while the
            // database is away or its migrations are pending (not ready, 503).
            if (!cursors_loaded_) {
                load_cursors();
                cursors_loaded_ = true;
            }
            more = deliver_batch();
            purge_old_events();
            paused_logged_ = false;
        } catch (const std::exception& e) {
            // The database may be away or not migrated yet; retry at the next poll.
            if (!paused_logged_) {
                log_->warn("event dispatch paused: {}", e.what());
                paused_logged_ = true;
            }
        }
        std::unique_lock lock(mutex_);
        if (stopping_) {
            // Flushing: a pass that began after stop() was called has seen every
            // commit made before it; keep going only while batches come back full.
            if ((was_stopping && !more) || std::chrono::steady_clock::now() >= flush_deadline_) {
                return;
            }
            continue;
        }
        if (!more) {
            wake_cv_.wait_for(lock, options_.poll_interval, [this] { return woken_ || stopping_; });
        }
        woken_ = false;
    }
}

std::vector<sdk::Event> Dispatcher::fetch_after(std::int64_t after) {
    auto lease = pool_.acquire();
    return read_events_after(lease->sql(), after, options_.batch_size);
}

// Calls of a durable subscriber's handler for one event before it is skipped:
// with delays of 0.2, 0.4, ... 12.8 s between them, about 25 s in all.
constexpr int kHandlerAttempts = 8;

bool Dispatcher::deliver_batch() {
    if (subscribers_.empty()) {
        last_seen_id_ = outbox_head();
        return false;
    }
    const auto now = std::chrono::steady_clock::now();
    auto waiting = [&](const Subscriber& s) { return s.failures > 0 && now < s.retry_at; };
    // A subscriber waiting to retry does not hold the others back.
    std::int64_t from = std::numeric_limits<std::int64_t>::max();
    bool anyone_ready = false;
    for (const auto& s : subscribers_) {
        if (!waiting(s)) {
            from = std::min(from, s.cursor);
            anyone_ready = true;
        }
    }
    if (!anyone_ready) {
        return false;
    }
    const auto events = fetch_after(from);
    for (const auto& event : events) {
        for (auto& s : subscribers_) {
            if (s.cursor >= event.id || waiting(s)) {
                continue;  // passed, or waiting to retry its failed event (it stays behind its cursor)
            }
            if (s.wants(event.type)) {
                try {
                    s.subscription.handler(event);
                    ++delivered_;
                    s.failures = 0;
                } catch (const std::exception& e) {
                    ++handler_errors_;
                    if (s.subscription.durable && ++s.failures < kHandlerAttempts) {
                        // A durable subscriber must not lose the event to a passing failure (the
                        // database away for a moment): it is retried with a growing delay.
                        const auto delay = std::chrono::milliseconds(100LL << std::min(s.failures, 7));
                        s.retry_at = std::chrono::steady_clock::now() + delay;
                        log_->warn("event subscriber '{}' failed on event {} ({}), attempt {} of {}; retrying in {} ms: {}",
                                   s.subscription.name, event.id, event.type, s.failures, kHandlerAttempts,
                                   delay.count(), e.what());
                        continue;
                    }
                    log_->error("event subscriber '{}' failed on event {} ({}){}; skipping it: {}",
                                s.subscription.name, event.id, event.type,
                                s.subscription.durable ? " " + std::to_string(kHandlerAttempts) + " times" : "",
                                e.what());
                    s.failures = 0;
                }
                s.cursor = event.id;
                if (s.subscription.durable) {
                    persist_cursor(s);
                }
            } else {
                s.cursor = event.id;  // persisted at the end of the batch
            }
        }
        last_seen_id_ = std::max<std::int64_t>(last_seen_id_, event.id);
    }
    for (auto& s : subscribers_) {
        if (s.subscription.durable && s.cursor != s.persisted) {
            persist_cursor(s);
        }
    }
    return static_cast<int>(events.size()) == options_.batch_size;
}

void Dispatcher::persist_cursor(Subscriber& subscriber) {
    auto lease = pool_.acquire();
    long long cursor = subscriber.cursor;
    long long now = now_epoch_ms();
    std::string name = subscriber.subscription.name;
    lease->sql() << "UPDATE event_cursors SET last_event_id = :id, updated_at = :at WHERE subscriber = :name",
        soci::use(cursor), soci::use(now), soci::use(name);
    subscriber.persisted = subscriber.cursor;
}

void Dispatcher::purge_old_events() {
    const auto now = std::chrono::steady_clock::now();
    if (now < next_purge_) {
        return;
    }
    next_purge_ = now + std::chrono::minutes(1);
    // Only events every durable subscriber has passed, and older than the retention window.
    std::int64_t safe = last_seen_id_;
    for (const auto& s : subscribers_) {
        if (s.subscription.durable) {
            safe = std::min(safe, s.persisted);
        }
    }
    long long upto = safe;
    long long before = now_epoch_ms() - options_.retention.count();
    auto lease = pool_.acquire();
    lease->sql() << "DELETE FROM events WHERE id <= :upto AND occurred_at < :before", soci::use(upto),
        soci::use(before);
}

}  // namespace tasklane::core
