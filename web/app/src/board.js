// The board: one column per workflow status (GET /api/v1/board, in the
// server's order), cards sorted by position. Moving a card (its <select> or
// drag and drop) is optimistic: the card moves at once, PATCH
// /api/v1/tasks/{id} {status, position} confirms, and a refusal puts it back
// and toasts the server's message. Task events from the live feed update the
// cards without a reload.
import Alpine from "@alpinejs/csp";
import { api, meta } from "./api.js";
import { onTaskEvent } from "./realtime.js";
import { toast, toastError } from "./toast.js";
import { ensureUsers, userName } from "./users.js";
import { formatDate, isOverdue, priorityClass, statusLabel } from "./format.js";
import { placeBetween, visibleTo } from "./board-model.js";

// Ids of the cards whose move is being saved. A second move of the same card
// meanwhile is ignored: two PATCHes in flight could answer out of order, and
// undoing a refused first move would then undo the saved second one.
const saving = new Set();

export function registerBoard(A) {
  A.data("board", () => ({
    columns: [], // [{status, label, tasks: [], total}]
    statuses: [],
    loading: true,
    loadError: "",
    newTitle: "",
    creating: false,
    newError: "",
    dragId: null,
    dropStatus: null,
    unsubscribe: null,

    async init() {
      this.unsubscribe = onTaskEvent((event) => this.onEvent(event));
      await this.load();
    },
    destroy() {
      if (this.unsubscribe) this.unsubscribe();
    },

    async load() {
      this.loading = true;
      this.loadError = "";
      try {
        const [board, m] = await Promise.all([api.get("/api/v1/board?limit=200"), meta()]);
        this.statuses = (m.workflow && m.workflow.statuses) || board.columns.map((c) => c.status);
        this.columns = board.columns.map((c) => ({
          status: c.status, label: statusLabel(c.status), tasks: c.tasks, total: c.total,
        }));
        ensureUsers(board.columns.flatMap((c) => c.tasks.map((t) => t.assignee_id)));
      } catch (error) {
        this.loadError = error.message;
      } finally {
        this.loading = false;
      }
    },

    // --- display helpers (the CSP build keeps logic out of attributes) ---
    statusLabel(status) { return statusLabel(status); },
    priorityClass(task) { return priorityClass(task.priority); },
    assigneeName(task) { return task.assignee_id ? userName(task.assignee_id) : "Unassigned"; },
    hasDue(task) { return !!task.due_date; },
    dueText(task) { return formatDate(task.due_date); },
    dueClass(task) { return isOverdue(task) ? "text-red-700 font-medium" : "text-slate-600"; },
    taskHref(task) { return `/tasks/${task.id}`; },
    moveId(task) { return `move-${task.id}`; },
    countText(col) {
      return col.total > col.tasks.length ? `${col.tasks.length} of ${col.total}` : String(col.tasks.length);
    },
    moreHref(col) { return `/tasks?status=${encodeURIComponent(col.status)}`; },
    hasMore(col) { return col.total > col.tasks.length; },
    isEmpty(col) { return col.tasks.length === 0; },
    columnClass(col) {
      return this.dropStatus === col.status && this.dragId !== null
        ? "ring-2 ring-sky-500 bg-sky-50"
        : "bg-slate-200/60";
    },
    cardClass(task) {
      return this.dragId === task.id ? "opacity-50" : "";
    },

    // --- finding and placing cards ---
    column(status) { return this.columns.find((c) => c.status === status); },
    locate(id) {
      for (const col of this.columns) {
        const index = col.tasks.findIndex((t) => t.id === id);
        if (index >= 0) return { col, index, task: col.tasks[index] };
      }
      return null;
    },
    removeCard(id) {
      const at = this.locate(id);
      if (at) { at.col.tasks.splice(at.index, 1); at.col.total = Math.max(0, at.col.total - 1); }
      return at;
    },
    // Insert keeping the column ordered by position (the server's order).
    insertSorted(task) {
      const col = this.column(task.status);
      if (!col) return;
      // Same order as the server: position, then id.
      const key = (t) => [Number(t.position ?? 0), t.id];
      const [p, id] = key(task);
      let i = col.tasks.findIndex((t) => { const [q, tid] = key(t); return q > p || (q === p && tid > id); });
      if (i < 0) i = col.tasks.length;
      col.tasks.splice(i, 0, task);
      col.total += 1;
    },

    // --- moving ---
    async onMoveSelect(task, event) {
      const status = event.target.value;
      if (status === task.status) return;
      if (saving.has(task.id)) {
        // Still saving the previous move: the select shows where the card is.
        const at = this.locate(task.id);
        event.target.value = at ? at.task.status : task.status;
        return;
      }
      const target = this.column(status);
      const hadFocus = document.activeElement === event.target;
      // Keyboard moves go to the end of the target column.
      await this.move(task.id, status, target ? target.tasks.length : 0, event.target);
      // The card was drawn again in its new (or, if refused, old) column: keep
      // a keyboard user on its menu rather than back at the top of the page.
      if (hadFocus) {
        this.$nextTick(() => {
          const menu = document.getElementById(this.moveId(task));
          if (menu) menu.focus();
        });
      }
    },

    async move(id, status, index, selectEl = null) {
      if (saving.has(id)) return; // its previous move is still being saved
      const from = this.locate(id);
      if (!from) return;
      const target = this.column(status);
      if (!target) return;
      const original = { status: from.task.status, position: from.task.position, index: from.index };
      if (from.col === target && (index === from.index || index === from.index + 1)) return; // no change
      // Optimistic: move the card now.
      from.col.tasks.splice(from.index, 1);
      from.col.total -= 1;
      const insertAt = from.col === target && index > from.index ? index - 1 : index;
      const position = placeBetween(target.tasks[insertAt - 1], target.tasks[insertAt]);
      const moved = { ...from.task, status, position };
      target.tasks.splice(insertAt, 0, moved);
      target.total += 1;
      const body = { position };
      if (status !== original.status) body.status = status;
      saving.add(id);
      try {
        const saved = await api.patch(`/api/v1/tasks/${id}`, body);
        saving.delete(id);
        this.replaceCard(saved);
      } catch (error) {
        saving.delete(id);
        // Put the card back exactly where it was; nothing refused looks saved.
        const now = this.removeCard(id);
        const back = { ...(now ? now.task : moved), status: original.status, position: original.position };
        const col = this.column(original.status);
        if (col) { col.tasks.splice(Math.min(original.index, col.tasks.length), 0, back); col.total += 1; }
        if (selectEl) selectEl.value = original.status;
        toastError(error);
      }
    },

    // A card's new server state (from a PATCH answer or a live event).
    replaceCard(task) {
      const at = this.locate(task.id);
      // A late event must not overwrite a newer version we already have.
      if (at && typeof at.task.version === "number" && typeof task.version === "number" && task.version < at.task.version) return;
      if (at && at.task.status === task.status && at.task.position === task.position) {
        at.col.tasks.splice(at.index, 1, task);
      } else {
        if (at) this.removeCard(task.id);
        this.insertSorted(task);
      }
      if (task.assignee_id) ensureUsers([task.assignee_id]);
    },

    // --- drag and drop (pointer users; the select is the keyboard path) ---
    onDragStart(task, event) {
      this.dragId = task.id;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", String(task.id));
    },
    onDragEnd() {
      this.dragId = null;
      this.dropStatus = null;
    },
    onDragOver(col, event) {
      if (this.dragId === null) return;
      event.dataTransfer.dropEffect = "move";
      this.dropStatus = col.status;
    },
    onDragLeave(col, event) {
      // Leaving into a child element is not leaving the column.
      if (event.currentTarget.contains(event.relatedTarget)) return;
      if (this.dropStatus === col.status) this.dropStatus = null;
    },
    onDrop(col, event) {
      const id = this.dragId ?? Number(event.dataTransfer.getData("text/plain"));
      this.dragId = null;
      this.dropStatus = null;
      if (!id) return;
      // Index from the pointer: before the first card whose middle is below it.
      const cards = [...event.currentTarget.querySelectorAll("[data-testid=card]")];
      let index = cards.findIndex((el) => {
        const r = el.getBoundingClientRect();
        return event.clientY < r.top + r.height / 2;
      });
      if (index < 0) index = cards.length;
      this.move(id, col.status, index);
    },

    // --- new task ---
    async createTask() {
      const title = this.newTitle.trim();
      this.newError = "";
      if (!title || this.creating) {
        if (!title) this.newError = "Give the task a title.";
        return;
      }
      this.creating = true;
      try {
        const task = await api.post("/api/v1/tasks", { title });
        if (!this.locate(task.id)) this.insertSorted(task);
        this.newTitle = "";
        toast(`Created “${task.title}”`, "info");
      } catch (error) {
        const details = (error.details || []).map((d) => d.message).join("; ");
        this.newError = details ? `${error.message}: ${details}` : error.message;
      } finally {
        this.creating = false;
      }
    },

    // --- live ---
    async onEvent(event) {
      if (event.type === "resync") { this.load(); return; }
      const data = event.data || {};
      let task = data.task;
      const id = (task && task.id) || data.task_id || data.id;
      if (!id) return;
      if (event.type === "task_deleted") {
        this.removeCard(id);
        return;
      }
      if (!["task_created", "task_updated", "task_assigned", "task_completed"].includes(event.type)) return;
      // Events normally carry the whole task; if one does not, ask for it.
      if (!task || !task.status || task.position === undefined) {
        try {
          task = await api.get(`/api/v1/tasks/${id}`);
        } catch (error) {
          if (error.status === 404) this.removeCard(id); // no longer visible to us
          return;
        }
      }
      if (!visibleTo(task, Alpine.store("session"))) {
        this.removeCard(id);
        return;
      }
      // Parent filter: the board shows every visible task, subtasks included.
      this.replaceCard(task);
    },
  }));
}
