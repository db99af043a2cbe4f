#include "user_directory.hpp"

namespace tasklane::auth {

namespace {

std::optional<sdk::UserInfo> info_of(const std::optional<User>& user) {
    if (!user) {
        return std::nullopt;
    }
    return sdk::UserInfo{user->id, user->username, user->email, user->full_name, user->role, user->is_active};
}

}  // namespace

std::optional<sdk::UserInfo> UserDirectory::get(std::int64_t user_id) {
    auto session = database_.session();
    return info_of(store_.find_by_id(session->sql(), user_id));
}

std::optional<sdk::UserInfo> UserDirectory::find(const std::string& login) {
    auto session = database_.session();
    return info_of(store_.find_by_login(session->sql(), login));
}

}  // namespace tasklane::auth
