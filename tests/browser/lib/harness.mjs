// Shared by the browser tests: where the server is (environment set by
// run_browser_tests.sh), a headless Chromium through puppeteer-core, a page
// that records everything it does (requests, WebSockets, console errors,
// uncaught errors, HTTP errors) so each test can assert it stayed clean, a
// small REST client for setting up other users, and UI helpers that go
// through the data-testid hooks of the web app contract only.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..", "..", "..");

// puppeteer-core comes from web/node_modules (installed by `npm ci` for the
// web build), so the tests add no package of their own.
const webPackage = process.env.TASKLANE_WEB_PACKAGE || join(repo, "web", "package.json");
export const puppeteer = createRequire(webPackage)("puppeteer-core");

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through tests/browser/run_browser_tests.sh`);
  return value;
}

export const env = {
  base: required("TASKLANE_URL"), // http://127.0.0.1:<port>
  realtimePort: Number(required("TASKLANE_REALTIME_PORT")),
  admin: { username: required("TASKLANE_ADMIN_USERNAME"), password: required("TASKLANE_ADMIN_PASSWORD") },
  webDir: required("TASKLANE_WEB_DIR"),
  accessTtlMs: Number(process.env.TASKLANE_ACCESS_TTL_SECONDS || "5") * 1000,
  screenshots: required("TASKLANE_SCREENSHOT_DIR"), // board.png etc. (the README's pictures)
  failures: process.env.TASKLANE_FAILURE_DIR || required("TASKLANE_SCREENSHOT_DIR"), // what a failed test saw
  chromium: process.env.TASKLANE_CHROMIUM || "/usr/bin/chromium",
};
const baseUrl = new URL(env.base);

export const DESKTOP = { name: "desktop", width: 1280, height: 800 };
export const MOBILE = { name: "mobile", width: 375, height: 812, isMobile: true, hasTouch: true };

export const tid = (id) => `[data-testid="${id}"]`;
export const cardSel = (id) => `${tid("card")}[data-task-id="${id}"]`;
export const columnSel = (status) => `${tid("column")}[data-status="${status}"]`;

let counter = 0;
// Names unique across test files and runs against the same database.
export function unique(prefix) {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${process.pid.toString(36)}${counter}`;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function launch() {
  return puppeteer.launch({
    executablePath: env.chromium,
    headless: true,
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking"],
  });
}

// ---------------------------------------------------------------------------
// A page that records what it does.

// Hosts the page may talk to: the server it came from (HTTP port) and its
// realtime port. data: and blob: URLs never leave the page.
function allowedUrl(raw) {
  const url = new URL(raw);
  if (url.protocol === "data:" || url.protocol === "blob:") return true;
  if (!["http:", "ws:"].includes(url.protocol)) return false;
  if (url.hostname !== baseUrl.hostname) return false;
  const port = Number(url.port || 80);
  return port === Number(baseUrl.port) || port === env.realtimePort;
}

export class Tracker {
  constructor(page, label) {
    this.page = page;
    this.label = label;
    this.requests = [];
    this.sockets = [];
    this.consoleErrors = [];
    this.pageErrors = [];
    this.httpErrors = []; // {status, method, url, body}
    this.allowed = []; // predicates (status, path) => bool
    this.allowWsFailures = false;
    this.log = []; // "+ms METHOD path → status", for the failure report
    this.started = Date.now();
  }

  // What a failed test shows: where the page was, its last requests, and a
  // screenshot failed-<label>.png.
  async dump() {
    const file = join(env.failures, `failed-${this.label.replace(/[^A-Za-z0-9]+/g, "-")}.png`);
    let url = "?";
    try {
      url = this.page.url();
      mkdirSync(env.failures, { recursive: true });
      await this.page.screenshot({ path: file });
    } catch {
      /* the page is gone */
    }
    return [
      `--- ${this.label}: at ${url} (screenshot ${file})`,
      ...this.problems().map((p) => `  problem: ${p}`),
      ...this.log.slice(-25).map((l) => `  ${l}`),
    ].join("\n");
  }

  // Expected HTTP errors for the rest of this page's life: `allow(422,
  // "/api/v1/tasks/7")`, or any predicate `allow((status, path) => ...)`.
  allow(status, pathPrefix = "") {
    this.allowed.push(typeof status === "function" ? status : (s, path) => s === status && path.startsWith(pathPrefix));
  }

  isAllowed(status, url) {
    const path = new URL(url).pathname;
    return this.allowed.some((ok) => ok(status, path));
  }

  // Everything that went wrong on this page, as lines (empty: clean).
  problems() {
    const out = [];
    for (const r of this.requests) if (!allowedUrl(r.url)) out.push(`request to another origin: ${r.method} ${r.url}`);
    for (const s of this.sockets) if (!allowedUrl(s)) out.push(`WebSocket to another origin: ${s}`);
    for (const e of this.consoleErrors) out.push(`console error: ${e}`);
    for (const e of this.pageErrors) out.push(`uncaught page error: ${e}`);
    for (const e of this.httpErrors) {
      if (e.status >= 500 || !this.isAllowed(e.status, e.url)) {
        out.push(`unexpected HTTP ${e.status} for ${e.method} ${e.url}: ${e.body}`);
      }
    }
    return out;
  }

