#pragma once
// Applies numbered migrations per component (the core and each plugin) and
// records them in schema_migrations with a checksum, so an edited released
// migration is caught instead of silently diverging between deployments.
#include "session_pool.hpp"

#include <tasklane/sdk/database.hpp>

#include <string>
#include <vector>

namespace tasklane::core {

struct ComponentMigrations {
    std::string component;  // "core", "auth", ...
    std::vector<sdk::Migration> migrations;
};

struct MigrationStatus {
    std::string component;
    int version = 0;
    std::string name;
    bool applied = false;
};

class MigrationError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Migrator {
public:
    explicit Migrator(SessionPool& pool);

    std::vector<MigrationStatus> status(const std::vector<ComponentMigrations>& all);
    std::size_t pending(const std::vector<ComponentMigrations>& all);
    // Applies every pending migration, each in its own transaction; returns
    // what was applied. On PostgreSQL an advisory lock keeps two nodes from
    // migrating at once.
    std::vector<MigrationStatus> apply(const std::vector<ComponentMigrations>& all);

private:
    void ensure_table(soci::session& sql);
    SessionPool& pool_;
};

}  // namespace tasklane::core
