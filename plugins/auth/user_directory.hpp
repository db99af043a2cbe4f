#pragma once
// sdk::UserDirectory for other plugins and the rule engine: read-only lookups
// on the users table, each on its own session.
#include "user_store.hpp"

#include <tasklane/sdk/users.hpp>

namespace tasklane::auth {

class UserDirectory : public sdk::UserDirectory {
public:
    explicit UserDirectory(sdk::Database& database) : database_(database), store_(database) {}
    std::optional<sdk::UserInfo> get(std::int64_t user_id) override;
    std::optional<sdk::UserInfo> find(const std::string& login) override;

private:
    sdk::Database& database_;
    UserStore store_;
};

}  // namespace tasklane::auth
