#include "sql_database.hpp"

#include <tasklane/sdk/query.hpp>

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <chrono>

namespace tasklane::core {

std::int64_t now_epoch_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void run_sql_script(soci::session& sql, sdk::Dialect dialect, const std::string& script) {
    if (dialect == sdk::Dialect::Sqlite) {
        auto* backend = static_cast<soci::sqlite3_session_backend*>(sql.get_backend());
        char* message = nullptr;
        // SOCI wraps sqlite3.h in namespace sqlite_api.
        if (sqlite_api::sqlite3_exec(backend->conn_, script.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
            std::string error = message ? message : "unknown error";
            sqlite_api::sqlite3_free(message);
            throw soci::soci_error("SQL script failed: " + error);
        }
        return;
    }
    auto* backend = static_cast<soci::postgresql_session_backend*>(sql.get_backend());
    PGresult* result = PQexec(backend->conn_, script.c_str());
    const auto status = PQresultStatus(result);
    std::string error = PQresultErrorMessage(result);
    PQclear(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        throw soci::soci_error("SQL script failed: " + error);
    }
}

namespace {

struct EventId {
    long long id = 0;
    void bind(soci::statement& st) { st.exchange(soci::into(id)); }
};

class SqlTransaction : public sdk::Transaction {
public:
    SqlTransaction(std::unique_lock<std::mutex> writer_lock, std::unique_ptr<SessionPool::Lease> lease,
                   sdk::Database& database, const std::function<void()>& on_commit_with_events)
        : writer_lock_(std::move(writer_lock)),
          lease_(std::move(lease)),
          database_(database),
          dialect_(database.dialect()),
          on_commit_with_events_(on_commit_with_events) {
        // SQLite: take the write lock up front; a deferred transaction that
        // upgrades later can deadlock against another writer despite busy_timeout.
        lease_->sql() << (dialect_ == sdk::Dialect::Sqlite ? "BEGIN IMMEDIATE" : "BEGIN");
    }

    ~SqlTransaction() override {
        if (!done_) {
            try {
                lease_->sql() << "ROLLBACK";
            } catch (...) {
                lease_->mark_suspect();
            }
        }
    }

    soci::session& sql() override { return lease_->sql(); }

    std::int64_t publish(const std::string& type, const sdk::Actor& actor, const nlohmann::json& data) override {
        auto& sql = lease_->sql();
        if (dialect_ == sdk::Dialect::Postgresql) {
            // Event ids must become visible in id order or the dispatcher could
            // pass an id whose transaction commits later. This lock serialises
            // event-writing transactions from here to commit, so publish last.
            sdk::Query lock;
            lock.text = "SELECT pg_advisory_xact_lock(7170001)";
            lock.execute(database_, sql);
        }
        sdk::Query insert;
        insert.text = "INSERT INTO events (type, occurred_at, actor_type, actor_id, actor_depth, data) VALUES (" +
                      insert.param(type) + ", " + insert.param(static_cast<long long>(now_epoch_ms())) + ", " +
                      insert.param(actor.type) + ", " + insert.param(actor.id.dump()) + ", " +
                      insert.param(static_cast<long long>(actor.depth)) + ", " +
                      (dialect_ == sdk::Dialect::Postgresql ? "CAST(" + insert.param(data.dump()) + " AS jsonb)"
                                                            : insert.param(data.dump())) +
                      ") RETURNING id";
        std::int64_t id = 0;
        insert.run<EventId>(database_, sql, [&](const EventId& row) { id = row.id; });
        published_ = true;
        return id;
    }

    void after_commit(std::function<void()> callback) override { after_commit_.push_back(std::move(callback)); }

    void commit() override {
        lease_->sql() << "COMMIT";
        done_ = true;
        if (writer_lock_.owns_lock()) {
            writer_lock_.unlock();  // the next writer may go while we run the callbacks
        }
        if (published_ && on_commit_with_events_) {
            on_commit_with_events_();
        }
        for (auto& callback : after_commit_) {
            callback();
        }
    }

private:
    std::unique_lock<std::mutex> writer_lock_;  // first member: released last, after ROLLBACK/COMMIT
    std::unique_ptr<SessionPool::Lease> lease_;
    sdk::Database& database_;
    sdk::Dialect dialect_;
    const std::function<void()>& on_commit_with_events_;
    bool done_ = false;
    bool published_ = false;
    std::vector<std::function<void()>> after_commit_;
};

}  // namespace

SqlDatabase::SqlDatabase(SessionPool& pool, std::function<void()> on_commit_with_events)
    : pool_(pool), on_commit_with_events_(std::move(on_commit_with_events)) {}

std::unique_ptr<sdk::DbSession> SqlDatabase::session() { return pool_.acquire(); }

std::unique_ptr<sdk::Transaction> SqlDatabase::begin() {
    std::unique_lock<std::mutex> writer;
    if (dialect() == sdk::Dialect::Sqlite) {
        writer = std::unique_lock(sqlite_writer_);  // before the lease: waiting writers hold no session
    }
    auto lease = pool_.acquire();
    return std::make_unique<SqlTransaction>(std::move(writer), std::move(lease), *this, on_commit_with_events_);
}

}  // namespace tasklane::core
