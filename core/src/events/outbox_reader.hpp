#pragma once
// Reading the outbox (the events table) in id order: the dispatcher's batches
// and the WebSocket replay after `since=` share it.
#include "../db/session_pool.hpp"

#include <tasklane/sdk/events.hpp>

#include <cstdint>
#include <optional>
#include <vector>

namespace tasklane::core {

// Up to `limit` committed events with id > after, oldest first.
std::vector<sdk::Event> read_events_after(soci::session& sql, std::int64_t after, int limit);
// The oldest event still kept (older ones were purged), or nullopt when the outbox is empty.
std::optional<std::int64_t> oldest_event_id(soci::session& sql);

}  // namespace tasklane::core
