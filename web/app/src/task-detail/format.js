// Display helpers for the task detail screen: due days, sizes, tags and the
// old → new values of the activity history (date-times: ../format.js). Pure
// functions (no Alpine), so templates call them through small component methods.

// A due date is stored as an instant; the form edits its UTC calendar day
// (a date-only value is what the server stores as midnight UTC).
export function dayOf(iso) {
  return typeof iso === "string" && iso.length >= 10 ? iso.slice(0, 10) : "";
}

export function bytes(n) {
  if (!Number.isFinite(n)) return "";
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

export function truncate(text, max = 120) {
  const s = String(text);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

// "a, b c" → ["a", "b", "c"]: tags are separated by commas or spaces (a tag
// itself never contains either, see the server's tag rule).
export function parseTags(text) {
  return String(text || "")
    .split(/[\s,]+/)
    .map((t) => t.trim())
    .filter(Boolean);
}

export function sameTags(a, b) {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
