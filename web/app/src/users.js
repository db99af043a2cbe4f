// Names for user ids (tasks carry assignee_id/creator_id only). One reactive
// cache per page load for every screen: Alpine.store('users').byId[id] is the
// user, or null when the caller may not look it up (or the lookup failed);
// ensureUsers(ids) fetches the unknown ones once each (GET /api/v1/users/{id}),
// and the lists below (allUsers, searchUsers) fill it too.
import Alpine from "@alpinejs/csp";
import { api } from "./api.js";
import { onSessionChange } from "./session.js";

const pending = new Map(); // id → Promise

export function registerUsers() {
  Alpine.store("users", { byId: {} });
  // What one account looked up (an admin sees emails) is not for the next
  // one signing in on this tab. Lookups still in flight fill the old map.
  onSessionChange((user) => {
    if (user) return;
    Alpine.store("users").byId = {};
    pending.clear();
    allPromise = null;
  });
}

export function remember(user) {
  if (user && user.id) Alpine.store("users").byId[user.id] = user;
}

// The cached user: an object, null (not visible to the caller), or undefined (not looked up yet).
export function cachedUser(id) {
  return Alpine.store("users").byId[id];
}

// Resolves when every id is known (or has failed), including ids another
// caller is already fetching.
export function ensureUsers(ids) {
  const byId = Alpine.store("users").byId;
  return Promise.all([...new Set(ids.filter(Boolean))].map((id) => {
    if (id in byId) return undefined;
    if (!pending.has(id)) {
      pending.set(id, api.get(`/api/v1/users/${id}`)
        .then((user) => { byId[id] = user; }, () => { byId[id] = null; })
        .finally(() => pending.delete(id)));
    }
    return pending.get(id);
  }));
}

// Every user (for pickers such as the assignee filter); cached per page load.
let allPromise = null;
export function allUsers() {
  if (!allPromise) {
    allPromise = (async () => {
      const out = [];
      for (let page = 1; page <= 20; page++) {
        const res = await api.get(`/api/v1/users?per_page=100&page=${page}`);
        out.push(...res.items);
        if (out.length >= res.total || res.items.length === 0) break;
      }
      out.forEach(remember);
      return out;
    })().catch((error) => { allPromise = null; throw error; });
  }
  return allPromise;
}

// Active users matching q (GET /api/v1/users?q=, first 20), e.g. for the assignee picker.
export async function searchUsers(q) {
  const params = new URLSearchParams({ per_page: "20" });
  if (q) params.set("q", q);
  const page = await api.get(`/api/v1/users?${params}`);
  const users = (page.items || []).filter((u) => u.is_active !== false);
  users.forEach(remember);
  return users;
}

export function userName(id) {
  if (!id) return "";
  const u = cachedUser(id);
  return u ? u.full_name || u.username : `#${id}`;
}
