#pragma once
// Persistence as plugins see it: SOCI sessions leased from the host's pool,
// transactions that carry outbox events, and numbered migrations.
//
// Rules that cost days if forgotten (see PITFALLS.md):
//  - never bind a temporary with soci::use(); bind named lvalues;
//  - no bool/optional/chrono in SOCI: integers and soci::indicator; times are
//    int64 epoch milliseconds on both dialects;
//  - a session is not thread-safe: keep a lease on one thread and return it
//    quickly (it goes back to the pool when the lease is destroyed).
#include "events.hpp"
#include "export.hpp"

#include <soci/soci.h>

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace tasklane::sdk {

enum class Dialect { Sqlite, Postgresql };

struct Migration {
    int version = 0;          // 1, 2, 3 ... per component, applied in order, never edited once released
    std::string name;         // "create_tasks"
    std::string sql;          // a script of one or more statements, run as one transaction
};

// A leased session. Destroying it returns the session to the pool.
class TASKLANE_SDK_VISIBLE DbSession {
public:
    virtual ~DbSession() = default;
    virtual soci::session& sql() = 0;
};

// A unit of work: rows and events commit together or not at all. Destroying
// an uncommitted transaction rolls it back. Events published here are given
// to subscribers only after commit(), in id order.
class TASKLANE_SDK_VISIBLE Transaction {
public:
    virtual ~Transaction() = default;
    virtual soci::session& sql() = 0;
    // Writes one event row in this transaction; returns its id.
    virtual std::int64_t publish(const std::string& type, const Actor& actor, const nlohmann::json& data) = 0;
    // Runs `callback` right after a successful commit() (never on rollback),
    // e.g. to wake a worker for what this transaction enqueued.
    virtual void after_commit(std::function<void()> callback) = 0;
    virtual void commit() = 0;
};

// Prepared statements kept with one pooled session (see query.hpp), dropped
// when the session reconnects and before plugins are unloaded. Only the
// thread holding the session's lease touches it.
class StatementCache {
public:
    StatementCache() = default;
    StatementCache(const StatementCache&) = delete;
    StatementCache& operator=(const StatementCache&) = delete;

    // The entry under `key`, made by make() (a std::unique_ptr<Entry>) the first time.
    template <typename Entry, typename Make>
    Entry& get(const std::string& key, Make&& make) {
        auto it = entries_.find(key);
        if (it == entries_.end()) {
            if (entries_.size() >= kMaxEntries) {
                entries_.clear();  // a bound on run-time built texts; hot ones come back at once
            }
            std::unique_ptr<Entry> made = make();
            Holder holder(made.get(), [](void* p) { delete static_cast<Entry*>(p); });
            made.release();
            it = entries_.emplace(key, std::move(holder)).first;
        }
        return *static_cast<Entry*>(it->second.get());
    }
    void erase(const std::string& key) { entries_.erase(key); }
    void clear() { entries_.clear(); }
    std::size_t size() const { return entries_.size(); }

private:
    static constexpr std::size_t kMaxEntries = 256;
    using Holder = std::unique_ptr<void, void (*)(void*)>;
    std::unordered_map<std::string, Holder> entries_;
};

class TASKLANE_SDK_VISIBLE Database {
public:
    virtual ~Database() = default;
    virtual Dialect dialect() const = 0;
    virtual std::unique_ptr<DbSession> session() = 0;
    // On SQLite writers queue here, one at a time: never begin a transaction
    // on a thread that already holds one (it would wait for itself).
    virtual std::unique_ptr<Transaction> begin() = 0;
    // The statement cache of `sql` when it is a session (or transaction) this
    // database leased out; nullptr for any other session.
    virtual StatementCache* statements(soci::session& sql) = 0;
};

}  // namespace tasklane::sdk
