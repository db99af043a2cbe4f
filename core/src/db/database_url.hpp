#pragma once
#include <tasklane/sdk/database.hpp>

#include <string>

namespace tasklane::core {

// database.url: "sqlite://PATH" (relative or absolute: sqlite:///var/lib/x.db)
// or "postgresql://user:pass@host:port/db?..." (handed to libpq as is).
struct DatabaseUrl {
    sdk::Dialect dialect = sdk::Dialect::Sqlite;
    std::string sqlite_path;        // Sqlite only
    std::string postgresql_conninfo;  // Postgresql only

    // Throws std::invalid_argument with a message naming the accepted forms.
    static DatabaseUrl parse(const std::string& url);
    // The URL with any password replaced by "***", for logs.
    static std::string redact(const std::string& url);
};

}  // namespace tasklane::core
