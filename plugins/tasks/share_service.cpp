#include "share_service.hpp"

#include "field_checks.hpp"
#include "secrets.hpp"

#include <set>

namespace tasklane::tasks {

namespace {

constexpr std::int64_t kDay = 86400000;
constexpr std::size_t kMaxTaskIds = 500;

sdk::ApiError share_not_found() { return sdk::ApiError::not_found("share link not found or expired"); }

// What a stranger may read of a task: no people (ids lead to names and
// emails elsewhere), no dependencies, no version.
nlohmann::json public_card(const Task& task) {
    const auto full = to_json(task);
    nlohmann::json card;
    for (const char* field : {"id", "title", "description", "status", "priority", "due_date", "tags", "position",
                              "parent_id", "created_at", "updated_at", "completed_at"}) {
        card[field] = full.at(field);
    }
    return card;
}

// The scope object, or a field error naming what is wrong.
nlohmann::json checked_scope(const nlohmann::json& scope, std::vector<sdk::FieldError>& problems) {
    if (!scope.is_object() || scope.size() != 1) {
        problems.push_back({"scope", "must be an object with exactly one of tag, assignee_id, task_ids"});
        return nullptr;
    }
    const auto first = scope.begin();
    const std::string key = first.key();
    const nlohmann::json& value = first.value();
    if (key == "tag") {
        if (!value.is_string() || !valid_tag(value.get<std::string>())) {
            problems.push_back({"scope.tag", kTagRule});
        }
    } else if (key == "assignee_id") {
        if (!value.is_number_integer() || value.get<std::int64_t>() <= 0) {
            problems.push_back({"scope.assignee_id", "must be a positive integer"});
        }
    } else if (key == "task_ids") {
        bool ok = value.is_array() && !value.empty() && value.size() <= kMaxTaskIds;
        for (const auto& id : ok ? value : nlohmann::json::array()) {
            ok = ok && id.is_number_integer() && id.get<std::int64_t>() > 0;
        }
        if (!ok) {
            problems.push_back({"scope.task_ids", "must be an array of 1 to 500 task ids"});
        }
    } else {
        problems.push_back({"scope", "must be an object with exactly one of tag, assignee_id, task_ids"});
    }
    return scope;
}

}  // namespace

ShareService::ShareService(sdk::Database& database, TaskService& tasks, std::shared_ptr<sdk::UserDirectory> users,
                           Clock clock)
    : database_(database), tasks_(tasks), users_(std::move(users)), clock_(std::move(clock)), store_(database) {}

ShareService::Created ShareService::create(const sdk::Caller& caller, const nlohmann::json& body) {
    std::vector<sdk::FieldError> problems;
    for (const auto& [key, value] : body.items()) {
        if (key != "scope" && key != "expires_at" && key != "include_comments") {
            problems.push_back({key, "is not a share field (scope, expires_at, include_comments)"});
        }
    }
    Share share;
    share.creator_id = caller.user_id;
    share.created_at = clock_();
    share.scope = checked_scope(body.value("scope", nlohmann::json()), problems);
    share.expires_at = share.created_at + 7 * kDay;
    if (body.contains("expires_at")) {
        const auto& v = body["expires_at"];
        const auto at = v.is_string() ? parse_timestamp(v.get<std::string>()) : std::nullopt;
        if (!at || *at <= share.created_at || *at > share.created_at + 365 * kDay) {
            problems.push_back({"expires_at", "must be an ISO 8601 time in the next 365 days"});
        } else {
            share.expires_at = *at;
        }
    }
    if (body.contains("include_comments")) {
        if (!body["include_comments"].is_boolean()) {
            problems.push_back({"include_comments", "must be true or false"});
        } else {
            share.include_comments = body["include_comments"].get<bool>();
        }
    }
    if (problems.empty() && share.scope.contains("task_ids")) {
        // Every listed task must be one the creator sees: a share never
        // reaches further than its creator, and a typo should not pass silently.
        auto filter = share.filter();
        filter.per_page = 1;
        const auto wanted = std::set<std::int64_t>(filter.ids->begin(), filter.ids->end());
        filter.ids = std::vector<std::int64_t>(wanted.begin(), wanted.end());
        if (tasks_.list(caller, filter).total != static_cast<std::int64_t>(wanted.size())) {
            problems.push_back({"scope.task_ids", "every id must be a task you can see"});
        }
    }
    if (!problems.empty()) {
        throw sdk::ApiError::validation(problems);
    }
    Created created{share, secrets::random_token(32)};
    auto tx = database_.begin();
    store_.insert(tx->sql(), created.share, secrets::sha256_hex(created.token));
    tx->commit();
    return created;
}

std::vector<Share> ShareService::list(const sdk::Caller& caller) {
    auto session = database_.session();
    return store_.list(session->sql(), caller.is_admin() ? std::nullopt : std::optional(caller.user_id));
}

void ShareService::revoke(const sdk::Caller& caller, std::int64_t id) {
    auto tx = database_.begin();
    const auto share = store_.find(tx->sql(), id);
    if (!share || (!caller.is_admin() && share->creator_id != caller.user_id)) {
        throw sdk::ApiError::not_found("share not found");
    }
    store_.remove(tx->sql(), id);
    tx->commit();
}

nlohmann::json ShareService::public_board(const std::string& token, int limit) {
    std::optional<Share> share;
    {
        auto session = database_.session();
        share = store_.find_live(session->sql(), secrets::sha256_hex(token), clock_());
    }
    const auto creator = share && users_ ? users_->get(share->creator_id) : std::nullopt;
    if (!share || !creator || !creator->active) {
        throw share_not_found();
    }
    const auto as_creator = creator->as_caller();
    const auto columns = tasks_.board(viewer_of(as_creator), share->filter(), limit);
    auto body = board_json(columns, [&](const Task& task) {
        auto card = public_card(task);
        if (share->include_comments) {
            nlohmann::json comments = nlohmann::json::array();
            for (const auto& c : tasks_.comments(as_creator, task.id, 1, 50).first) {
                comments.push_back({{"body", c.body}, {"created_at", sdk::iso8601_utc(c.created_at)}});
            }
            card["comments"] = std::move(comments);
        }
        return card;
    });
    body["share"] = {{"scope", share->scope},
                     {"include_comments", share->include_comments},
                     {"expires_at", sdk::iso8601_utc(share->expires_at)}};
    return body;
}

}  // namespace tasklane::tasks
