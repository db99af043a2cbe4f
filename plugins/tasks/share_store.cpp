#include "share.hpp"

#include <tasklane/sdk/events.hpp>
#include <tasklane/sdk/query.hpp>

namespace tasklane::tasks {

namespace {

struct ShareRow {
    long long id = 0, creator_id = 0, include_comments = 0, created_at = 0, expires_at = 0;
    std::string scope;

    void bind(soci::statement& st) {
        st.exchange(soci::into(id));
        st.exchange(soci::into(creator_id));
        st.exchange(soci::into(scope));
        st.exchange(soci::into(include_comments));
        st.exchange(soci::into(created_at));
        st.exchange(soci::into(expires_at));
    }

    Share to_share() const {
        return {id, creator_id, nlohmann::json::parse(scope), include_comments != 0, created_at, expires_at};
    }
};

const std::string kSelect = "SELECT id, creator_id, scope, include_comments, created_at, expires_at FROM task_shares ";

}  // namespace

TaskFilter Share::filter() const {
    TaskFilter f;
    if (scope.contains("tag")) {
        f.tag = scope["tag"].get<std::string>();
    } else if (scope.contains("assignee_id")) {
        f.assignee_id = scope["assignee_id"].get<std::int64_t>();
    } else {
        f.ids = scope.at("task_ids").get<std::vector<std::int64_t>>();
    }
    return f;
}

nlohmann::json to_json(const Share& share) {
    return {{"id", share.id},
            {"creator_id", share.creator_id},
            {"scope", share.scope},
            {"include_comments", share.include_comments},
            {"created_at", sdk::iso8601_utc(share.created_at)},
            {"expires_at", sdk::iso8601_utc(share.expires_at)}};
}

void ShareStore::insert(soci::session& sql, Share& share, const std::string& token_hash) {
    sdk::Query q;
    q.text = "INSERT INTO task_shares (token_hash, creator_id, scope, include_comments, created_at, expires_at) "
             "VALUES (" +
             q.param(token_hash) + ", " + q.param(static_cast<long long>(share.creator_id)) + ", " +
             q.param(share.scope.dump()) + ", " + q.param(static_cast<long long>(share.include_comments ? 1 : 0)) +
             ", " + q.param(static_cast<long long>(share.created_at)) + ", " +
             q.param(static_cast<long long>(share.expires_at)) + ") RETURNING id";
    struct IdRow {
        long long id = 0;
        void bind(soci::statement& st) { st.exchange(soci::into(id)); }
    };
    q.run<IdRow>(db_, sql, [&](const IdRow& row) { share.id = row.id; });
}

std::optional<Share> ShareStore::find_live(soci::session& sql, const std::string& token_hash, std::int64_t now) {
    sdk::Query q;
    q.text = kSelect + "WHERE token_hash = " + q.param(token_hash) +
             " AND expires_at > " + q.param(static_cast<long long>(now));
    std::optional<Share> out;
    q.run<ShareRow>(db_, sql, [&](const ShareRow& row) { out = row.to_share(); });
    return out;
}

std::optional<Share> ShareStore::find(soci::session& sql, std::int64_t id) {
    sdk::Query q;
    q.text = kSelect + "WHERE id = " + q.param(static_cast<long long>(id));
    std::optional<Share> out;
    q.run<ShareRow>(db_, sql, [&](const ShareRow& row) { out = row.to_share(); });
    return out;
}

std::vector<Share> ShareStore::list(soci::session& sql, std::optional<std::int64_t> creator_id) {
    sdk::Query q;
    q.text = kSelect + (creator_id ? "WHERE creator_id = " + q.param(static_cast<long long>(*creator_id)) + " " : "") +
             "ORDER BY id DESC";
    std::vector<Share> out;
    q.run<ShareRow>(db_, sql, [&](const ShareRow& row) { out.push_back(row.to_share()); });
    return out;
}

void ShareStore::remove(soci::session& sql, std::int64_t id) {
    sdk::Query q;
    q.text = "DELETE FROM task_shares WHERE id = " + q.param(static_cast<long long>(id));
    q.execute(db_, sql);
}

}  // namespace tasklane::tasks