  assertClean() {
    const problems = this.problems();
    assert.deepEqual(problems, [], `${this.label}: the page was not clean:\n  ${problems.join("\n  ")}`);
    assert.ok(this.requests.length > 0, `${this.label}: no request was recorded`);
  }
}

// openPage(browserOrContext, {viewport, label}) → {page, tracker}
export async function openPage(owner, { viewport = DESKTOP, label = "page" } = {}) {
  const page = await owner.newPage();
  await page.setViewport(viewport);
  page.setDefaultTimeout(10000);
  const tracker = new Tracker(page, `${label} (${viewport.name})`);
  page.tracker = tracker;

  page.on("request", (req) => tracker.requests.push({ method: req.method(), url: req.url() }));
  page.on("pageerror", (err) => tracker.pageErrors.push(String(err && err.stack ? err.stack : err)));
  page.on("console", (msg) => {
    const text = msg.text();
    // A refused request is logged by Chromium as "Failed to load resource";
    // those are judged by status below (some are expected: an illegal move).
    if (msg.type() === "error" && /^Failed to load resource: the server responded with a status of/.test(text)) return;
    // A WebSocket refused during a test that expects it (revoked session).
    if (tracker.allowWsFailures && /WebSocket connection to .* failed/.test(text)) return;
    // Alpine reports expression errors as warnings ("Alpine Expression Error").
    if (msg.type() === "error" || (msg.type() === "warn" && /alpine/i.test(text))) {
      const loc = msg.location();
      tracker.consoleErrors.push(`${text}${loc && loc.url ? ` (${loc.url}:${loc.lineNumber})` : ""}`);
    }
  });
  page.on("response", async (res) => {
    const path = res.url().startsWith("data:") ? "data:" : new URL(res.url()).pathname + new URL(res.url()).search;
    tracker.log.push(`+${Date.now() - tracker.started}ms ${res.request().method()} ${path} → ${res.status()}`);
    if (res.status() < 400) return;
    const entry = { status: res.status(), method: res.request().method(), url: res.url(), body: "" };
    tracker.httpErrors.push(entry);
    try {
      entry.body = (await res.text()).slice(0, 300);
    } catch {
      /* body gone (navigation) */
    }
  });
  // WebSockets are not 'request' events: watch them through the DevTools protocol.
  const cdp = await page.createCDPSession();
  await cdp.send("Network.enable");
  cdp.on("Network.webSocketCreated", (e) => tracker.sockets.push(e.url));
  return { page, tracker };
}

// Runs fn with one recorded page per spec ({viewport, label}), each in its own
// browser context (its own cookies and sessionStorage: another person). On
// failure the error carries each page's dump; the contexts are closed.
export async function withSessions(browser, specs, fn) {
  const contexts = [];
  const sessions = [];
  try {
    for (const spec of specs) {
      const context = await browser.createBrowserContext();
      contexts.push(context);
      sessions.push(await openPage(context, spec));
    }
    return await fn(...sessions);
  } catch (error) {
    for (const s of sessions) error.message += `\n${await s.tracker.dump()}`;
    throw error;
  } finally {
    for (const context of contexts) await context.close().catch(() => {});
  }
}

export async function shoot(page, name) {
  mkdirSync(env.screenshots, { recursive: true });
  await page.screenshot({ path: join(env.screenshots, name) });
}

// ---------------------------------------------------------------------------
// A REST client for setup and for checking what the server stored (the
// public API, as any other client would use it).

export class Api {
  constructor(tokens = null) {
    this.tokens = tokens; // {access_token, refresh_token, expires_in} or null (anonymous)
    this.expiresAt = tokens ? Date.now() + tokens.expires_in * 1000 : 0;
  }

  static async login(username, password) {
    return new Api(await new Api().request("POST", "/api/v1/auth/login", { username, password }));
  }

  static async admin() {
    return Api.login(env.admin.username, env.admin.password);
  }

  // The test config's access tokens live seconds: refresh like any client would.
  async token() {
    // One refresh at a time: a rotated refresh token used twice ends the session.
    if (this.tokens && Date.now() > this.expiresAt - 1500) {
      this.refreshing ??= new Api()
        .request("POST", "/api/v1/auth/refresh", { refresh_token: this.tokens.refresh_token })
        .then((fresh) => {
          this.tokens = fresh;
          this.expiresAt = Date.now() + fresh.expires_in * 1000;
        })
        .finally(() => {
          this.refreshing = null;
        });
      await this.refreshing;
    }
    return this.tokens?.access_token;
  }

