// The top bar: navigation, connection state, unread badge, sign out.
import { signOut } from "./session.js";
import { navigate } from "./router.js";
import Alpine from "@alpinejs/csp";

const CONN_LABEL = { live: "live", connecting: "connecting", offline: "offline" };

export function registerNav(A) {
  A.data("nav", () => ({
    async signOut() {
      await signOut();
      navigate("/signin", { replace: true });
    },
    connLabel() { return CONN_LABEL[Alpine.store("live").state] || "offline"; },
    connClass() {
      const s = Alpine.store("live").state;
      return s === "live" ? "bg-emerald-500" : s === "connecting" ? "bg-amber-400" : "bg-slate-400";
    },
    // aria-current and the highlighted tab for the screen we are on.
    current(name) {
      const r = Alpine.store("route").name;
      if (name === "admin") return r.startsWith("admin") ? "page" : null;
      if (name === "list") return r === "list" || r === "task" ? "page" : null;
      return r === name ? "page" : null;
    },
    tabClass(name) {
      return this.current(name)
        ? "shrink-0 whitespace-nowrap rounded-md px-3 py-2 text-sm font-medium bg-slate-900 text-white"
        : "shrink-0 whitespace-nowrap rounded-md px-3 py-2 text-sm font-medium text-slate-200 hover:bg-slate-700 hover:text-white";
    },
    unreadText() {
      const n = Alpine.store("unread").count;
      return String(n);
    },
  }));
}
