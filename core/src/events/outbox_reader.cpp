#include "outbox_reader.hpp"

namespace tasklane::core {

std::vector<sdk::Event> read_events_after(soci::session& sql, std::int64_t after, int limit) {
    std::vector<sdk::Event> events;
    long long id = 0;
    long long occurred_at = 0;
    int depth = 0;
    std::string type, actor_type, actor_id, data;
    long long from = after;
    soci::statement st =
        (sql.prepare << "SELECT id, type, occurred_at, actor_type, actor_id, actor_depth, CAST(data AS TEXT) "
                        "FROM events WHERE id > :after ORDER BY id LIMIT :limit",
         soci::into(id), soci::into(type), soci::into(occurred_at), soci::into(actor_type), soci::into(actor_id),
         soci::into(depth), soci::into(data), soci::use(from), soci::use(limit));
    st.execute();
    while (st.fetch()) {
        sdk::Event e;
        e.id = id;
        e.type = type;
        e.occurred_at_ms = occurred_at;
        e.actor.type = actor_type;
        e.actor.id = nlohmann::json::parse(actor_id, nullptr, false);
        e.actor.depth = depth;
        e.data = nlohmann::json::parse(data, nullptr, false);
        events.push_back(std::move(e));
    }
    return events;
}

std::optional<std::int64_t> oldest_event_id(soci::session& sql) {
    long long oldest = 0;
    soci::indicator ind = soci::i_null;
    sql << "SELECT MIN(id) FROM events", soci::into(oldest, ind);
    if (ind != soci::i_ok) {
        return std::nullopt;
    }
    return oldest;
}

}  // namespace tasklane::core
