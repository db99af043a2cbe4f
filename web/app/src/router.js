// History-API router. Alpine.store('route') = {name, params, query, path};
// each screen shows itself with <template x-if="$store.route.name === '...'">.
// Links stay real <a href> (middle-click, copy link and keyboard work); plain
// left clicks on same-origin app links are intercepted here.
// Guard: not signed in → /signin?next=…; admin routes need an admin.
import Alpine from "@alpinejs/csp";

const ROUTES = [
  ["/signin", "signin", { public: true }],
  ["/register", "register", { public: true }],
  ["/", "board"],
  ["/tasks", "list"],
  ["/tasks/:id", "task"],
  ["/notifications", "notifications"],
  ["/admin", "admin-users", { admin: true }],
  ["/admin/users", "admin-users", { admin: true }],
  ["/admin/rules", "admin-rules", { admin: true }],
  ["/admin/rules/:id", "admin-rule", { admin: true }],
  ["/admin/webhooks", "admin-webhooks", { admin: true }],
  ["/admin/jobs", "admin-jobs", { admin: true }],
  ["/admin/plugins", "admin-plugins", { admin: true }],
].map(([pattern, name, opts = {}]) => ({ name, ...opts, ...compile(pattern) }));

// Paths the server owns; links to them are normal page loads.
const SERVER_PREFIXES = ["/api/", "/ws/", "/health", "/metrics", "/docs", "/openapi.json", "/public/", "/assets/"];

function compile(pattern) {
  const keys = [];
  const source = pattern.replace(/:([a-z]+)/g, (_, k) => { keys.push(k); return "([^/]+)"; });
  return { regex: new RegExp(`^${source}/?$`), keys };
}

export function match(pathname) {
  for (const r of ROUTES) {
    const m = r.regex.exec(pathname);
    if (m) {
      const params = {};
      try {
        r.keys.forEach((k, i) => { params[k] = decodeURIComponent(m[i + 1]); });
      } catch {
        return null; // a malformed escape (/tasks/%E0): no such page
      }
      return { route: r, params };
    }
  }
  return null;
}

function queryObject(search) {
  const q = {};
  for (const [k, v] of new URLSearchParams(search)) q[k] = v;
  return q;
}

export function registerRouter() {
  Alpine.store("route", { name: "loading", params: {}, query: {}, path: "/" });
}

// Resolve the current location into the store, applying the guard.
function resolve() {
  const session = Alpine.store("session");
  const found = match(location.pathname);
  const signedIn = !!session.user;
  if (found && !found.route.public && !signedIn) {
    const next = location.pathname + location.search;
    return navigate(next === "/" ? "/signin" : `/signin?next=${encodeURIComponent(next)}`, { replace: true });
  }
  if (found && found.route.public && signedIn) {
    return navigate(safeNext(queryObject(location.search).next), { replace: true });
  }
  const route = Alpine.store("route");
  const allowed = found && (!found.route.admin || session.isAdmin);
  route.name = allowed ? found.route.name : "notfound";
  route.params = allowed ? found.params : {};
  route.query = queryObject(location.search);
  route.path = location.pathname;
  document.title = `${titles[route.name] || "Tasklane"} · Tasklane`;
  window.dispatchEvent(new CustomEvent("route-changed", { detail: { ...route } }));
  // Move focus to the new screen's heading region so screen readers and
  // keyboard users start at the top of what changed.
  queueMicrotask(() => {
    const main = document.getElementById("main");
    if (main && document.activeElement === document.body) main.focus({ preventScroll: true });
  });
}

const titles = {
  signin: "Sign in", register: "Register", board: "Board", list: "Tasks", task: "Task",
  notifications: "Notifications", "admin-users": "Users", "admin-rules": "Rules", "admin-rule": "Rule",
  "admin-webhooks": "Webhooks", "admin-jobs": "Jobs", "admin-plugins": "Plugins", notfound: "Not found",
};

// Only same-origin app paths are accepted as ?next= targets (no open redirect).
// Judged on the parsed URL, as navigate() will use it: "/.//evil.com" starts
// with one slash but its pathname is "//evil.com", which history.replaceState
// refuses (a protocol-relative URL of another origin).
export function safeNext(next) {
  if (typeof next !== "string" || !next.startsWith("/")) return "/";
  let url;
  try {
    url = new URL(next, location.origin);
  } catch {
    return "/";
  }
  if (url.origin !== location.origin || url.pathname.startsWith("//")) return "/";
  return url.pathname + url.search + url.hash;
}

export function navigate(to, { replace = false } = {}) {
  const url = new URL(to, location.origin);
  const target = url.pathname + url.search + url.hash;
  if (target !== location.pathname + location.search + location.hash) {
    history[replace ? "replaceState" : "pushState"]({}, "", target);
    if (!replace) window.scrollTo(0, 0);
  }
  resolve();
}

// Replace the query string of the current screen (list filters). `push`
// makes a history entry so back/forward walks through filter changes.
export function setQuery(query, { push = true } = {}) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== "") params.set(k, String(v));
  }
  const search = params.toString();
  navigate(location.pathname + (search ? `?${search}` : ""), { replace: !push });
}

function onClick(event) {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const a = event.target.closest && event.target.closest("a[href]");
  if (!a || a.target || a.hasAttribute("download") || a.origin !== location.origin) return;
  if (SERVER_PREFIXES.some((p) => a.pathname === p.replace(/\/$/, "") || a.pathname.startsWith(p))) return;
  event.preventDefault();
  navigate(a.pathname + a.search + a.hash);
}

export function startRouter() {
  document.addEventListener("click", onClick);
  window.addEventListener("popstate", resolve);
  resolve();
}

// Re-run the guard after sign-in/out (the current screen may no longer be allowed).
export function reroute() { resolve(); }
