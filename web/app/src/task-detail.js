// The task detail screen (/tasks/<id>): one Alpine component, `taskDetail`,
// assembled from sections that each own one part of the page
// (task-detail/form.js, relations.js, comments.js, attachments.js,
// activity.js). This file loads the task, keeps `task` (what the server has)
// apart from the form's edits, and applies live task events:
// - an event for this task refreshes the screen, unless the user has unsaved
//   edits: then a notice offers to reload (saving would be refused with 412);
// - events for subtasks, dependencies, comments and attachments refresh those
//   lists.
import { api } from "./api.js";
import { navigate } from "./router.js";
import { onTaskEvent } from "./realtime.js";
import { toast } from "./toast.js";
import { formSection, formOf } from "./task-detail/form.js";
import { relationsSection } from "./task-detail/relations.js";
import { commentsSection } from "./task-detail/comments.js";
import { attachmentsSection } from "./task-detail/attachments.js";
import { activitySection } from "./task-detail/activity.js";
import { formatDateTime } from "./format.js";
import { ensureUsers } from "./users.js";
import { dayOf } from "./task-detail/format.js";
import { knownName } from "./task-detail/users.js";

const REFRESH_DELAY_MS = 120; // coalesces bursts of events into one reload each
const PRIORITY_CLASSES = {
  low: "bg-slate-100 text-slate-700",
  medium: "bg-sky-100 text-sky-800",
  high: "bg-amber-100 text-amber-900",
  urgent: "bg-red-100 text-red-800",
};

