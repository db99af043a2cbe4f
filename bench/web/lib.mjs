// Shared by the web benchmarks: puppeteer-core from web/node_modules, Debian's
// headless Chromium, sign-in through the app's own form, a REST client, and
// percentiles. Nothing here is asserted; the scripts print measurements.
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const puppeteer = createRequire(join(repo, "web", "package.json"))("puppeteer-core");

export const base = process.env.BENCH_URL || "http://127.0.0.1:18100";
export const admin = { username: process.env.BENCH_USER || "root", password: process.env.BENCH_PASSWORD || "root-password" };

export function launch() {
  return puppeteer.launch({
    executablePath: process.env.BENCH_CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking"],
  });
}

export const tid = (id) => `[data-testid="${id}"]`;

// Signs in through /signin (the contract's hooks) and waits for the board.
export async function signIn(page, { username, password } = admin) {
  await page.goto(`${base}/signin`, { waitUntil: "domcontentloaded" });
  await page.waitForSelector("#signin-login", { visible: true });
  await page.type("#signin-login", username);
  await page.type("#signin-password", password);
  await page.click(tid("signin-submit"));
  await page.waitForSelector(`${tid("board")} ${tid("column")}`, { visible: true, timeout: 30000 });
}

// A REST client that keeps its short-lived access token fresh.
export async function apiClient({ username, password } = admin) {
  let tokens = null;
  let expires = 0;
  async function call(method, path, body, raw = false) {
    if (tokens && Date.now() > expires - 2000) await login("/api/v1/auth/refresh", { refresh_token: tokens.refresh_token });
    const headers = { Accept: "application/json" };
    if (tokens) headers.Authorization = `Bearer ${tokens.access_token}`;
    if (body !== undefined && !raw) headers["Content-Type"] = "application/json";
    if (raw) headers["Content-Type"] = raw;
    const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : raw ? body : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : null;
  }
  async function login(path, body) {
    tokens = null;
    tokens = await call("POST", path, body);
    expires = Date.now() + tokens.expires_in * 1000;
  }
  await login("/api/v1/auth/login", { username, password });
  return { call, get: (p) => call("GET", p), post: (p, b) => call("POST", p, b), patch: (p, b) => call("PATCH", p, b) };
}

// Nearest-rank percentile of numbers.
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const median = (values) => percentile(values, 50);

// One result line: "measure<TAB>value" (web_bench.sh makes the table).
export function report(measure, value) {
  console.log(`${measure}\t${value}`);
}
