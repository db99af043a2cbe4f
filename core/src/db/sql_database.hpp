#pragma once
// sdk::Database over the session pool: leases, transactions and the outbox
// write that rides inside each transaction.
#include "session_pool.hpp"

#include <tasklane/sdk/database.hpp>

#include <functional>
#include <mutex>

namespace tasklane::core {

class SqlDatabase : public sdk::Database {
public:
    // on_commit_with_events runs after a transaction that published events commits.
    SqlDatabase(SessionPool& pool, std::function<void()> on_commit_with_events);

    sdk::Dialect dialect() const override { return pool_.url().dialect; }
    std::unique_ptr<sdk::DbSession> session() override;
    std::unique_ptr<sdk::Transaction> begin() override;
    sdk::StatementCache* statements(soci::session& sql) override { return pool_.statements_of(sql); }
    SessionPool& pool() { return pool_; }

private:
    SessionPool& pool_;
    std::function<void()> on_commit_with_events_;
    // SQLite has one writer at a time; queueing writers here hands the lock
    // over at once, where SQLite's busy handler would sleep up to 100 ms
    // between tries (other processes still meet busy_timeout).
    std::mutex sqlite_writer_;
};

// Runs a multi-statement SQL script on the session's native connection
// (SOCI prepares one statement at a time).
void run_sql_script(soci::session& sql, sdk::Dialect dialect, const std::string& script);

std::int64_t now_epoch_ms();

}  // namespace tasklane::core
