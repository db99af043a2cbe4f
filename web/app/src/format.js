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

// An ISO instant in the user's locale; `empty` for no value, the text itself
// when it does not parse.
function localized(iso, options, empty) {
  if (!iso) return empty;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString(undefined, options);
}

// Due dates are shown as calendar dates in the user's locale; the time of
// day is rarely meaningful for a due date.
export function formatDate(iso) {
  return localized(iso, { year: "numeric", month: "short", day: "numeric" }, "");
}

// "Nov 28, 2026, 8:47 PM"; with seconds: "Nov 28, 2026, 8:47:56 PM". Every
// screen's date-times (list, task detail, notifications, admin).
export function formatDateTime(iso, { seconds = false, empty = "" } = {}) {
  return localized(iso, { dateStyle: "medium", timeStyle: seconds ? "medium" : "short" }, empty);
}

export function isOverdue(task) {
  return !!task.due_date && !task.completed_at && new Date(task.due_date).getTime() < Date.now();
}
