#include "session_pool.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <filesystem>

namespace tasklane::core {

SessionPool::SessionPool(DatabaseUrl url, std::size_t size, std::chrono::milliseconds busy_timeout)
    : url_(std::move(url)), busy_timeout_(busy_timeout), slots_(size == 0 ? 1 : size) {
    if (url_.dialect == sdk::Dialect::Sqlite) {
        const auto parent = std::filesystem::path(url_.sqlite_path).parent_path();
        if (!parent.empty()) {
            std::filesystem::create_directories(parent);
        }
    }
}

SessionPool::~SessionPool() { clear_statements(); }

sdk::StatementCache* SessionPool::statements_of(soci::session& sql) {
    std::lock_guard lock(mutex_);
    for (auto& slot : slots_) {
        if (slot.session.get() == &sql) {
            return &slot.statements;
        }
    }
    return nullptr;
}

void SessionPool::clear_statements() {
    std::lock_guard lock(mutex_);
    for (auto& slot : slots_) {
        slot.statements.clear();
    }
}

std::unique_ptr<SessionPool::Lease> SessionPool::acquire() {
    std::size_t index = 0;
    {
        std::unique_lock lock(mutex_);
        const bool got = freed_.wait_for(lock, acquire_timeout_, [&] {
            for (std::size_t i = 0; i < slots_.size(); ++i) {
                if (!slots_[i].busy) {
                    index = i;
                    return true;
                }
            }
            return false;
        });
        if (!got) {
            throw DatabaseUnavailable("no database session became free within 5 s");
        }
        slots_[index].busy = true;
    }
    auto lease = std::make_unique<Lease>(*this, index);
    // Connecting happens outside the lock: the slot is ours alone now.
    ensure_connected(slots_[index]);
    return lease;
}

std::size_t SessionPool::in_use() const {
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (const auto& s : slots_) {
        n += s.busy ? 1 : 0;
    }
    return n;
}

void SessionPool::release(std::size_t slot) {
    {
        std::lock_guard lock(mutex_);
        slots_[slot].busy = false;
    }
    freed_.notify_one();
}

void SessionPool::ensure_connected(Slot& slot) {
    try {
        if (!slot.session) {
            auto session = std::make_unique<soci::session>();
            if (url_.dialect == sdk::Dialect::Sqlite) {
                const auto seconds = std::max<long long>(1, busy_timeout_.count() / 1000);
                session->open(soci::sqlite3, "db=" + url_.sqlite_path + " timeout=" + std::to_string(seconds));
            } else {
                session->open(soci::postgresql, url_.postgresql_conninfo);
            }
            configure(*session);
            slot.session = std::move(session);
            slot.suspect = false;
            return;
        }
        if (url_.dialect == sdk::Dialect::Postgresql) {
            auto* backend = static_cast<soci::postgresql_session_backend*>(slot.session->get_backend());
            if (slot.suspect || PQstatus(backend->conn_) != CONNECTION_OK) {
                slot.statements.clear();  // prepared statements die with the connection
                slot.session->reconnect();
                configure(*slot.session);
            }
        }
        slot.suspect = false;
    } catch (const std::exception& e) {
        slot.statements.clear();
        slot.session.reset();
        throw DatabaseUnavailable(std::string("database unreachable: ") + e.what());
    }
}

void SessionPool::configure(soci::session& sql) {
    if (url_.dialect == sdk::Dialect::Sqlite) {
        // WAL + NORMAL survives a killed process without losing committed rows.
        sql << "PRAGMA journal_mode=WAL";
        sql << "PRAGMA synchronous=NORMAL";
        sql << "PRAGMA foreign_keys=ON";
    }
}

SessionPool::Lease::~Lease() { pool_->release(slot_); }

soci::session& SessionPool::Lease::sql() { return *pool_->slots_[slot_].session; }

void SessionPool::Lease::mark_suspect() { pool_->slots_[slot_].suspect = true; }

}  // namespace tasklane::core
