// Acceptance 5, across every screen: an administrator opens each app route
// (a full page load, so the SPA fallback serves it) and the page talks to
// nothing but the Tasklane server it came from (HTTP port and realtime port),
// logs no console error and throws nothing.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { Api, env, gotoApp, launch, signIn, tid, unique, withSessions } from "./lib/harness.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("every screen stays on the server's origin, without errors", { timeout: 120000 }, async () => {
  const admin = await Api.admin();
  const task = await admin.post("/api/v1/tasks", { title: unique("Tour task "), tags: ["tour"] });
  await admin.post(`/api/v1/tasks/${task.id}/comments`, { body: "A comment on the tour." });
  const hook = await admin.post("/api/v1/webhooks", {
    url: "https://hooks.example.com/tasklane",
    events: ["task.created"],
    secret: "tour-secret-0123456789",
    active: true,
  });

  const screens = [
    ["/", tid("board")],
    [`/tasks?q=${encodeURIComponent(task.title)}`, `${tid("task-row")}[data-task-id="${task.id}"]`],
    [`/tasks/${task.id}`, tid("task-detail")],
    ["/notifications", tid("notifications-read-all")],
    ["/admin/users", tid("user-row")],
    ["/admin/rules", tid("rule-list")],
    ["/admin/rules/new", tid("rule-editor")],
    ["/admin/webhooks", tid("webhook-row")],
    ["/admin/jobs", tid("job-row")],
    ["/admin/plugins", tid("plugin-row")],
  ];

  try {
    await withSessions(browser, [{ label: "tour" }], async ({ page, tracker }) => {
      await signIn(page, env.admin.username, env.admin.password);
      for (const [path, selector] of screens) {
        await gotoApp(page, path);
        await page.waitForSelector(selector, { visible: true, timeout: 15000 }).catch((e) => {
          throw new Error(`${path}: ${selector} did not show: ${e.message}`);
        });
        await page.waitForNetworkIdle({ idleTime: 300, timeout: 10000 }).catch(() => {});
        const problems = tracker.problems();
        assert.deepEqual(problems, [], `${path}:\n  ${problems.join("\n  ")}`);
      }
      const where = (u) => new URL(u).host || new URL(u).protocol; // data: has no host
      const hosts = new Set(tracker.requests.map((r) => where(r.url)).concat(tracker.sockets.map(where)));
      console.log(`tour: ${tracker.requests.length} requests and ${tracker.sockets.length} WebSockets to ${[...hosts].join(", ")}`);
      tracker.assertClean();
    });
  } finally {
    await admin.del(`/api/v1/webhooks/${hook.id}`).catch(() => {});
  }
});