  async request(method, path, body) {
    const headers = { Accept: "application/json" };
    const token = await this.token();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const res = await fetch(env.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
    return text ? JSON.parse(text) : null;
  }

  get(path) {
    return this.request("GET", path);
  }
  post(path, body) {
    return this.request("POST", path, body);
  }
  patch(path, body) {
    return this.request("PATCH", path, body);
  }
  put(path, body) {
    return this.request("PUT", path, body);
  }
  del(path) {
    return this.request("DELETE", path);
  }
}

// A new member through the public register endpoint: {id, username, email, password, full_name}.
export async function createUser(prefix = "user", fullName = "") {
  const username = unique(prefix).slice(0, 32);
  const password = "browser-pass-123";
  const user = await new Api().post("/api/v1/auth/register", {
    email: `${username}@example.com`,
    username,
    password,
    full_name: fullName || undefined,
  });
  return { ...user, password };
}

let metaCache = null;
export async function meta() {
  metaCache ??= await new Api().get("/api/v1/meta");
  return metaCache;
}

// ---------------------------------------------------------------------------
// UI helpers (data-testid hooks only).

// Fills an input the way a person would: focus, clear, type.
export async function fill(page, selector, value) {
  const el = await page.waitForSelector(selector, { visible: true });
  await page.evaluate((e) => {
    e.value = "";
  }, el);
  await el.type(String(value)); // focuses it, then one key at a time (input events)
}

export async function click(page, selector) {
  const el = await page.waitForSelector(selector, { visible: true });
  await el.click();
}

// Clicks a navigation hook (nav-board, signout...); at a narrow viewport the
// navigation may sit behind a menu button (one with aria-expanded), opened first.
export async function clickNav(page, id) {
  const selector = tid(id);
  const visible = await page.$eval(selector, (e) => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length)).catch(() => false);
  if (!visible) {
    const toggle = await page.$('button[aria-expanded="false"]');
    if (toggle) await toggle.click();
  }
  await click(page, selector);
}

// Full page loads happen at any moment, also while the app's token refresh is
// in flight (the tests' access tokens live 5 s): the server's
// auth.refresh_reuse_grace lets the next page exchange the refresh token whose
// answer was lost, so the session survives.
export async function gotoApp(page, path) {
  await page.goto(env.base + path, { waitUntil: "domcontentloaded" });
}

export async function reload(page) {
  await page.reload({ waitUntil: "domcontentloaded" });
}

export async function waitForBoard(page) {
  await page.waitForSelector(`${tid("board")} ${tid("column")}`, { visible: true, timeout: 15000 });
}

// Signs in through /signin and waits for the board.
export async function signIn(page, login, password) {
  await gotoApp(page, "/signin");
  await fill(page, "#signin-login", login);
  await fill(page, "#signin-password", password);
  await click(page, tid("signin-submit"));
  await waitForBoard(page);
  assert.equal(new URL(page.url()).pathname, "/", "after sign-in the app shows the board at /");
}

// The feeds are open: the connection state says "live".
export async function waitLive(page, timeout = 10000) {
  await page.waitForFunction(
    (sel) => {
      const el = document.querySelector(sel);
      return el && /live/i.test(el.textContent) && !/offline|connecting/i.test(el.textContent);
    },
    { timeout },
    tid("conn-state"),
  );
}

// Creates a task through the board's new-task form; returns its id once its card shows.
export async function createTaskOnBoard(page, title) {
  await fill(page, tid("new-task-title"), title);
  await click(page, tid("new-task-submit"));
  const handle = await page.waitForFunction(
    (cardS, titleS, wanted) => {
      for (const card of document.querySelectorAll(cardS)) {
        const t = card.querySelector(titleS);
        if (t && t.textContent.trim() === wanted) return card.dataset.taskId;
      }
      return null;
    },
    {},
    tid("card"),
    tid("card-title"),
    title,
  );
  return Number(await handle.jsonValue());
}

// The status of the column that holds the card (null: no such card).
export async function cardColumn(page, id) {
  return page.evaluate(
    (cardS, colS) => {
      const card = document.querySelector(cardS);
      const col = card && card.closest(colS);
      return col ? col.dataset.status : null;
    },
    cardSel(id),
    tid("column"),
  );
}

export async function waitCardIn(page, id, status, timeout = 5000) {
  await page.waitForSelector(`${columnSel(status)} ${cardSel(id)}`, { timeout });
}

// Moves a card with its keyboard-usable select; resolves with the PATCH
// response (the final one: a 401 the app answers with refresh-and-retry is skipped).
export async function moveCard(page, id, status) {
  const response = page.waitForResponse(
    (res) =>
      new URL(res.url()).pathname === `/api/v1/tasks/${id}` &&
      ["PATCH", "PUT"].includes(res.request().method()) &&
      res.status() !== 401,
    { timeout: 10000 },
  );
  await page.waitForSelector(`${cardSel(id)} ${tid("card-move")}`);
  await page.select(`${cardSel(id)} ${tid("card-move")}`, status);
  return response;
}

// Text of the toasts on screen.
export async function toastTexts(page) {
  return page.$$eval(tid("toast"), (els) => els.map((e) => e.textContent.trim()));
}

// The page does not scroll sideways (nothing sticks out at a narrow viewport).
export async function assertNoHorizontalOverflow(page, what) {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  assert.ok(scroll <= width + 1, `${what}: the page is ${scroll}px wide in a ${width}px viewport`);
}
