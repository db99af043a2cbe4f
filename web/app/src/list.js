// The task list (/tasks): every filter, sort, search and page of
// GET /api/v1/tasks, driven by the URL query. Changing a filter navigates
// (pushState) to the new query; the route change then loads the page, so a
// bookmark, a reload and back/forward all show the same list.
import Alpine from "@alpinejs/csp";
import { api, fieldErrors, meta } from "./api.js";
import { setQuery } from "./router.js";
import { onTaskEvent } from "./realtime.js";
import { allUsers, ensureUsers, userName } from "./users.js";
import { formatDate, formatDateTime, isOverdue, priorityClass, statusLabel, PRIORITIES } from "./format.js";
import { apiPath, formFromQuery, queryFromForm, SORTS } from "./list-query.js";

export function registerList(A) {
  A.data("taskList", () => ({
    form: formFromQuery({}),
    items: [],
    total: 0,
    loading: false,
    error: "",
    errors: {},
    statuses: [],
    priorities: PRIORITIES,
    sorts: SORTS.map(([value, label]) => ({ value, label })),
    users: [],
    me: null,
    seq: 0,
    qTimer: null,
    qPushed: false,
    reloadTimer: null,
    cleanup: [],

    async init() {
      this.me = Alpine.store("session").user;
      const onRoute = (e) => { if (e.detail.name === "list") this.fromRoute(); };
      window.addEventListener("route-changed", onRoute);
      this.cleanup.push(() => window.removeEventListener("route-changed", onRoute));
      this.cleanup.push(onTaskEvent((event) => this.onEvent(event)));
      meta().then((m) => { this.statuses = m.workflow.statuses; }).catch(() => {});
      allUsers().then((users) => { this.users = users; }).catch(() => {});
      await this.fromRoute();
    },
    destroy() {
      clearTimeout(this.qTimer);
      clearTimeout(this.reloadTimer);
      for (const fn of this.cleanup) fn();
    },

    async fromRoute() {
      this.form = formFromQuery(Alpine.store("route").query);
      await this.load();
    },

    async load() {
      const seq = ++this.seq; // a slow earlier answer must not overwrite a newer one
      this.loading = true;
      try {
        const page = await api.get(apiPath(this.form));
        if (seq !== this.seq) return;
        this.items = page.items;
        this.total = page.total;
        this.error = "";
        this.errors = {};
        ensureUsers(page.items.map((t) => t.assignee_id));
      } catch (error) {
        if (seq !== this.seq) return;
        this.items = [];
        this.total = 0;
        this.error = error.message;
        this.errors = fieldErrors(error);
      } finally {
        if (seq === this.seq) this.loading = false;
      }
    },

    // --- filter changes → URL ---
    apply(push = true) {
      setQuery(queryFromForm(this.form), { push });
    },
    // Selects, the tag box and date inputs: a new filter starts from page 1.
    setFilter(key, event) {
      const value = event.target.value.trim();
      if (String(this.form[key]) === value) return;
      this.form[key] = value;
      this.form.page = 1;
      this.apply(true);
    },
    // Typing in the search box: the first change of a burst pushes a history
    // entry, the rest replace it, so Back undoes the whole search at once.
    searchInput(event) {
      this.form.q = event.target.value;
      clearTimeout(this.qTimer);
      this.qTimer = setTimeout(() => {
        this.form.page = 1;
        this.apply(!this.qPushed);
        this.qPushed = true;
        clearTimeout(this.qReset);
        this.qReset = setTimeout(() => { this.qPushed = false; }, 1500);
      }, 300);
    },
    searchSubmit() {
      clearTimeout(this.qTimer);
      this.form.page = 1;
      this.apply(!this.qPushed);
      this.qPushed = false;
    },
    clearFilters() {
      this.form = formFromQuery({});
      this.apply(true);
    },
    prevPage() {
      if (!this.hasPrev()) return;
      this.form.page -= 1;
      this.apply(true);
    },
    nextPage() {
      if (!this.hasNext()) return;
      this.form.page += 1;
      this.apply(true);
    },

    // --- display helpers ---
    pages() { return Math.max(1, Math.ceil(this.total / this.form.per_page)); },
    hasPrev() { return this.form.page > 1; },
    hasNext() { return this.form.page < this.pages(); },
    pageInfo() {
      if (this.total === 0) return "No tasks";
      const first = (this.form.page - 1) * this.form.per_page + 1;
      const last = Math.min(this.total, first + this.items.length - 1);
      return `${first}–${last} of ${this.total} · page ${this.form.page} of ${this.pages()}`;
    },
    isEmpty() { return !this.loading && !this.error && this.items.length === 0; },
    hasFilters() { return Object.keys(queryFromForm({ ...this.form, page: 1 })).length > 0; },
    statusLabel(s) { return statusLabel(s); },
    priorityClass(task) { return priorityClass(task.priority); },
    assigneeName(task) { return task.assignee_id ? userName(task.assignee_id) : "—"; },
    userLabel(u) { return u.full_name ? `${u.full_name} (${u.username})` : u.username; },
    isMe(u) { return this.me && u.id === this.me.id; },
    dueText(task) { return task.due_date ? formatDate(task.due_date) : "—"; },
    dueClass(task) { return isOverdue(task) ? "text-red-700 font-medium" : ""; },
    updatedText(task) { return formatDateTime(task.updated_at); },
    taskHref(task) { return `/tasks/${task.id}`; },
    tagsText(task) { return task.tags.join(", "); },
    fieldError(name) { return this.errors[name] || ""; },
    inputClass(name) { return this.errors[name] ? "input input-invalid" : "input"; },
    selected(key, value) { return String(this.form[key]) === String(value); },

    // --- live: edit rows in place; additions/removals re-query (order and
    // totals are the server's to decide).
    onEvent(event) {
      if (event.type === "resync") { this.load(); return; }
      const task = event.data && event.data.task;
      if (!task) return;
      const i = this.items.findIndex((t) => t.id === task.id);
      if (event.type === "task_updated" || event.type === "task_assigned" || event.type === "task_completed") {
        if (i >= 0) this.items.splice(i, 1, task);
      }
      if (event.type === "task_created" || event.type === "task_deleted" || (i >= 0 && event.type !== "comment_created")) {
        clearTimeout(this.reloadTimer);
        this.reloadTimer = setTimeout(() => this.load(), 400);
      }
    },
  }));
}
