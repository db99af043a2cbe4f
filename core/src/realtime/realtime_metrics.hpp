#pragma once
// The WebSocket server as /metrics and /health/ready report it.
#include "feed_hub.hpp"

#include "../http/metrics.hpp"

namespace tasklane::core::realtime {

void register_realtime_metrics(Metrics& metrics, const FeedHub& hub);
nlohmann::json realtime_health(const FeedHub& hub);

}  // namespace tasklane::core::realtime
