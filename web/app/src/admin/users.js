// /admin/users: search and page through users, change a role or the active
// flag. Both changes show at once and are put back (with the server's
// message) when refused — e.g. 409 for the last active administrator.
import Alpine from "@alpinejs/csp";
import { api } from "../api.js";
import { toast, toastError } from "../toast.js";
import { fmtDate } from "./format.js";
import { pagedList, withFlag } from "./paged-list.js";

export function adminUsers() {
  let searchTimer = null;

  return {
    ...pagedList({
      path: "/api/v1/users", perPage: 20, noun: "users",
      params: (c) => ({ q: c.q.trim() }),
    }),
    q: "",
    rowErrors: {}, // user id → last refusal message
    busy: {},

    init() { this.load(); },
    destroy() { clearTimeout(searchTimer); },

    searchChanged() {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(() => { this.page = 1; this.load(); }, 250);
    },
    searchNow() { clearTimeout(searchTimer); this.page = 1; this.load(); },

    isMe(user) { const me = Alpine.store("session").user; return !!me && me.id === user.id; },
    created(user) { return fmtDate(user.created_at); },
    displayName(user) { return user.full_name || "—"; },
    roleLabel(user) { return `Role of ${user.username}`; },
    activeLabel(user) { return `${user.username} is active`; },
    isBusy(user) { return !!this.busy[user.id]; },
    rowError(user) { return this.rowErrors[user.id] || ""; },

    setBusy(user, flag) { this.busy = withFlag(this.busy, user.id, flag); },
    setRowError(user, message) { this.rowErrors = { ...this.rowErrors, [user.id]: message }; },

    // Controls are never disabled while saving (that would drop keyboard
    // focus); a change made meanwhile is undone instead.
    async changeRole(user, event) {
      if (this.isBusy(user)) { event.target.value = user.role; return; }
      const want = event.target.value;
      const before = user.role;
      if (want === before) return;
      user.role = want;
      this.setBusy(user, true);
      this.setRowError(user, "");
      try {
        Object.assign(user, await api.put(`/api/v1/users/${user.id}/role`, { role: want }));
        toast(`${user.username} is now ${user.role}`, "info");
      } catch (error) {
        user.role = before;
        event.target.value = before;
        this.setRowError(user, error.message);
        toastError(error, true);
      } finally {
        this.setBusy(user, false);
      }
    },

    async changeActive(user, event) {
      if (this.isBusy(user)) { event.target.checked = user.is_active; return; }
      const want = event.target.checked;
      const before = user.is_active;
      user.is_active = want;
      this.setBusy(user, true);
      this.setRowError(user, "");
      try {
        Object.assign(user, await api.put(`/api/v1/users/${user.id}/active`, { is_active: want }));
        toast(`${user.username} ${user.is_active ? "activated" : "deactivated"}`, "info");
      } catch (error) {
        user.is_active = before;
        event.target.checked = before;
        this.setRowError(user, error.message);
        toastError(error, true);
      } finally {
        this.setBusy(user, false);
      }
    },
  };
}
