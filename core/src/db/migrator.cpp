#include "migrator.hpp"

#include "sql_database.hpp"

#include <map>
#include <set>

namespace tasklane::core {

namespace {

std::string checksum(const std::string& text) {
    std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a 64: stable across builds and platforms
    for (unsigned char c : text) {
        hash = (hash ^ c) * 1099511628211ULL;
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash));
    return buf;
}

using AppliedMap = std::map<std::pair<std::string, int>, std::string>;  // (component, version) -> checksum

AppliedMap read_applied(soci::session& sql) {
    AppliedMap applied;
    std::string component;
    int version = 0;
    std::string sum;
    soci::statement st = (sql.prepare << "SELECT component, version, checksum FROM schema_migrations",
                          soci::into(component), soci::into(version), soci::into(sum));
    st.execute();
    while (st.fetch()) {
        applied[{component, version}] = sum;
    }
    return applied;
}

bool table_exists(soci::session& sql, sdk::Dialect dialect) {
    int found = 0;
    if (dialect == sdk::Dialect::Postgresql) {
        sql << "SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN 0 ELSE 1 END", soci::into(found);
    } else {
        sql << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
            soci::into(found);
    }
    return found != 0;
}

void check_not_edited(const ComponentMigrations& component, const sdk::Migration& m, const AppliedMap& applied) {
    auto it = applied.find({component.component, m.version});
    if (it != applied.end() && it->second != checksum(m.sql)) {
        throw MigrationError("migration " + component.component + "/" + std::to_string(m.version) + " (" + m.name +
                             ") was edited after it was applied; add a new migration instead");
    }
}

}  // namespace

Migrator::Migrator(SessionPool& pool) : pool_(pool) {}

void Migrator::ensure_table(soci::session& sql) {
    sql << "CREATE TABLE IF NOT EXISTS schema_migrations ("
           "component VARCHAR(100) NOT NULL, version INTEGER NOT NULL, name VARCHAR(200) NOT NULL, "
           "checksum VARCHAR(32) NOT NULL, applied_at BIGINT NOT NULL, PRIMARY KEY (component, version))";
}

std::vector<MigrationStatus> Migrator::status(const std::vector<ComponentMigrations>& all) {
    // Read-only: readiness probes call this while another thread or node may be migrating, and
    // CREATE TABLE IF NOT EXISTS is not atomic on PostgreSQL, so only apply() creates the table.
    auto lease = pool_.acquire();
    const auto applied = table_exists(lease->sql(), pool_.url().dialect) ? read_applied(lease->sql()) : AppliedMap{};
    std::vector<MigrationStatus> out;
    for (const auto& component : all) {
        for (const auto& m : component.migrations) {
            check_not_edited(component, m, applied);
            out.push_back({component.component, m.version, m.name, applied.count({component.component, m.version}) > 0});
        }
    }
    return out;
}

std::size_t Migrator::pending(const std::vector<ComponentMigrations>& all) {
    std::size_t n = 0;
    for (const auto& s : status(all)) {
        n += s.applied ? 0 : 1;
    }
    return n;
}

std::vector<MigrationStatus> Migrator::apply(const std::vector<ComponentMigrations>& all) {
    auto lease = pool_.acquire();
    auto& sql = lease->sql();
    const auto dialect = pool_.url().dialect;
    if (dialect == sdk::Dialect::Postgresql) {
        sql << "SELECT pg_advisory_lock(7170000)";
    }
    std::vector<MigrationStatus> done;
    try {
        ensure_table(sql);  // under the lock: concurrent creators would collide on PostgreSQL
        // Read after taking the lock: another node may have migrated meanwhile.
        const auto applied = read_applied(sql);
        for (const auto& component : all) {
            std::set<int> seen;
            for (const auto& m : component.migrations) {
                if (!seen.insert(m.version).second) {
                    throw MigrationError("component " + component.component + " declares migration version " +
                                         std::to_string(m.version) + " twice");
                }
                check_not_edited(component, m, applied);
                if (applied.count({component.component, m.version}) > 0) {
                    continue;
                }
                sql << (dialect == sdk::Dialect::Sqlite ? "BEGIN IMMEDIATE" : "BEGIN");
                try {
                    run_sql_script(sql, dialect, m.sql);
                    std::string name = component.component;
                    int version = m.version;
                    std::string mname = m.name;
                    std::string sum = checksum(m.sql);
                    std::int64_t at = now_epoch_ms();
                    sql << "INSERT INTO schema_migrations (component, version, name, checksum, applied_at) "
                           "VALUES (:c, :v, :n, :s, :a)",
                        soci::use(name), soci::use(version), soci::use(mname), soci::use(sum), soci::use(at);
                    sql << "COMMIT";
                } catch (const std::exception& e) {
                    sql << "ROLLBACK";
                    throw MigrationError("migration " + component.component + "/" + std::to_string(m.version) + " (" +
                                         m.name + ") failed: " + e.what());
                }
                done.push_back({component.component, m.version, m.name, true});
            }
        }
    } catch (...) {
        if (dialect == sdk::Dialect::Postgresql) {
            sql << "SELECT pg_advisory_unlock(7170000)";
        }
        throw;
    }
    if (dialect == sdk::Dialect::Postgresql) {
        sql << "SELECT pg_advisory_unlock(7170000)";
    }
    return done;
}

}  // namespace tasklane::core
