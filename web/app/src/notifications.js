// The notifications screen (/notifications): the caller's notifications,
// newest first, paginated (GET /api/v1/notifications?page=&per_page=[&unread=true]),
// mark one read, mark all read, and live: each notification from the
// /ws/notifications feed goes on top of the first page. A notification that
// names a task (data.task_id) links to it. After marking, the unread badge
// (Alpine.store('unread'), src/unread.js) is refreshed.
import Alpine from "@alpinejs/csp";
import { api } from "./api.js";
import { onNotification } from "./realtime.js";
import { toast } from "./toast.js";
import { formatDateTime } from "./format.js";

const PER_PAGE = 20;

function notificationsPage() {
  return {
    items: [],
    total: 0,
    page: 1,
    unreadOnly: false,
    loading: true,
    loadError: "",
    markingAll: false,

    init() {
      this.stopLive = onNotification((event) => this.onLive(event));
      this.load();
    },

    destroy() {
      if (this.stopLive) this.stopLive();
    },

    async load() {
      this.loading = true;
      this.loadError = "";
      const q = new URLSearchParams({ page: String(this.page), per_page: String(PER_PAGE) });
      if (this.unreadOnly) q.set("unread", "true");
      try {
        const result = await api.get(`/api/v1/notifications?${q}`);
        this.items = result.items || [];
        this.total = result.total || 0;
        // Past the end (e.g. after marking read with the unread filter on).
        if (this.items.length === 0 && this.page > 1 && this.total > 0) {
          this.page = Math.max(1, Math.ceil(this.total / PER_PAGE));
          return this.load();
        }
      } catch (error) {
        this.loadError = error.message;
        toast(error.message, "error");
      } finally {
        this.loading = false;
      }
    },

    onLive(event) {
      if (event && event.type === "resync") { this.load(); return; } // events may have been missed
      const n = event && event.data;
      if (!n || typeof n.id !== "number") return;
      this.total += this.items.some((x) => x.id === n.id) ? 0 : 1;
      // Only the first page shows the newest; other pages keep their place.
      if (this.page !== 1 || this.items.some((x) => x.id === n.id)) return;
      if (this.unreadOnly && n.read) return;
      this.items = [n, ...this.items].slice(0, PER_PAGE);
    },

    toggleUnread() {
      this.page = 1;
      this.load();
    },

    pages() {
      return Math.max(1, Math.ceil(this.total / PER_PAGE));
    },
    hasNext() {
      return this.page < this.pages();
    },
    hasPrev() {
      return this.page > 1;
    },
    next() {
      if (!this.hasNext()) return;
      this.page += 1;
      this.load();
    },
    prev() {
      if (!this.hasPrev()) return;
      this.page -= 1;
      this.load();
    },
    pageInfo() {
      return `Page ${this.page} of ${this.pages()} · ${this.total} ${this.unreadOnly ? "unread" : "in all"}`;
    },

    unreadCount() {
      return this.items.filter((n) => !n.read).length;
    },

    async markRead(n) {
      if (n.read) return;
      try {
        await api.post(`/api/v1/notifications/${n.id}/read`);
        this.items = this.items.map((x) => (x.id === n.id ? { ...x, read: true, read_at: new Date().toISOString() } : x));
        Alpine.store("unread").refresh();
      } catch (error) {
        toast(error.message, "error");
      }
    },

    async markAll() {
      if (this.markingAll) return;
      this.markingAll = true;
      try {
        await api.post("/api/v1/notifications/read-all");
        Alpine.store("unread").refresh();
        toast("All notifications marked read.", "info");
        if (this.unreadOnly) {
          this.page = 1;
          await this.load();
        } else {
          this.items = this.items.map((x) => (x.read ? x : { ...x, read: true, read_at: new Date().toISOString() }));
        }
      } catch (error) {
        toast(error.message, "error");
      } finally {
        this.markingAll = false;
      }
    },

    // Following a notification's task link also marks it read (the click
    // itself is handled by the router).
    opened(n) {
      this.markRead(n);
    },

    taskId(n) {
      return n && n.data && Number.isInteger(n.data.task_id) && n.data.task_id > 0 ? n.data.task_id : 0;
    },
    taskHref(n) {
      return `/tasks/${this.taskId(n)}`;
    },
    when(iso) {
      return formatDateTime(iso, { seconds: true });
    },
    itemClass(n) {
      return n.read ? "bg-white" : "bg-sky-50 border-l-4 border-l-sky-600";
    },
  };
}

export function registerNotifications(Alpine) {
  Alpine.data("notificationsPage", notificationsPage);
}
