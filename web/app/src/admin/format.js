// Small display helpers shared by the admin screens (dates, durations, JSON),
// so the partials stay free of logic (Alpine CSP build: no inline JS).
import { formatDateTime } from "../format.js";

// Admin tables show seconds, and "—" for no date.
export function fmtDate(iso) {
  return formatDateTime(iso, { seconds: true, empty: "—" });
}

// Microseconds → "850 µs", "12.4 ms", "1.20 s".
export function fmtMicros(us) {
  const n = Number(us);
  if (!Number.isFinite(n)) return "—";
  if (n < 1000) return `${n} µs`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)} ms`;
  return `${(n / 1_000_000).toFixed(2)} s`;
}

export function fmtMillis(ms) {
  const n = Number(ms);
  if (!Number.isFinite(n)) return "—";
  return n < 1000 ? `${n} ms` : `${(n / 1000).toFixed(2)} s`;
}

export function pretty(value) {
  return JSON.stringify(value === undefined ? null : value, null, 2);
}

// A list as JSON with one item per line: rule actions stay readable
// ({"action": "tasks.assign", "args": [1, 5]}) instead of one value per line.
export function prettyList(list) {
  if (!Array.isArray(list)) return pretty(list);
  if (list.length === 0) return "[]";
  return `[\n${list.map((item) => `  ${JSON.stringify(item)}`).join(",\n")}\n]`;
}

// "Page 2 of 5 · 93 users"
export function pageInfo(page, perPage, total, noun) {
  const pages = Math.max(1, Math.ceil((Number(total) || 0) / perPage));
  return `Page ${page} of ${pages} · ${total} ${noun}`;
}

export function lastPage(perPage, total) {
  return Math.max(1, Math.ceil((Number(total) || 0) / perPage));
}

// Outcome/status → badge colour classes (full class names so Tailwind keeps them).
const BADGES = {
  ok: "bg-green-100 text-green-800",
  succeeded: "bg-green-100 text-green-800",
  done: "bg-green-100 text-green-800",
  skipped: "bg-slate-100 text-slate-700",
  queued: "bg-sky-100 text-sky-800",
  pending: "bg-sky-100 text-sky-800",
  running: "bg-indigo-100 text-indigo-800",
  retrying: "bg-amber-100 text-amber-800",
  limit_exceeded: "bg-amber-100 text-amber-800",
  error: "bg-red-100 text-red-800",
  failed: "bg-red-100 text-red-800",
  dead: "bg-red-100 text-red-800",
};

export function badgeClass(status) {
  return `badge ${BADGES[status] || "bg-slate-100 text-slate-700"}`;
}

// The Lua line an error message names: "line 3: ..." (the server's compile
// message) or "chunk:3: ..." / `[string "rule"]:3:` (Lua's own format).
export function errorLine(message) {
  if (!message) return null;
  const m = /\bline (\d+)\b/.exec(message) || /:(\d+):/.exec(message);
  return m ? Number(m[1]) : null;
}
