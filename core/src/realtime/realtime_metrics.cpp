#include "realtime_metrics.hpp"

namespace tasklane::core::realtime {

void register_realtime_metrics(Metrics& metrics, const FeedHub& hub) {
    metrics.add_collector([&hub](std::string& out) {
        out += "# HELP websocket_connections Open WebSocket feed connections.\n# TYPE websocket_connections gauge\n";
        for (const auto& [feed, count] : hub.connections_by_channel()) {
            out += "websocket_connections{feed=\"" + prometheus_label(feed) + "\"} " + std::to_string(count) + "\n";
        }
        const auto& c = hub.counters();
        append_metric(out, "websocket_connections_accepted_total", "WebSocket handshakes completed.", "counter",
                      static_cast<double>(c.accepted.load()));
        append_metric(out, "websocket_connections_refused_total",
                      "Upgrade requests refused (token, origin, caps, path).", "counter",
                      static_cast<double>(c.refused.load()));
        append_metric(out, "websocket_messages_sent_total", "Frames written to WebSocket clients.", "counter",
                      static_cast<double>(c.messages_sent.load()));
        append_metric(out, "websocket_messages_dropped_total", "Frames never sent because their connection was closing.",
                      "counter", static_cast<double>(c.messages_dropped.load()));
        append_metric(out, "websocket_send_queue_overflows_total", "Clients closed (1013) for not keeping up.",
                      "counter", static_cast<double>(c.queue_overflows.load()));
    });
}

nlohmann::json realtime_health(const FeedHub& hub) {
    return {{"status", "ok"}, {"connections", hub.connections_by_channel()}};
}

}  // namespace tasklane::core::realtime
