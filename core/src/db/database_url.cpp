#include "database_url.hpp"

#include <stdexcept>

namespace tasklane::core {

DatabaseUrl DatabaseUrl::parse(const std::string& url) {
    DatabaseUrl out;
    static const std::string sqlite = "sqlite://";
    if (url.rfind(sqlite, 0) == 0) {
        out.dialect = sdk::Dialect::Sqlite;
        out.sqlite_path = url.substr(sqlite.size());
        if (out.sqlite_path.empty()) {
            throw std::invalid_argument("database.url 'sqlite://' names no file; use sqlite://./data/tasklane.db");
        }
        return out;
    }
    if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
        out.dialect = sdk::Dialect::Postgresql;
        out.postgresql_conninfo = url;
        // Without a connect timeout a readiness probe hangs as long as the
        // network does when the database host is gone.
        if (url.find("connect_timeout=") == std::string::npos) {
            out.postgresql_conninfo += (url.find('?') == std::string::npos ? "?" : "&");
            out.postgresql_conninfo += "connect_timeout=3";
        }
        return out;
    }
    throw std::invalid_argument("database.url must start with sqlite:// or postgresql:// (found '" + redact(url) + "')");
}

std::string DatabaseUrl::redact(const std::string& url) {
    const auto scheme = url.find("://");
    const auto at = url.find('@');
    if (scheme == std::string::npos || at == std::string::npos || at < scheme) {
        return url;
    }
    const auto colon = url.find(':', scheme + 3);
    if (colon == std::string::npos || colon > at) {
        return url;
    }
    return url.substr(0, colon + 1) + "***" + url.substr(at);
}

}  // namespace tasklane::core
