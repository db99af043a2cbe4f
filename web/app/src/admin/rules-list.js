// /admin/rules: every rule (API rules and rules.dir files) with what it
// listens to, its compile error if any, and an enable/disable switch that is
// put back when the server refuses.
import { api } from "../api.js";
import { toast, toastError } from "../toast.js";
import { pagedList, withFlag } from "./paged-list.js";

export function adminRules() {
  return {
    ...pagedList({ path: "/api/v1/rules", perPage: 50, noun: "rules" }),
    busy: {}, // rule id → true while its toggle is saving

    init() { this.load(); },

    href(rule) { return `/admin/rules/${rule.id}`; },
    listensTo(rule) {
      if (rule.schedule) return `schedule: ${rule.schedule}`;
      return (rule.on || []).join(", ") || "—";
    },
    originLabel(rule) { return rule.origin === "file" ? `file ${rule.file || ""}`.trim() : "API"; },
    stateLabel(rule) { return rule.enabled ? "Enabled" : "Disabled"; },
    stateClass(rule) { return rule.enabled ? "badge bg-green-100 text-green-800" : "badge bg-slate-100 text-slate-700"; },
    toggleLabel(rule) { return `${rule.enabled ? "Disable" : "Enable"} rule ${rule.name}`; },
    isBusy(rule) { return !!this.busy[rule.id]; },

    // The checkbox is never disabled (that would drop keyboard focus); a
    // change while the previous one is saving is undone instead.
    async toggle(rule, event) {
      if (this.isBusy(rule)) { event.target.checked = rule.enabled; return; }
      const want = event.target.checked;
      const before = rule.enabled;
      rule.enabled = want; // optimistic; put back on refusal
      this.busy = withFlag(this.busy, rule.id, true);
      try {
        const saved = await api.put(`/api/v1/rules/${rule.id}`, { enabled: want });
        Object.assign(rule, saved);
        toast(`Rule "${rule.name}" ${saved.enabled ? "enabled" : "disabled"}`, "info");
      } catch (error) {
        rule.enabled = before;
        event.target.checked = before;
        toastError(error, true);
      } finally {
        this.busy = withFlag(this.busy, rule.id, false);
      }
    },
  };
}
