// Display helpers shared by the screens (dates, statuses, priorities).

// "in_progress" → "In progress": statuses come from the server's workflow,
// so labels are derived, not hard-coded.
export function statusLabel(status) {
  const s = String(status || "").replace(/[_-]+/g, " ");
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export const PRIORITIES = ["low", "medium", "high", "urgent"];

const PRIORITY_CLASS = {
  low: "bg-slate-100 text-slate-700",
  medium: "bg-sky-100 text-sky-800",
  high: "bg-amber-100 text-amber-900",
  urgent: "bg-red-100 text-red-800",
};
export function priorityClass(priority) {
  return `badge ${PRIORITY_CLASS[priority] || PRIORITY_CLASS.medium}`;
}

// Due dates are shown as calendar dates in the user's locale; the time of
// day is rarely meaningful for a due date.
export function formatDate(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}

export function formatDateTime(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toLocaleString(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

export function isOverdue(task) {
  return !!task.due_date && !task.completed_at && new Date(task.due_date).getTime() < Date.now();
}
