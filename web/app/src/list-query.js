// The list screen's state lives in the URL query (bookmarkable; back/forward
// walk through filter changes). These helpers translate between the URL
// query, the form, and the GET /api/v1/tasks query, which use the same names.

export const FILTER_KEYS = ["status", "priority", "assignee_id", "tag", "q", "due_after", "due_before", "sort", "page", "per_page"];

export const SORTS = [
  ["-created_at", "Newest first"],
  ["created_at", "Oldest first"],
  ["-updated_at", "Recently updated"],
  ["due_date", "Due date (soonest)"],
  ["-due_date", "Due date (latest)"],
  ["-priority", "Priority (urgent first)"],
  ["priority", "Priority (low first)"],
];
export const DEFAULT_SORT = "-created_at"; // the server's default too
export const PER_PAGE = 20;

// URL query → form state (strings; '' = not set).
export function formFromQuery(query) {
  const f = {};
  for (const k of FILTER_KEYS) f[k] = query[k] ?? "";
  if (!f.sort) f.sort = DEFAULT_SORT;
  f.page = Math.max(1, parseInt(f.page, 10) || 1);
  f.per_page = Math.min(100, Math.max(1, parseInt(f.per_page, 10) || PER_PAGE));
  return f;
}

// Form state → URL query (defaults left out so URLs stay short).
export function queryFromForm(form) {
  const q = {};
  for (const k of FILTER_KEYS) {
    const v = form[k];
    if (v === "" || v === null || v === undefined) continue;
    if (k === "sort" && v === DEFAULT_SORT) continue;
    if (k === "page" && Number(v) === 1) continue;
    if (k === "per_page" && Number(v) === PER_PAGE) continue;
    q[k] = String(v).trim();
  }
  return q;
}

// Form state → the API path.
export function apiPath(form) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(queryFromForm(form))) params.set(k, v);
  params.set("page", String(form.page));
  params.set("per_page", String(form.per_page));
  return `/api/v1/tasks?${params}`;
}
