// The one place the app talks REST to the Tasklane server (same origin only).
// Tokens: the access token lives in memory only (a stolen localStorage is the
// classic XSS payoff); the refresh token lives in sessionStorage so a reload of
// this tab keeps the session but closing the tab ends it. The access token is
// refreshed shortly before it expires and once after a 401, then the request is
// retried; when refreshing fails the session is over and onAuthLost() fires.

const REFRESH_KEY = "tasklane.refresh_token";
const API = "/api/v1";

export class ApiError extends Error {
  constructor(status, code, message, details = [], requestId = "") {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details; // [{field, message}]
    this.requestId = requestId;
  }
}

// {field: message} for the field-error hooks; several messages for one field
// are joined so none is lost.
export function fieldErrors(error) {
  const out = {};
  for (const d of (error && error.details) || []) {
    const field = d.field || "_";
    out[field] = out[field] ? `${out[field]}; ${d.message}` : d.message;
  }
  return out;
}

let accessToken = null;
let refreshAt = 0; // ms since epoch: when the access token is due for a refresh
let refreshTimer = null;
let refreshing = null; // the in-flight refresh, shared by every caller
let authLost = () => {};
const tokenListeners = new Set();

export function onAuthLost(fn) { authLost = fn; }
// Realtime reconnects with the newest token; it listens here.
export function onTokens(fn) { tokenListeners.add(fn); return () => tokenListeners.delete(fn); }
export function hasRefreshToken() { return !!sessionStorage.getItem(REFRESH_KEY); }
export function isSignedIn() { return !!accessToken; }

export function setTokens(pair) {
  accessToken = pair.access_token;
  const ttl = Math.max(1, Number(pair.expires_in) || 900) * 1000;
  // Refresh a little before expiry (a fifth of the lifetime, at most 30 s
  // early) so an idle tab's realtime re-auth and the next click never meet an
  // expired token; clock skew and slow requests fit in that margin.
  refreshAt = Date.now() + ttl - Math.min(30000, ttl * 0.2);
  if (pair.refresh_token) sessionStorage.setItem(REFRESH_KEY, pair.refresh_token);
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => { refresh().catch(() => {}); }, Math.max(500, refreshAt - Date.now()));
  for (const fn of tokenListeners) fn(accessToken);
}

export function clearTokens() {
  accessToken = null;
  refreshAt = 0;
  clearTimeout(refreshTimer);
  sessionStorage.removeItem(REFRESH_KEY);
  for (const fn of tokenListeners) fn(null);
}

// Answers to POST /auth/refresh that mean the refresh token is no good.
const SESSION_OVER = [400, 401, 403];

// Exchanges the refresh token for a new pair. Concurrent callers share one
// request: the server rotates refresh tokens and treats reuse of a rotated one
// as theft, so two parallel refreshes would end the session.
export function refresh() {
  if (refreshing) return refreshing;
  const token = sessionStorage.getItem(REFRESH_KEY);
  if (!token) return Promise.reject(new ApiError(401, "unauthorized", "Not signed in"));
  refreshing = (async () => {
    try {
      const res = await fetch(`${API}/auth/refresh`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ refresh_token: token }),
      });
      if (!res.ok) throw await toError(res);
      setTokens(await res.json());
      return accessToken;
    } catch (error) {
      // Only a refusal of the token ends the session (400 malformed/unknown,
      // 401 invalid or reused, 403 account disabled). A network blip, a 5xx or
      // 429 (the auth rate limit) keeps the token for a later try.
      if (error instanceof ApiError && SESSION_OVER.includes(error.status)) {
        clearTokens();
        authLost();
      }
      throw error;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

// A valid access token (refreshing first if it is about to expire), for
// callers that cannot go through request(), e.g. the WebSocket URL.
export async function freshAccessToken() {
  if (accessToken && Date.now() < refreshAt) return accessToken;
  if (hasRefreshToken()) return refresh();
  return accessToken;
}

async function toError(res) {
  let body = null;
  try { body = await res.json(); } catch { /* not JSON: fall back to the status text */ }
  const e = (body && body.error) || {};
  return new ApiError(
    res.status,
    e.code || `http_${res.status}`,
    e.message || res.statusText || `HTTP ${res.status}`,
    Array.isArray(e.details) ? e.details : [],
    e.request_id || res.headers.get("X-Request-ID") || "",
  );
}

async function send(method, path, body, headers, retried) {
  // Timers are throttled in background tabs: check the clock as well.
  if (accessToken && Date.now() >= refreshAt && hasRefreshToken()) {
    await refresh().catch(() => {});
  }
  const h = { Accept: "application/json", ...headers };
  if (accessToken) h.Authorization = `Bearer ${accessToken}`;
  let res;
  try {
    res = await fetch(path.startsWith("/") ? path : `${API}/${path}`, { method, headers: h, body });
  } catch {
    throw new ApiError(0, "network", "Cannot reach the server; check your connection and try again.");
  }
  if (res.status === 401 && !retried && hasRefreshToken() && !path.startsWith(`${API}/auth/`)) {
    await refresh(); // throws (and signs out) when the session is over
    return send(method, path, body, headers, true);
  }
  if (!res.ok) throw await toError(res);
  // Drain even an empty body: an unread one is reported by the browser as
  // an aborted request, which looks like a failure in devtools and tests.
  if (res.status === 204) { await res.text().catch(() => ""); return null; }
  const type = res.headers.get("Content-Type") || "";
  return type.includes("json") ? res.json() : res.text();
}

function json(method, path, data, headers = {}) {
  return send(method, path, data === undefined ? undefined : JSON.stringify(data),
    data === undefined ? headers : { "Content-Type": "application/json", ...headers }, false);
}

// Paths may be absolute ("/api/v1/tasks") or relative to /api/v1 ("tasks").
export const api = {
  get: (path, headers) => json("GET", path, undefined, headers),
  post: (path, body, headers) => json("POST", path, body, headers),
  put: (path, body, headers) => json("PUT", path, body, headers),
  patch: (path, body, headers) => json("PATCH", path, body, headers),
  del: (path, headers) => json("DELETE", path, undefined, headers),
  // multipart/form-data with one file part (the attachments API takes it).
  upload(path, file) {
    const form = new FormData();
    form.append("file", file, file.name);
    return send("POST", path, form, {}, false);
  },
};

let metaPromise = null;
// GET /api/v1/meta once per page load (workflow, realtime address, version).
export function meta() {
  if (!metaPromise) {
    metaPromise = api.get(`${API}/meta`).catch((error) => { metaPromise = null; throw error; });
  }
  return metaPromise;
}
