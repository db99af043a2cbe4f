#pragma once
// Share links: creating (the token is shown once and stored hashed),
// listing, revoking, and the public read-only board behind a token.
#include "share.hpp"
#include "task_service.hpp"

#include <tasklane/sdk/users.hpp>

#include <memory>

namespace tasklane::tasks {

class ShareService {
public:
    ShareService(sdk::Database& database, TaskService& tasks, std::shared_ptr<sdk::UserDirectory> users, Clock clock);

    struct Created {
        Share share;
        std::string token;  // only here: the database keeps its SHA-256
    };
    // Body: {scope: {tag} | {assignee_id} | {task_ids: [...]}, expires_at?, include_comments?}.
    Created create(const sdk::Caller& caller, const nlohmann::json& body);
    // The caller's shares (an administrator's: everyone's), newest first.
    std::vector<Share> list(const sdk::Caller& caller);
    // By its creator or an administrator; 404 for anyone else.
    void revoke(const sdk::Caller& caller, std::int64_t id);
    // {share, columns}: the board of the tasks in scope that the creator may
    // see, cards without people, comments only when the share includes them.
    // 404 when the token is unknown, revoked or expired, or its creator is no
    // longer active: all look the same.
    nlohmann::json public_board(const std::string& token, int limit);

private:
    sdk::Database& database_;
    TaskService& tasks_;
    std::shared_ptr<sdk::UserDirectory> users_;
    Clock clock_;
    ShareStore store_;
};

}  // namespace tasklane::tasks
