// Names for user ids (tasks carry assignee_id/creator_id only). A small
// reactive cache: Alpine.store('users').byId[id] = user; ensureUsers(ids)
// fetches the unknown ones once each.
import Alpine from "@alpinejs/csp";
import { api } from "./api.js";

const pending = new Map();

export function registerUsers() {
  Alpine.store("users", { byId: {} });
}

export function ensureUsers(ids) {
  const store = Alpine.store("users");
  const wanted = [...new Set(ids.filter((id) => id && !store.byId[id] && !pending.has(id)))];
  return Promise.all(wanted.map((id) => {
    const p = api.get(`/api/v1/users/${id}`)
      .then((user) => { store.byId[id] = user; })
      .catch(() => { store.byId[id] = { id, username: `#${id}`, full_name: "" }; })
      .finally(() => pending.delete(id));
    pending.set(id, p);
    return p;
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
      const store = Alpine.store("users");
      for (const u of out) store.byId[u.id] = u;
      return out;
    })().catch((error) => { allPromise = null; throw error; });
  }
  return allPromise;
}

export function userName(id) {
  if (!id) return "";
  const u = Alpine.store("users").byId[id];
  if (!u) return `#${id}`;
  return u.full_name || u.username;
}
