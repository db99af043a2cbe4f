// Who is signed in: Alpine.store('session') = {user, isAdmin, ready}. Signing
// in/out also starts/stops the realtime feeds and the unread badge, so the
// rest of the app only needs to watch the store.
import Alpine from "@alpinejs/csp";
import { api, clearTokens, hasRefreshToken, refresh, setTokens, onAuthLost } from "./api.js";
import { startRealtime, stopRealtime } from "./realtime.js";

const listeners = new Set();
// Other modules (e.g. the unread badge) react to sign-in / sign-out here.
export function onSessionChange(fn) { listeners.add(fn); return () => listeners.delete(fn); }

export function registerSession() {
  Alpine.store("session", { user: null, isAdmin: false, ready: false });
}

function setUser(user) {
  const s = Alpine.store("session");
  s.user = user;
  s.isAdmin = !!user && user.role === "admin";
  for (const fn of listeners) fn(user);
}

async function loadMe() {
  setUser(await api.get("/api/v1/auth/me"));
  startRealtime();
}

// On page load: a refresh token in this tab's sessionStorage brings the
// session back without asking for the password again.
export async function restoreSession(onLost) {
  onAuthLost(() => { stopRealtime(); setUser(null); onLost(); });
  try {
    if (hasRefreshToken()) {
      await refresh();
      await loadMe();
    }
  } catch {
    clearTokens();
    setUser(null);
  } finally {
    Alpine.store("session").ready = true;
  }
}

export async function signIn(login, password) {
  const pair = await api.post("/api/v1/auth/login", { username: login, password });
  setTokens(pair);
  await loadMe();
}

export async function register(fields) {
  await api.post("/api/v1/auth/register", fields);
  await signIn(fields.username, fields.password);
}

export async function signOut() {
  const token = sessionStorage.getItem("tasklane.refresh_token");
  try {
    // Revokes both tokens server-side; failure (e.g. already expired) must
    // not keep the user signed in locally.
    await api.post("/api/v1/auth/logout", token ? { refresh_token: token } : undefined);
  } catch { /* signed out locally anyway */ }
  stopRealtime();
  clearTokens();
  setUser(null);
}
