// The task's editable fields. `base` is the server version the form was
// filled from; only fields that differ from it are sent, with
// If-Match: "<base.version>", so someone else's change in between is a 412
// ("changed by someone else") instead of being overwritten silently.
import { api, fieldErrors, meta } from "../api.js";
import { toast } from "../toast.js";
import { dayOf, parseTags, sameTags } from "./format.js";
import { remember, searchUsers } from "../users.js";
import { label } from "./users.js";

export const PRIORITIES = ["low", "medium", "high", "urgent"];
export const RECURRENCES = ["daily", "weekly", "monthly", "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"];

// The form's view of a task: every value a string, as inputs hold them.
export function formOf(task) {
  return {
    title: task.title || "",
    description: task.description || "",
    status: task.status || "",
    priority: task.priority || "medium",
    due_date: dayOf(task.due_date),
    assignee_id: task.assignee_id ? String(task.assignee_id) : "",
    tags: (task.tags || []).join(", "),
    recurrence: task.recurrence || "",
  };
}

// Field → API value for each field the form changed relative to `base`.
export function changesOf(form, base) {
  const was = formOf(base);
  const body = {};
  if (form.title !== was.title) body.title = form.title;
  if (form.description !== was.description) body.description = form.description;
  if (form.status !== was.status) body.status = form.status;
  if (form.priority !== was.priority) body.priority = form.priority;
  if (form.due_date !== was.due_date) body.due_date = form.due_date || null;
  if (form.assignee_id !== was.assignee_id) body.assignee_id = form.assignee_id ? Number(form.assignee_id) : null;
  if (!sameTags(parseTags(form.tags), base.tags || [])) body.tags = parseTags(form.tags);
  if (form.recurrence.trim() !== was.recurrence) body.recurrence = form.recurrence.trim() || null;
  return body;
}

export function formSection() {
  return {
    base: null, // the server task the form started from
    form: formOf({}),
    errors: {}, // field → message from the last refused save
    formError: "",
    saving: false,
    workflow: { statuses: [], transitions: {}, done: [] },
    statusOptions: [],
    priorities: PRIORITIES,
    recurrences: RECURRENCES,
    assigneeQuery: "",
    assigneeOptions: [], // [{id: "3", label}]
    remoteChanged: false, // someone changed the task while we had edits

    async loadWorkflow() {
      const m = await meta();
      this.workflow = { statuses: [], transitions: {}, done: [], ...(m.workflow || {}) };
    },

    // Only the current status and the transitions the workflow allows from it.
    computeStatusOptions() {
      const current = this.base ? this.base.status : "";
      const next = (this.workflow.transitions && this.workflow.transitions[current]) || [];
      this.statusOptions = [current, ...next.filter((s) => s !== current)].filter(Boolean);
    },

    // Puts a server task into the form (discarding edits).
    resetForm(task) {
      this.base = task;
      this.form = formOf(task);
      this.errors = {};
      this.formError = "";
      this.remoteChanged = false;
      this.computeStatusOptions();
      this.ensureAssigneeOption();
    },

    isDirty() {
      return !!this.base && Object.keys(changesOf(this.form, this.base)).length > 0;
    },

    isDone() {
      return !!this.task && (this.workflow.done || []).includes(this.task.status);
    },

    discard() {
      if (this.task) this.resetForm(this.task);
    },

    fieldClass(field) {
      return this.errors[field] ? "input input-invalid" : "input";
    },

    async save() {
      if (!this.base || this.saving) return;
      const body = changesOf(this.form, this.base);
      if (Object.keys(body).length === 0) {
        toast("Nothing to save: no field changed.", "info");
        return;
      }
      this.saving = true;
      this.errors = {};
      this.formError = "";
      try {
        const task = await this.own(() => api.patch(`/api/v1/tasks/${this.base.id}`, body, { "If-Match": `"${this.base.version}"` }));
        this.setTask(task, { discardEdits: true });
        toast("Saved.", "info");
        this.loadActivity();
      } catch (error) {
        if (error.status === 412) {
          // Our copy is stale: show what is there now; the edits were not saved.
          toast(`Not saved: this task was changed by someone else (${error.message}). The latest version is shown.`, "error");
          this.formError = "Not saved: this task was changed by someone else. The latest version is shown below.";
          await this.reloadTask();
          this.formError = "Not saved: this task was changed by someone else. The latest version is shown below.";
        } else {
          this.showFormError(error);
        }
      } finally {
        this.saving = false;
      }
    },

    showFormError(error) {
      const byField = fieldErrors(error);
      const shown = Object.keys(formOf({}));
      const other = Object.entries(byField).filter(([f]) => !shown.includes(f));
      this.errors = byField;
      this.formError = other.length ? `${error.message}: ${other.map(([f, m]) => `${f} ${m}`).join("; ")}` : error.message;
      toast(error.message, "error");
    },

    // --- assignee picker (GET /api/v1/users?q=) ---
    ensureAssigneeOption() {
      const id = this.form.assignee_id;
      if (id && !this.assigneeOptions.some((o) => o.id === id)) {
        this.assigneeOptions = [{ id, label: this.userName(Number(id)) }, ...this.assigneeOptions];
      }
    },

    async searchAssignees() {
      try {
        const users = await searchUsers(this.assigneeQuery.trim());
        const options = users.map((u) => ({ id: String(u.id), label: label(u) }));
        this.assigneeOptions = options;
        this.ensureAssigneeOption();
        // With one match, pick it: type a name, tab on, save.
        if (this.assigneeQuery.trim() && options.length === 1) this.form.assignee_id = options[0].id;
      } catch (error) {
        toast(error.message, "error");
      }
    },

    // Assign to me: a direct POST /assign when nothing else is being edited,
    // otherwise it just fills the field (saved with the other edits).
    async assignToMe() {
      const me = this.$store.session.user;
      if (!me || !this.task) return;
      remember(me);
      if (this.isDirty()) {
        this.form.assignee_id = String(me.id);
        this.ensureAssigneeOption();
        return;
      }
      await this.assign(me.id);
    },

    async unassign() {
      if (this.isDirty()) {
        this.form.assignee_id = "";
        return;
      }
      await this.assign(null);
    },

    async assign(userId) {
      this.errors = {};
      try {
        const task = await this.own(() => api.post(`/api/v1/tasks/${this.task.id}/assign`, { assignee_id: userId }));
        this.setTask(task, { discardEdits: true });
        toast(userId ? "Assigned." : "Unassigned.", "info");
        this.loadActivity();
      } catch (error) {
        this.showFormError(error);
      }
    },
  };
}
