// The unread-notification badge: Alpine.store('unread').count, from
// GET /api/v1/notifications?unread=true (its total). New notifications arrive
// on the notifications feed; marking read happens over REST, which the feed
// does not echo, so the notifications screen calls
// Alpine.store('unread').refresh() (or dispatches a window
// 'notifications-changed' event) after marking.
import Alpine from "@alpinejs/csp";
import { api } from "./api.js";
import { onNotification } from "./realtime.js";
import { onSessionChange } from "./session.js";

let timer = null;

export function registerUnread() {
  Alpine.store("unread", {
    count: 0,
    async refresh() {
      if (!Alpine.store("session").user) { this.count = 0; return; }
      try {
        const page = await api.get("/api/v1/notifications?unread=true&per_page=1");
        this.count = typeof page.total === "number" ? page.total : page.unread_count || 0;
      } catch { /* keep the last count; the next event or screen retries */ }
    },
  });
  const store = Alpine.store("unread");
  // Several events in a burst cost one request.
  const soon = () => { clearTimeout(timer); timer = setTimeout(() => store.refresh(), 150); };
  onSessionChange((user) => { if (user) store.refresh(); else store.count = 0; });
  onNotification((event) => {
    if (event.type === "notification" && !(event.data && event.data.read)) store.count += 1;
    soon();
  });
  window.addEventListener("notifications-changed", soon);
}
