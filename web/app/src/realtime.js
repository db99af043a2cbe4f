// The two live feeds: /ws/tasks (task events the user may see) and
// /ws/notifications (the user's own notifications). One WebSocket each.
// - Address from GET /api/v1/meta: realtime.url when the server publishes one
//   (behind nginx: wss://host/ws), else ws://<this host>:<realtime.port>/ws.
// - Reconnects with capped exponential backoff + jitter, and resumes with
//   since=<last event id> so events sent while away are replayed, not lost.
// - A refreshed access token is sent on open sockets ({"type":"auth"}) because
//   the server re-checks tokens and closes (1008) once the old one expires.
// Alpine.store('live') = {tasks, notifications, state}: 'connecting'|'live'|'offline'.
// Listeners get the server's events as they are, plus {type:"resync"} after a
// reconnect that could not resume with since=, or when the server answers
// since= with resync_required (then: reload what is shown).
// The access token goes in the Sec-WebSocket-Protocol header ("bearer, <token>"),
// not in the URL, so it stays out of proxies' access logs.
import Alpine from "@alpinejs/csp";
import { api, freshAccessToken, meta, onTokens } from "./api.js";

const MAX_BACKOFF_MS = 30000;
const IDLE_MS = 70000; // no frame at all for this long → assume a dead TCP link
const PING_MS = 25000;

const listeners = { tasks: new Set(), notifications: new Set() };
export const onTaskEvent = (fn) => subscribe("tasks", fn);
export const onNotification = (fn) => subscribe("notifications", fn);
function subscribe(feed, fn) {
  listeners[feed].add(fn);
  return () => listeners[feed].delete(fn);
}

const feeds = {};
let running = false;

export function registerLive() {
  Alpine.store("live", { tasks: "offline", notifications: "offline", state: "offline" });
}

function setState(name, state) {
  const live = Alpine.store("live");
  live[name] = state;
  const both = [live.tasks, live.notifications];
  live.state = both.every((s) => s === "live") ? "live" : both.includes("offline") ? "offline" : "connecting";
}

// {url, token} for one feed: the URL carries since= only.
async function feedAddress(name, since) {
  const m = await meta();
  const rt = m.realtime || {};
  let base;
  if (rt.url) {
    // Absolute ws(s):// as published, or a path on this origin.
    base = rt.url.startsWith("/") ? `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${rt.url}` : rt.url;
  } else {
    base = `${location.protocol === "https:" ? "wss" : "ws"}://${location.hostname}:${rt.port}${rt.path_prefix || "/ws"}`;
  }
  const token = await freshAccessToken();
  if (!token) throw new Error("no access token");
  const q = since ? `?${new URLSearchParams({ since: String(since) })}` : "";
  return { url: `${base.replace(/\/$/, "")}/${name}${q}`, token };
}

function makeFeed(name) {
  return { name, ws: null, lastEventId: 0, attempt: 0, retryTimer: null, pingTimer: null, idleTimer: null, generation: 0,
    wasLive: false, resumed: false };
}

async function connect(feed) {
  clearTimeout(feed.retryTimer);
  if (!running) return;
  const generation = ++feed.generation;
  setState(feed.name, "connecting");
  let address;
  try {
    // Several failed attempts in a row may mean the token was revoked (the
    // handshake's 401 is invisible to scripts). A cheap authenticated request
    // settles it: only a 401 there goes through the refresh (which signs the
    // user out if the session is really over); a server that is down costs
    // nothing, and the refresh token is not rotated on every retry.
    if (feed.attempt >= 3) await api.get("/api/v1/users/me").catch(() => {});
    address = await feedAddress(feed.name, feed.lastEventId);
  } catch {
    // Stopped (or stopped and started again: this feed object is stale).
    if (!running || generation !== feed.generation) return;
    return scheduleRetry(feed);
  }
  // Stopped or restarted while we were waiting for meta/token.
  if (!running || generation !== feed.generation) return;
  feed.resumed = feed.lastEventId > 0;
  let ws;
  try {
    ws = new WebSocket(address.url, ["bearer", address.token]);
  } catch {
    if (!running || generation !== feed.generation) return;
    return scheduleRetry(feed);
  }
  feed.ws = ws;
  ws.onmessage = (msg) => onMessage(feed, msg.data);
  ws.onclose = () => {
    if (feed.ws !== ws) return;
    feed.ws = null;
    clearInterval(feed.pingTimer);
    clearTimeout(feed.idleTimer);
    if (running) scheduleRetry(feed);
  };
  ws.onopen = () => {
    // Application-level ping keeps proxies from timing the link out and lets
    // the idle timer notice a connection that died without a close frame.
    feed.pingTimer = setInterval(() => { if (ws.readyState === 1) ws.send('{"type":"ping"}'); }, PING_MS);
    touch(feed);
  };
}

