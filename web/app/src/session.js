// Who is signed in: Alpine.store('session') = {user, isAdmin, ready}. Signing
// in/out also starts/stops the realtime feeds and the unread badge, so the
// rest of the app only needs to watch the store.
import Alpine from "@alpinejs/csp";
import { api, ApiError, clearTokens, hasRefreshToken, refresh, setTokens, onAuthLost } from "./api.js";
import { startRealtime, stopRealtime } from "./realtime.js";

const listeners = new Set();
// Other modules (e.g. the unread badge) react to sign-in / sign-out here.
export function onSessionChange(fn) { listeners.add(fn); return () => listeners.delete(fn); }

const RESTORE_MAX_DELAY_MS = 30000;
let wakeRestore = null; // ends the current wait between restore attempts early

export function registerSession() {
  Alpine.store("session", {
    user: null,
    isAdmin: false,
    ready: false,
    // Restoring the session failed for a reason that is not a refusal (server
    // down, 5xx, 429): the refresh token is kept and restoring is retried.
    offline: false,
    retryNow() { if (wakeRestore) wakeRestore(); },
  });
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

// The server refused the session (not: could not answer now).
function refused(error) {
  return error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 429;
}

// Resolves after `ms`, when the browser is back online, or on "Retry now".
function pause(ms) {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      window.removeEventListener("online", done);
      wakeRestore = null;
      resolve();
    };
    const timer = setTimeout(done, ms);
    window.addEventListener("online", done);
    wakeRestore = done;
  });
}

// On page load: a refresh token in this tab's sessionStorage brings the
// session back without asking for the password again. Only a refusal (4xx
// other than 429) ends it; while the server cannot be reached or answers 5xx
// or 429 the first screen says so and restoring is retried with backoff, so a
// reload during a server restart does not sign the user out.
export async function restoreSession(onLost) {
  onAuthLost(() => { stopRealtime(); setUser(null); onLost(); });
  const session = Alpine.store("session");
  try {
    for (let attempt = 0; hasRefreshToken(); attempt++) {
      try {
        await refresh();
        await loadMe();
        break;
      } catch (error) {
        if (refused(error)) {
          clearTokens();
          setUser(null);
          break;
        }
        session.offline = true;
        const ceiling = Math.min(RESTORE_MAX_DELAY_MS, 1000 * 2 ** Math.min(attempt, 5));
        await pause(ceiling / 2 + Math.random() * (ceiling / 2));
      }
    }
  } finally {
    session.offline = false;
    session.ready = true;
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
