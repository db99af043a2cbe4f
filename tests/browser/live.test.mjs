// Acceptance 1 (live): a second browser session, signed in as the assignee,
// sees a change made in the first session appear within 2 s without a
// reload: the task assigned to them shows up, a move through the first
// browser's card select moves the card, a REST title change retitles it.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import {
  Api,
  cardSel,
  createTaskOnBoard,
  createUser,
  launch,
  meta,
  moveCard,
  withSessions,
  signIn,
  tid,
  unique,
  waitCardIn,
  waitLive,
} from "./lib/harness.mjs";

const WITHIN_MS = 2000;

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("the assignee's board follows the creator's changes live", { timeout: 90000 }, async () => {
  const { workflow } = await meta();
  const creator = await createUser("owner", "Olive Owner");
  const assignee = await createUser("assignee", "Ash Signee");
  const creatorApi = await Api.login(creator.username, creator.password);

  await withSessions(browser, [{ label: "creator" }, { label: "assignee" }], async (a, b) => {
    await signIn(a.page, creator.username, creator.password);
    await signIn(b.page, assignee.username, assignee.password);
    await waitLive(a.page);
    await waitLive(b.page);
    // Anything that reloads the page loses this.
    await b.page.evaluate(() => {
      window.__noReload = "still here";
    });

    // The creator makes a task on the board and assigns it to the other user.
    const title = unique("Live task ");
    const id = await createTaskOnBoard(a.page, title);
    assert.equal(await b.page.$(cardSel(id)), null, "the assignee cannot see the task yet");
    let start = Date.now();
    await creatorApi.post(`/api/v1/tasks/${id}/assign`, { assignee_id: assignee.id });
    await waitCardIn(b.page, id, workflow.initial, WITHIN_MS);
    const assignedAfter = Date.now() - start;

    // The creator moves the card in their browser; the assignee's card follows.
    const next = workflow.transitions[workflow.initial].find((s) => s !== "cancelled");
    start = Date.now();
    const seen = waitCardIn(b.page, id, next, WITHIN_MS + 1000);
    const moved = await moveCard(a.page, id, next);
    assert.equal(moved.status(), 200);
    await seen;
    const movedAfter = Date.now() - start;
    assert.ok(movedAfter <= WITHIN_MS, `the move showed after ${movedAfter} ms`);

    // A REST change by another client retitles the card.
    const retitled = `${title} (renamed)`;
    start = Date.now();
    await creatorApi.patch(`/api/v1/tasks/${id}`, { title: retitled });
    await b.page.waitForFunction(
      (sel, t) => document.querySelector(sel)?.textContent.trim() === t,
      { timeout: WITHIN_MS },
      `${cardSel(id)} ${tid("card-title")}`,
      retitled,
    );
    const renamedAfter = Date.now() - start;

    assert.equal(await b.page.evaluate(() => window.__noReload), "still here", "the assignee's page was not reloaded");
    assert.equal(await b.page.$$eval(cardSel(id), (els) => els.length), 1, "one card, not a duplicate");
    console.log(`live: assigned ${assignedAfter} ms, moved ${movedAfter} ms, renamed ${renamedAfter} ms`);

    // The connection state is shown and both feeds are open.
    assert.match(await b.page.$eval(tid("conn-state"), (e) => e.textContent), /live/i);
    const feeds = b.tracker.sockets.map((u) => new URL(u).pathname);
    assert.ok(feeds.some((p) => p.endsWith("/tasks")), `a /ws/tasks feed: ${feeds}`);
    assert.ok(feeds.some((p) => p.endsWith("/notifications")), `a /ws/notifications feed: ${feeds}`);

    a.tracker.assertClean();
    b.tracker.assertClean();
  });
});

test("the notification badge counts up live", { timeout: 60000 }, async () => {
  const creator = await createUser("notifier");
  const assignee = await createUser("notified");
  const creatorApi = await Api.login(creator.username, creator.password);
  const assigneeApi = await Api.login(assignee.username, assignee.password);
  await withSessions(browser, [{ label: "notifications" }], async ({ page, tracker }) => {
    await signIn(page, assignee.username, assignee.password);
    await waitLive(page);
    const count = () => page.evaluate((sel) => Number(document.querySelector(sel)?.textContent.trim() || 0), tid("notif-count"));
    const before = await count(); // 0 while the badge is hidden
    const task = await creatorApi.post("/api/v1/tasks", { title: unique("Notify me ") });
    await creatorApi.post(`/api/v1/tasks/${task.id}/assign`, { assignee_id: assignee.id });
    // Whatever the server notified, the badge shows the unread total.
    await page.waitForFunction(
      (sel, min) => Number(document.querySelector(sel)?.textContent.trim() || 0) >= min,
      { timeout: 5000 },
      tid("notif-count"),
      before + 1,
    );
    const unread = await assigneeApi.get("/api/v1/notifications?unread=true");
    await page.waitForFunction(
      (sel, n) => Number(document.querySelector(sel)?.textContent.trim() || 0) === n,
      { timeout: 5000 },
      tid("notif-count"),
      unread.total,
    );
    tracker.assertClean();
  });
});
