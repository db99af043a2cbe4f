#pragma once
// A fixed-size pool of SOCI sessions. soci::connection_pool never checks a
// session's health, so this one connects lazily, checks a PostgreSQL session
// before each lease and reconnects a broken one: the server recovers when the
// database comes back, without a restart.
#include "database_url.hpp"

#include <tasklane/sdk/database.hpp>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

namespace tasklane::core {

class DatabaseUnavailable : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class SessionPool {
public:
    SessionPool(DatabaseUrl url, std::size_t size, std::chrono::milliseconds busy_timeout);
    ~SessionPool();

    class Lease : public sdk::DbSession {
    public:
        Lease(SessionPool& pool, std::size_t slot) : pool_(&pool), slot_(slot) {}
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        ~Lease() override;
        soci::session& sql() override;
        // Marks the session for a health check before its next lease (after a soci_error).
        void mark_suspect();

    private:
        SessionPool* pool_;
        std::size_t slot_;
    };

    // Waits up to acquire_timeout for a free session; throws DatabaseUnavailable
    // when none frees up or the database cannot be reached.
    std::unique_ptr<Lease> acquire();
    const DatabaseUrl& url() const { return url_; }
    std::size_t size() const { return slots_.size(); }
    std::size_t in_use() const;
    // The statement cache of one of this pool's sessions; nullptr for others.
    sdk::StatementCache* statements_of(soci::session& sql);
    // Drops every cached statement (before plugins that made them unload).
    void clear_statements();

private:
    struct Slot {
        std::unique_ptr<soci::session> session;
        sdk::StatementCache statements;  // prepared on `session`: cleared before it reconnects or closes
        bool busy = false;
        bool suspect = false;
    };
    void release(std::size_t slot);
    void ensure_connected(Slot& slot);
    void configure(soci::session& sql);

    DatabaseUrl url_;
    std::chrono::milliseconds busy_timeout_;
    std::chrono::milliseconds acquire_timeout_{5000};
    mutable std::mutex mutex_;
    std::condition_variable freed_;
    std::vector<Slot> slots_;
};

}  // namespace tasklane::core