function touch(feed) {
  clearTimeout(feed.idleTimer);
  feed.idleTimer = setTimeout(() => { if (feed.ws) feed.ws.close(4000, "idle"); }, IDLE_MS);
}

function scheduleRetry(feed) {
  if (!running) return;
  setState(feed.name, "offline");
  const ceiling = Math.min(MAX_BACKOFF_MS, 500 * 2 ** feed.attempt);
  // Full jitter in [ceiling/2, ceiling]: many tabs reconnecting after a server
  // restart do not arrive at the same instant.
  const delay = ceiling / 2 + Math.random() * (ceiling / 2);
  feed.attempt = Math.min(feed.attempt + 1, 10);
  feed.retryTimer = setTimeout(() => connect(feed), delay);
}

function onMessage(feed, text) {
  touch(feed);
  let msg;
  try { msg = JSON.parse(text); } catch { return; } // "pong" text frames etc.
  if (!msg || typeof msg.type !== "string") return;
  if (msg.type === "connection_established") {
    feed.attempt = 0;
    setState(feed.name, "live");
    // A reconnect that could not resume (no event seen yet, so no since=)
    // may have missed something: listeners get {type:"resync"} and reload.
    if (feed.wasLive && !feed.resumed) dispatch(feed, { type: "resync" });
    feed.wasLive = true;
    return;
  }
  if (msg.type === "resync_required") {
    // since= was too old (events purged) or too far behind: what is shown
    // may miss changes. Listeners reload; the feed goes on from the server's
    // head (what the reload shows already includes everything up to it).
    if (typeof msg.last_event_id === "number" && msg.last_event_id > feed.lastEventId) {
      feed.lastEventId = msg.last_event_id;
    }
    dispatch(feed, { type: "resync" });
    return;
  }
  if (["pong", "subscribed", "unsubscribed", "authenticated", "error"].includes(msg.type)) return;
  if (typeof msg.event_id === "number") {
    // A replay after reconnect may overlap what we already applied.
    if (msg.event_id <= feed.lastEventId) return;
    feed.lastEventId = msg.event_id;
  }
  dispatch(feed, msg);
}

function dispatch(feed, msg) {
  for (const fn of listeners[feed.name]) {
    try { fn(msg); } catch (error) { console.error("realtime listener failed", error); }
  }
}

function onOnline() {
  // The network is back: skip the remaining backoff.
  for (const feed of Object.values(feeds)) {
    if (!feed.ws) { feed.attempt = 0; connect(feed); }
  }
}

let unlistenTokens = null;

export function startRealtime() {
  if (running) return;
  running = true;
  for (const name of ["tasks", "notifications"]) {
    feeds[name] = feeds[name] || makeFeed(name);
    feeds[name].attempt = 0;
    connect(feeds[name]);
  }
  window.addEventListener("online", onOnline);
  unlistenTokens = onTokens((token) => {
    if (!token) return;
    for (const feed of Object.values(feeds)) {
      if (feed.ws && feed.ws.readyState === 1) feed.ws.send(JSON.stringify({ type: "auth", token }));
    }
  });
}

export function stopRealtime() {
  running = false;
  window.removeEventListener("online", onOnline);
  if (unlistenTokens) unlistenTokens();
  for (const name of Object.keys(feeds)) {
    const feed = feeds[name];
    clearTimeout(feed.retryTimer);
    clearInterval(feed.pingTimer);
    clearTimeout(feed.idleTimer);
    feed.generation++;
    if (feed.ws) { const ws = feed.ws; feed.ws = null; ws.close(1000, "signed out"); }
    delete feeds[name]; // a new user starts from scratch (no since= from the old one)
    setState(name, "offline");
  }
}
