// /admin/webhooks: list, create, edit and delete webhooks ({url, events,
// secret, active}); per webhook, its deliveries with every attempt's status
// code, duration and error, and redeliver. The secret is shown once, right
// after creation (the server never returns it again).
import { api, fieldErrors } from "../api.js";
import { toast, toastError } from "../toast.js";
import { badgeClass, fmtDate, fmtMillis, lastPage, pageInfo } from "./format.js";
import { pagedList, withFlag } from "./paged-list.js";

const DELIVERIES_PER_PAGE = 20;

// The event types the server publishes (webhooks also accept any dotted
// lower-case name, e.g. a plugin's own, and "*" for all).
export const WEBHOOK_EVENTS = [
  "task.created", "task.updated", "task.status_changed", "task.assigned", "task.completed", "task.deleted",
  "comment.created", "attachment.added", "attachment.deleted", "user.registered",
];

const emptyForm = () => ({ url: "", events: ["task.created"], extra: "", secret: "", active: true, all: false });

export function adminWebhooks() {
  return {
    ...pagedList({ path: "/api/v1/webhooks", perPage: 50, noun: "webhooks" }),
    knownEvents: WEBHOOK_EVENTS,
    // form (create or edit)
    editing: null, // null: closed; "new"; or the webhook id
    form: emptyForm(),
    errors: {},
    formError: "",
    saving: false,
    createdSecret: "",
    // deliveries
    openId: null,
    deliveries: [],
    deliveriesTotal: 0,
    deliveriesPage: 1,
    deliveriesLoading: false,
    deliveriesError: "",
    redelivering: {},

    init() { this.load(); },

    eventsLabel(w) { return (w.events || []).join(", "); },
    activeLabel(w) { return w.active ? "Active" : "Inactive"; },
    activeClass(w) { return w.active ? "badge bg-green-100 text-green-800" : "badge bg-slate-100 text-slate-700"; },
    created(w) { return fmtDate(w.created_at); },

    // ---- form ----------------------------------------------------------
    formOpen() { return this.editing !== null; },
    formTitle() { return this.editing === "new" ? "New webhook" : `Edit webhook #${this.editing}`; },
    isEditing(w) { return this.editing === w.id; },
    secretHint() {
      return this.editing === "new"
        ? "16–256 characters; leave empty to have one generated (shown once)."
        : "Leave empty to keep the current secret.";
    },
    fieldError(field) { return this.errors[field] || ""; },
    hasFieldError(field) { return !!this.errors[field]; },

    startCreate() {
      this.editing = "new";
      this.form = emptyForm();
      this.errors = {};
      this.formError = "";
      this.createdSecret = "";
      this.focusForm();
    },
    startEdit(w) {
      const known = (w.events || []).filter((e) => WEBHOOK_EVENTS.includes(e));
      const extra = (w.events || []).filter((e) => !WEBHOOK_EVENTS.includes(e) && e !== "*");
      this.editing = w.id;
      this.form = {
        url: w.url, events: known, extra: extra.join(", "), secret: "", active: !!w.active,
        all: (w.events || []).includes("*"),
      };
      this.errors = {};
      this.formError = "";
      this.createdSecret = "";
      this.focusForm();
    },
    cancel() { this.editing = null; this.errors = {}; this.formError = ""; },
    focusForm() {
      this.$nextTick(() => { const el = document.getElementById("webhook-url"); if (el) el.focus(); });
    },

    formEvents() {
      if (this.form.all) return ["*"];
      const extra = this.form.extra.split(/[\s,]+/).map((e) => e.trim()).filter(Boolean);
      return [...new Set([...this.form.events, ...extra])];
    },

    async save() {
      if (this.saving) return;
      this.saving = true;
      this.errors = {};
      this.formError = "";
      const body = { url: this.form.url.trim(), events: this.formEvents(), active: !!this.form.active };
      if (this.form.secret) body.secret = this.form.secret;
      try {
        if (this.editing === "new") {
          const created = await api.post("/api/v1/webhooks", body);
          this.createdSecret = created.secret || "";
          toast("Webhook created", "info");
        } else {
          await api.patch(`/api/v1/webhooks/${this.editing}`, body);
          toast("Webhook saved", "info");
        }
        this.editing = null;
        await this.load();
      } catch (error) {
        this.errors = fieldErrors(error);
        this.formError = error.message;
        toastError(error, true);
      } finally {
        this.saving = false;
      }
    },
    dismissSecret() { this.createdSecret = ""; },

    async remove(w) {
      if (!window.confirm(`Delete the webhook to ${w.url} and its delivery log?`)) return;
      try {
        await api.del(`/api/v1/webhooks/${w.id}`);
        toast("Webhook deleted", "info");
        if (this.openId === w.id) this.openId = null;
        if (this.editing === w.id) this.editing = null;
        await this.load();
      } catch (error) {
        toastError(error, true);
      }
    },

    // ---- deliveries ----------------------------------------------------
    isOpen(w) { return this.openId === w.id; },
    deliveriesButton(w) { return this.isOpen(w) ? "Hide deliveries" : "Deliveries"; },
    toggleDeliveries(w) {
      if (this.openId === w.id) { this.openId = null; return; }
      this.openId = w.id;
      this.deliveriesPage = 1;
      this.deliveries = [];
      this.loadDeliveries();
    },
    async loadDeliveries() {
      if (this.openId === null) return;
      const id = this.openId;
      this.deliveriesLoading = true;
      this.deliveriesError = "";
      try {
        const res = await api.get(
          `/api/v1/webhooks/${id}/deliveries?page=${this.deliveriesPage}&per_page=${DELIVERIES_PER_PAGE}`);
        if (this.openId !== id) return;
        this.deliveries = res.items.map((d) => ({ ...d, open: false }));
        this.deliveriesTotal = res.total;
      } catch (error) {
        this.deliveriesError = error.message;
      } finally {
        this.deliveriesLoading = false;
      }
    },
    deliveriesEmpty() { return !this.deliveriesLoading && !this.deliveriesError && this.deliveries.length === 0; },
    deliveriesInfo() { return pageInfo(this.deliveriesPage, DELIVERIES_PER_PAGE, this.deliveriesTotal, "deliveries"); },
    deliveriesHasPrev() { return this.deliveriesPage > 1; },
    deliveriesHasNext() { return this.deliveriesPage < lastPage(DELIVERIES_PER_PAGE, this.deliveriesTotal); },
    deliveriesPrev() { if (this.deliveriesHasPrev()) { this.deliveriesPage -= 1; this.loadDeliveries(); } },
    deliveriesNext() { if (this.deliveriesHasNext()) { this.deliveriesPage += 1; this.loadDeliveries(); } },

    // The newest attempt carries the status code/duration/error shown in the row.
    lastAttempt(d) { const a = d.attempts || []; return a.length ? a[a.length - 1] : null; },
    deliveryCode(d) { const a = this.lastAttempt(d); return a && a.status_code != null ? String(a.status_code) : "—"; },
    deliveryDuration(d) { const a = this.lastAttempt(d); return a ? fmtMillis(a.duration_ms) : "—"; },
    deliveryError(d) { const a = this.lastAttempt(d); return (a && a.error) || d.last_error || ""; },
    deliveryClass(d) { return badgeClass(d.status); },
    deliveryDate(d) { return fmtDate(d.created_at); },
    deliveryShortId(d) { return String(d.id).slice(0, 8); },
    attemptDate(a) { return fmtDate(a.at); },
    attemptCode(a) { return a.status_code != null ? String(a.status_code) : "—"; },
    attemptDuration(a) { return fmtMillis(a.duration_ms); },
    attemptError(a) { return a.error || ""; },
    attemptsLabel(d) { return d.open ? "Hide attempts" : `Attempts (${(d.attempts || []).length})`; },
    toggleAttempts(d) { d.open = !d.open; },
    isRedelivering(d) { return !!this.redelivering[d.id]; },

    async redeliver(d) {
      if (this.isRedelivering(d)) return;
      this.redelivering = withFlag(this.redelivering, d.id, true);
      try {
        const res = await api.post(`/api/v1/webhooks/${this.openId}/deliveries/${encodeURIComponent(d.id)}/redeliver`);
        d.status = (res && res.status) || "pending";
        toast(`Delivery ${this.deliveryShortId(d)} queued again`, "info");
        // The job runs in the background; show its attempt shortly.
        setTimeout(() => this.loadDeliveries(), 1500);
      } catch (error) {
        toastError(error, true);
      } finally {
        this.redelivering = withFlag(this.redelivering, d.id, false);
      }
    },
  };
}
