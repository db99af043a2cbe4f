// Acceptance 1 and 2 (task detail): opened from the board's card link, it
// shows the task, saves edited fields (persisted across a reload), shows what
// blocks it, takes a comment and lists the activity. At 1280x800 (screenshot
// task-detail.png) and at 375x812.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import {
  Api,
  DESKTOP,
  MOBILE,
  assertNoHorizontalOverflow,
  cardSel,
  click,
  createUser,
  fill,
  launch,
  reload,
  withSessions,
  shoot,
  signIn,
  tid,
  unique,
} from "./lib/harness.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const value = (page, sel) => page.$eval(sel, (e) => e.value);

for (const viewport of [DESKTOP, MOBILE]) {
  test(`task detail: open, edit, save, comment (${viewport.name})`, { timeout: 90000 }, async () => {
    const user = await createUser("detail", "Dana Detail");
    const api = await Api.login(user.username, user.password);
    const task = await api.post("/api/v1/tasks", {
      title: unique("Detail task "),
      description: "Steps to reproduce:\n1. open the board\n2. drag a card",
      priority: "medium",
      tags: ["frontend"],
      due_date: "2027-02-01",
    });
    const blocker = await api.post("/api/v1/tasks", { title: "Upgrade the database driver" });
    await api.post(`/api/v1/tasks/${task.id}/dependencies`, { depends_on_id: blocker.id });
    await api.post("/api/v1/tasks", { title: "Write a regression test", parent_id: task.id });
    await api.post(`/api/v1/tasks/${task.id}/comments`, { body: "I can reproduce it on Chromium." });

    await withSessions(browser, [{ viewport, label: "task detail" }], async ({ page, tracker }) => {
      await signIn(page, user.username, user.password);

      // From the board by the card's link (the router, not a page load).
      await page.evaluate(() => {
        window.__sameDocument = true;
      });
      const link = await page.waitForSelector(`${cardSel(task.id)} a[href="/tasks/${task.id}"]`, { visible: true });
      await link.click();
      await page.waitForSelector(tid("task-detail"), { visible: true });
      assert.equal(new URL(page.url()).pathname, `/tasks/${task.id}`);
      assert.equal(await page.evaluate(() => window.__sameDocument), true, "links are followed without a page load");

      // What the server has is on screen.
      await page.waitForFunction((t) => document.querySelector("#task-title")?.value === t, {}, task.title);
      assert.equal(await value(page, "#task-description"), task.description);
      assert.equal(await value(page, "#task-priority"), "medium");
      assert.equal(await value(page, "#task-status"), task.status);
      assert.match(await value(page, "#task-due-date"), /^2027-02-01/);
      assert.match(await page.$eval("#task-tags", (e) => e.value ?? e.textContent), /frontend/);
      await page.waitForFunction(
        (sel, title, id) => {
          const el = document.querySelector(sel);
          return el && (el.textContent.includes(title) || el.textContent.includes(`#${id}`));
        },
        {},
        tid("task-blocked-by"),
        blocker.title,
        blocker.id,
      );
      await page.waitForSelector(tid("subtask"), { visible: true });
      await page.waitForFunction((sel) => document.querySelectorAll(sel).length >= 1, {}, tid("comment"));
      if (viewport === MOBILE) await assertNoHorizontalOverflow(page, "task detail at 375 px");

      // Edit and save: the server stores it, a reload shows it.
      const title = `${task.title} (edited)`;
      await fill(page, "#task-title", title);
      await fill(page, "#task-description", "Fixed by pinning the driver.");
      await page.select("#task-priority", "high");
      const saved = page.waitForResponse(
        (r) => new URL(r.url()).pathname === `/api/v1/tasks/${task.id}` && ["PATCH", "PUT"].includes(r.request().method()),
      );
      await click(page, tid("task-save"));
      assert.equal((await saved).status(), 200);
      const stored = await api.get(`/api/v1/tasks/${task.id}`);
      assert.equal(stored.title, title);
      assert.equal(stored.description, "Fixed by pinning the driver.");
      assert.equal(stored.priority, "high");
      assert.deepEqual(stored.tags, ["frontend"], "fields not edited are kept");

      // A comment.
      const comment = unique("Looks good ");
      await fill(page, tid("comment-body"), comment);
      await click(page, tid("comment-submit"));
      await page.waitForFunction(
        (sel, c) => [...document.querySelectorAll(sel)].some((e) => e.textContent.includes(c)),
        {},
        tid("comment"),
        comment,
      );

      await reload(page);
      await page.waitForSelector(tid("task-detail"), { visible: true });
      await page.waitForFunction((t) => document.querySelector("#task-title")?.value === t, {}, title);
      assert.equal(await value(page, "#task-priority"), "high");
      await page.waitForFunction(
        (sel, c) => [...document.querySelectorAll(sel)].some((e) => e.textContent.includes(c)),
        {},
        tid("comment"),
        comment,
      );
      // The activity lists the change (who, what).
      await page.waitForFunction(
        (sel) => [...document.querySelectorAll(sel)].some((e) => /priority|title/i.test(e.textContent)),
        {},
        tid("activity"),
      );

      await page.evaluate(() => window.scrollTo(0, 0));
      await shoot(page, viewport === MOBILE ? "task-detail-mobile.png" : "task-detail.png");
      tracker.assertClean();
    });
  });
}
