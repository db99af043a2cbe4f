// Acceptance 4: the core serves the app at / with an index.html fallback for
// app routes and hashed, immutable assets, and never shadows its own routes.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

import { env } from "./lib/harness.mjs";

const index = readFileSync(join(env.webDir, "index.html"), "utf8");

async function get(path) {
  const res = await fetch(env.base + path, { redirect: "manual" });
  return { res, body: await res.text() };
}

// The hashed assets index.html refers to: /assets/app-<hash>.js and .css.
function assetsOf(html) {
  return [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
}

for (const path of ["/", "/tasks/5", "/tasks", "/signin", "/admin/rules/new", "/notifications?unread=true"]) {
  test(`GET ${path} is the app's index.html`, async () => {
    const { res, body } = await get(path);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type"), /^text\/html/);
    assert.equal(body, index, "the body is the built index.html");
    assert.match(res.headers.get("cache-control") || "", /no-cache/, "index.html is revalidated, so a deploy shows at once");
    assert.match(res.headers.get("content-security-policy") || "", /default-src 'self'/);
  });
}

test("GET /api/v1/nope is still the API's JSON 404", async () => {
  const { res, body } = await get("/api/v1/nope");
  assert.equal(res.status, 404);
  assert.match(res.headers.get("content-type"), /^application\/json/);
  const json = JSON.parse(body);
  assert.equal(json.error.code, "not_found");
  assert.equal(typeof json.error.message, "string");
});

test("the server's own routes are not shadowed by the app", async () => {
  for (const [path, type] of [
    ["/health", /json/],
    ["/health/ready", /json/],
    ["/metrics", /text\/plain/],
    ["/openapi.json", /json/],
    ["/docs", /text\/html/],
  ]) {
    const { res, body } = await get(path);
    assert.equal(res.status, 200, `${path}: ${res.status}`);
    assert.match(res.headers.get("content-type"), type, path);
    assert.notEqual(body, index, `${path} must not be the app`);
  }
  for (const path of ["/api/v1/tasks", "/ws/tasks", "/public/shares/nope", "/assets/nope.js", "/missing.png"]) {
    const { res, body } = await get(path);
    assert.ok(res.status >= 400, `${path}: ${res.status}`);
    assert.notEqual(body, index, `${path} must not be the app`);
  }
});

test("hashed assets are served with their type and cached for good", async () => {
  const assets = assetsOf(index);
  const js = assets.filter((a) => a.endsWith(".js"));
  const css = assets.filter((a) => a.endsWith(".css"));
  assert.ok(js.length >= 1, `index.html refers to a script under /assets: ${assets}`);
  assert.ok(css.length >= 1, `index.html refers to a stylesheet under /assets: ${assets}`);
  for (const path of assets) {
    assert.match(path, /^\/assets\/[A-Za-z0-9._-]+$/, "a flat assets directory");
    assert.match(path, /[-.][A-Za-z0-9_]{6,}\.(js|css)$/, `${path} carries a content hash`);
    const { res, body } = await get(path);
    assert.equal(res.status, 200, path);
    assert.match(res.headers.get("cache-control") || "", /immutable/, path);
    assert.match(res.headers.get("cache-control") || "", /max-age=31536000/, path);
    assert.match(res.headers.get("content-type"), path.endsWith(".js") ? /javascript/ : /text\/css/, path);
    assert.equal(body, readFileSync(join(env.webDir, path), "utf8"), `${path} is the built file`);
  }
});
