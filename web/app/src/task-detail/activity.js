// Activity history (GET /tasks/{id}/activity): who (a user, a rule or the
// system), what (created, a field's old → new, a comment), when. Newest first.
import { api } from "../api.js";
import { toast } from "../toast.js";
import { formatDateTime } from "../format.js";
import { ensureUsers } from "../users.js";
import { dayOf, truncate } from "./format.js";
import { knownName } from "./users.js";

const ACTIVITY_SHOWN = 15;
const FIELD_LABELS = {
  assignee_id: "assignee", due_date: "due date", depends_on: "dependencies", parent_id: "parent",
  completed_at: "completion time", blocked_by: "blocked by",
};

export function activitySection() {
  return {
    activity: [], // [{id, who, what, from, to, at, hasChange}]
    allActivity: false, // show every entry, not only the newest ACTIVITY_SHOWN

    visibleActivity() {
      return this.allActivity ? this.activity : this.activity.slice(0, ACTIVITY_SHOWN);
    },
    hiddenActivity() {
      return Math.max(0, this.activity.length - ACTIVITY_SHOWN);
    },
    showAllActivity() {
      this.allActivity = true;
    },

    async loadActivity() {
      try {
        const page = await api.get(`/api/v1/tasks/${this.id}/activity`);
        const items = page.items || [];
        const users = [];
        for (const a of items) {
          if (a.via && a.via.type === "user") users.push(a.via.id);
          if (a.field === "assignee_id") users.push(a.old, a.new);
        }
        await ensureUsers(users.filter((id) => Number.isInteger(id)));
        this.activity = items.slice().reverse().map((a) => this.describe(a));
      } catch (error) {
        toast(error.message, "error");
      }
    },

    describe(a) {
      const via = a.via || {};
      let who = "system";
      if (via.type === "user") who = knownName(via.id);
      else if (via.type === "rule") who = `rule “${via.id}”`;
      let what = a.action;
      let hasChange = false;
      if (a.action === "created") what = "created the task";
      else if (a.action === "commented") what = `commented: ${truncate((a.new && a.new.body) || "", 80)}`;
      else if (a.field) {
        const label = FIELD_LABELS[a.field] || a.field;
        what = a.action === "completed" ? `completed the task: ${label}` : `changed ${label}`;
        hasChange = true;
      }
      return {
        id: a.id,
        who,
        via: via.type || "system",
        what,
        hasChange,
        from: this.valueText(a.field, a.old),
        to: this.valueText(a.field, a.new),
        at: formatDateTime(a.at, { seconds: true }),
      };
    },

    valueText(field, v) {
      if (v === null || v === undefined || v === "") return "—";
      if (Array.isArray(v)) return v.length ? v.map((x) => (field === "depends_on" ? `#${x}` : String(x))).join(", ") : "—";
      if (field === "assignee_id" || field === "parent_id") return field === "assignee_id" ? knownName(v) : `#${v}`;
      if (field === "due_date") return dayOf(v);
      if (field === "completed_at") return formatDateTime(v, { seconds: true });
      if (typeof v === "object") return truncate(JSON.stringify(v), 80);
      return truncate(v, 80);
    },
  };
}