function taskDetail() {
  return {
    ...formSection(),
    ...relationsSection(),
    ...commentsSection(),
    ...attachmentsSection(),
    ...activitySection(),

    id: 0,
    task: null, // the latest server copy (display); the form edits `base`
    loading: true,
    loadError: "",
    deleted: false,
    generation: 0,
    busy: 0, // own requests in flight; live events wait for them
    deferred: [],
    timers: {},

    init() {
      this.stopLive = onTaskEvent((event) => this.onLive(event));
      this.onRoute = () => this.routeChanged();
      window.addEventListener("route-changed", this.onRoute);
      // Leaving the page with unsaved edits asks first (reload/close only;
      // in-app navigation keeps it simple and just leaves).
      this.onBeforeUnload = (e) => { if (this.isDirty()) { e.preventDefault(); e.returnValue = ""; } };
      window.addEventListener("beforeunload", this.onBeforeUnload);
      this.open(this.$store.route.params.id);
    },

    destroy() {
      if (this.stopLive) this.stopLive();
      window.removeEventListener("route-changed", this.onRoute);
      window.removeEventListener("beforeunload", this.onBeforeUnload);
      Object.values(this.timers).forEach(clearTimeout);
    },

    routeChanged() {
      const route = this.$store.route;
      if (route.name === "task" && Number(route.params.id) !== this.id) this.open(route.params.id);
    },

    async open(rawId) {
      // A newer open() (quick navigation between tasks) wins over a slower one.
      const generation = ++this.generation;
      this.id = Number(rawId);
      this.task = null;
      this.base = null;
      this.loading = true;
      this.loadError = "";
      this.deleted = false;
      this.subtasks = [];
      this.comments = [];
      this.commentsPage = 0;
      this.commentsTotal = 0;
      this.attachments = [];
      this.uploads = [];
      this.activity = [];
      this.allActivity = false;
      this.related = {};
      this.blockedNotice = "";
      this.errors = {};
      this.formError = "";
      try {
        await this.loadWorkflow();
        const task = await api.get(`/api/v1/tasks/${encodeURIComponent(rawId)}`);
        if (generation !== this.generation) return;
        this.task = task;
        this.resetForm(task);
        document.title = `#${task.id} ${task.title} · Tasklane`;
      } catch (error) {
        if (generation !== this.generation) return;
        this.loadError = error.status === 404 ? "This task does not exist, or you may not see it." : error.message;
        if (error.status !== 404) toast(error.message, "error");
        return;
      } finally {
        if (generation === this.generation) this.loading = false;
      }
      await ensureUsers([this.task.creator_id, this.task.assignee_id]);
      if (generation !== this.generation) return;
      this.ensureAssigneeOption();
      this.searchAssignees();
      this.loadSubtasks();
      this.loadRelated();
      this.loadComments();
      this.loadAttachments();
      this.loadActivity();
      if (this.task.parent_id) this.loadRelatedOne(this.task.parent_id);
    },

    // Runs one of our own changes; live events that arrive meanwhile are
    // applied after it, so our own change is not mistaken for someone else's.
    async own(request) {
      this.busy += 1;
      try {
        return await request();
      } finally {
        this.busy -= 1;
        if (this.busy === 0 && this.deferred.length) {
          const events = this.deferred;
          this.deferred = [];
          events.forEach((e) => this.onLive(e));
        }
      }
    },

    // A new server copy of the task. Without edits the form follows it. With
    // edits: one version ahead from our own action (assign, complete,
    // dependency) → the form moves onto it, keeping the edits; anything else
    // (someone else changed it) → a notice, and the form stays on its base so
    // saving is refused (412) rather than overwriting their change.
    setTask(task, { discardEdits = false, own = true } = {}) {
      const base = this.base;
      this.task = task;
      if (discardEdits || !base || !this.isDirty()) {
        this.resetForm(task);
      } else if (task.version === base.version) {
        this.base = task;
      } else if (own && task.version === base.version + 1) {
        const was = formOf(base);
        const now = formOf(task);
        for (const f of Object.keys(now)) {
          if (now[f] !== was[f] && this.form[f] === was[f]) this.form[f] = now[f];
        }
        this.base = task;
        this.computeStatusOptions();
      } else {
        this.remoteChanged = true;
      }
      document.title = `#${task.id} ${task.title} · Tasklane`;
      ensureUsers([task.assignee_id]).then(() => this.ensureAssigneeOption());
      this.loadRelated();
    },

    async reloadTask({ keepEdits = false } = {}) {
      try {
        const task = await api.get(`/api/v1/tasks/${this.id}`);
        this.setTask(task, { discardEdits: !keepEdits });
      } catch (error) {
        if (error.status === 404) this.deleted = true;
        toast(error.message, "error");
      }
    },

    // The notice's button: take the server's version, dropping the edits.
    async reloadDiscarding() {
      await this.reloadTask();
      this.loadActivity();
      this.loadSubtasks();
    },

    onLive(event) {
      const t = event && event.data && event.data.task;
      if (!this.task || !t || typeof t.id !== "number") return;
      if (this.busy > 0) {
        this.deferred.push(event);
        return;
      }
      if (t.id === this.task.id) {
        this.onOwnTaskEvent(event, t);
      } else {
        if (t.parent_id === this.task.id || this.subtasks.some((s) => s.id === t.id)) this.later("subtasks");
        if (t.id === this.task.parent_id) this.related[t.id] = { id: t.id, title: t.title, status: t.status, known: true };
        if ((this.task.depends_on || []).includes(t.id)) {
          this.related[t.id] = { id: t.id, title: t.title, status: t.status, known: event.type !== "task_deleted" };
          this.later("task"); // its blocked_by may have changed without a new version
        }
      }
    },

    onOwnTaskEvent(event, t) {
      if (event.type === "task_deleted") {
        this.deleted = true;
        return;
      }
      if (event.type === "comment_created") this.later("comments");
      if (event.type.startsWith("attachment_")) this.later("attachments");
      this.later("activity");
      if (t.version > this.task.version) {
        if (this.isDirty()) {
          this.task = t; // show blockers etc.; the form keeps its base
          this.remoteChanged = true;
        } else {
          this.setTask(t, { discardEdits: true, own: false });
        }
      }
    },

    later(what) {
      clearTimeout(this.timers[what]);
      this.timers[what] = setTimeout(() => {
        if (what === "task") this.reloadTask({ keepEdits: true });
        else if (what === "subtasks") this.loadSubtasks();
        else if (what === "comments") this.loadComments();
        else if (what === "attachments") this.loadAttachments();
        else if (what === "activity") this.loadActivity();
      }, REFRESH_DELAY_MS);
    },

    async deleteTask() {
      if (!window.confirm(`Delete task #${this.task.id} “${this.task.title}”? This cannot be undone.`)) return;
      try {
        await api.del(`/api/v1/tasks/${this.task.id}`);
        toast(`Task #${this.task.id} deleted.`, "info");
        navigate("/tasks");
      } catch (error) {
        toast(error.message, "error");
      }
    },

    // --- small helpers for the template (CSP build: no inline logic) ---
    userName(id) {
      return id ? knownName(id) : "nobody";
    },
    when(iso) {
      return formatDateTime(iso, { seconds: true });
    },
    dueText() {
      return this.task && this.task.due_date ? dayOf(this.task.due_date) : "no due date";
    },
    taskHref(id) {
      return `/tasks/${id}`;
    },
    ariaInvalid(field) {
      return this.errors[field] ? "true" : "false";
    },
    priorityClass(p) {
      return PRIORITY_CLASSES[p] || "bg-slate-100 text-slate-700";
    },
    recurrenceHint() {
      if (!this.task || !this.task.recurrence) return "";
      return this.task.due_date
        ? `Repeats ${this.task.recurrence}; completing it creates the next occurrence.`
        : `Repeats ${this.task.recurrence}, but has no due date: completing it creates no next occurrence.`;
    },
    hasBlockers() {
      return this.blockers().length > 0;
    },
    canDelete() {
      const s = this.$store.session;
      return !!this.task && !!s.user && (s.isAdmin || s.user.id === this.task.creator_id);
    },
  };
}

export function registerTaskDetail(Alpine) {
  Alpine.data("taskDetail", taskDetail);
}
