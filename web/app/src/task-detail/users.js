// Names of users for the detail screen (assignee, comment authors, activity).
// One shared cache per page load: GET /api/v1/users/{id} once per id, and the
// results of GET /api/v1/users?q= fill it too. A user the caller may not look
// up still shows as "user #id" rather than failing the screen.
import { api } from "../api.js";

const names = new Map(); // id → label
const pending = new Map(); // id → Promise<label>

export function label(user) {
  if (!user) return "";
  return user.full_name ? `${user.full_name} (${user.username})` : user.username;
}

export function remember(user) {
  if (user && user.id) names.set(user.id, label(user));
}

export function knownName(id) {
  return names.get(id) || `user #${id}`;
}

export function loadName(id) {
  if (!id || names.has(id)) return Promise.resolve(knownName(id));
  if (!pending.has(id)) {
    pending.set(id, api.get(`/api/v1/users/${id}`)
      .then((u) => { remember(u); return knownName(id); })
      .catch(() => knownName(id))
      .finally(() => pending.delete(id)));
  }
  return pending.get(id);
}

// Looks up many ids at once; resolves when every name is known (or failed).
export function loadNames(ids) {
  return Promise.all([...new Set(ids.filter((id) => Number.isInteger(id) && id > 0))].map(loadName));
}

export async function searchUsers(q) {
  const params = new URLSearchParams({ per_page: "20" });
  if (q) params.set("q", q);
  const page = await api.get(`/api/v1/users?${params}`);
  const users = (page.items || []).filter((u) => u.is_active !== false);
  users.forEach(remember);
  return users;
}
