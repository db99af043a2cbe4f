// Subtasks, dependencies and what blocks completion.
// - subtasks: GET /tasks/{id}/subtasks; adding one creates a task with parent_id.
// - dependencies: the task's depends_on ids; their titles come from
//   GET /tasks/{id} (a task the caller may not see shows as "#id").
// - complete: POST /complete; 409 `blocked` names the open dependencies,
//   which the screen also lists from blocked_by.
import { api, fieldErrors } from "../api.js";
import { toast } from "../toast.js";

export function relationsSection() {
  return {
    subtasks: [],
    subtaskTitle: "",
    subtaskErrors: {},
    addingSubtask: false,
    related: {}, // id → {id, title, status} of dependencies
    dependencyId: "",
    dependencyErrors: {},
    completing: false,

    async loadSubtasks() {
      try {
        const page = await api.get(`/api/v1/tasks/${this.id}/subtasks?per_page=100&sort=created_at`);
        this.subtasks = page.items || [];
      } catch (error) {
        toast(error.message, "error");
      }
    },

    async addSubtask() {
      const title = this.subtaskTitle.trim();
      this.subtaskErrors = {};
      if (this.addingSubtask) return;
      this.addingSubtask = true;
      try {
        const created = await api.post("/api/v1/tasks", { title, parent_id: this.task.id });
        this.subtasks = [...this.subtasks.filter((s) => s.id !== created.id), created];
        this.subtaskTitle = "";
        toast(`Subtask #${created.id} created.`, "info");
      } catch (error) {
        this.subtaskErrors = fieldErrors(error);
        if (!Object.keys(this.subtaskErrors).length) this.subtaskErrors = { title: error.message };
        toast(error.message, "error");
      } finally {
        this.addingSubtask = false;
      }
    },

    // Titles of dependencies (and so of blockers): fetched once each.
    async loadRelated() {
      const ids = (this.task && this.task.depends_on) || [];
      await Promise.all(ids.map((id) => this.loadRelatedOne(id)));
    },

    async loadRelatedOne(id, force = false) {
      if (this.related[id] && !force) return;
      try {
        const t = await api.get(`/api/v1/tasks/${id}`);
        this.related[id] = { id, title: t.title, status: t.status, known: true };
      } catch {
        this.related[id] = { id, title: "", status: "", known: false };
      }
    },

    relatedTitle(id) {
      const r = this.related[id];
      return r && r.known ? `#${id} ${r.title}` : `#${id}`;
    },

    relatedStatus(id) {
      const r = this.related[id];
      return r && r.known ? r.status : "";
    },

    isBlocking(id) {
      return !!this.task && (this.task.blocked_by || []).includes(id);
    },

    dependencies() {
      return (this.task && this.task.depends_on) || [];
    },

    blockers() {
      return (this.task && this.task.blocked_by) || [];
    },

    async addDependency() {
      this.dependencyErrors = {};
      const id = Number(String(this.dependencyId).replace(/^#/, "").trim());
      if (!Number.isInteger(id) || id <= 0) {
        this.dependencyErrors = { depends_on_id: "enter the number of a task, e.g. 12" };
        return;
      }
      try {
        const task = await this.own(() => api.post(`/api/v1/tasks/${this.task.id}/dependencies`, { depends_on_id: id }));
        this.setTask(task);
        this.dependencyId = "";
        await this.loadRelatedOne(id, true);
        toast(`Now waits for #${id}.`, "info");
        this.loadActivity();
      } catch (error) {
        // 409 dependency_cycle / 422 "no such task": next to the field and as a toast.
        const byField = fieldErrors(error);
        this.dependencyErrors = byField.depends_on_id ? byField : { depends_on_id: error.message };
        toast(error.message, "error");
      }
    },

    async removeDependency(id) {
      try {
        await this.own(() => api.del(`/api/v1/tasks/${this.task.id}/dependencies/${id}`));
        // 204 carries no task: fetch the new version (blocked_by, version).
        await this.reloadTask({ keepEdits: true });
        toast(`No longer waits for #${id}.`, "info");
        this.loadActivity();
      } catch (error) {
        toast(error.message, "error");
      }
    },

    async complete() {
      if (this.completing) return;
      this.completing = true;
      try {
        const task = await this.own(() => api.post(`/api/v1/tasks/${this.task.id}/complete`));
        this.setTask(task);
        toast(task.recurrence && task.due_date ? "Completed; the next occurrence was created." : "Completed.", "info");
        this.loadActivity();
      } catch (error) {
        toast(error.message, "error");
        if (error.code === "blocked") {
          // The server knows best what blocks it now.
          await this.reloadTask({ keepEdits: true });
          this.blockedNotice = error.message;
        }
      } finally {
        this.completing = false;
      }
    },
    blockedNotice: "",
  };
}
