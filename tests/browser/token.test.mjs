// Acceptance 3: the access token lives TASKLANE_ACCESS_TTL_SECONDS (5 s) and
// open feeds re-check theirs every few seconds. Using the app across several
// expiries works without a visible sign-in (silent refresh, before expiry or
// after a 401), the live feed stays up, and when the refresh itself fails
// (the account was deactivated) the user is sent to sign in.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import {
  Api,
  cardSel,
  click,
  clickNav,
  createTaskOnBoard,
  createUser,
  env,
  fill,
  launch,
  reload,
  meta,
  moveCard,
  withSessions,
  signIn,
  sleep,
  tid,
  unique,
  waitCardIn,
  waitForBoard,
  waitLive,
} from "./lib/harness.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const pastExpiry = () => sleep(env.accessTtlMs + 1500);
const onSignin = (page) => new URL(page.url()).pathname === "/signin";

test("actions after the access token expired succeed (silent refresh)", { timeout: 120000 }, async () => {
  const { workflow } = await meta();
  const user = await createUser("expiry", "Tess Token");
  const admin = await Api.admin();
  await withSessions(browser, [{ label: "token expiry" }], async ({ page, tracker }) => {
    // A request that met an expired token may get 401 once, then be retried
    // after a refresh; the refresh itself must never fail.
    tracker.allow((status, path) => status === 401 && path.startsWith("/api/v1/") && path !== "/api/v1/auth/refresh");
    await signIn(page, user.username, user.password);
    await waitLive(page);

    // Create after expiry.
    await pastExpiry();
    const title = unique("After expiry ");
    const id = await createTaskOnBoard(page, title);
    assert.equal((await admin.get(`/api/v1/tasks/${id}`)).title, title);
    assert.ok(!onSignin(page), "still signed in");

    // Move after expiry.
    await pastExpiry();
    const next = workflow.transitions[workflow.initial].find((s) => s !== "cancelled");
    const moved = await moveCard(page, id, next);
    assert.equal(moved.status(), 200, `the move answered ${moved.status()}`);
    await waitCardIn(page, id, next);
    assert.equal((await admin.get(`/api/v1/tasks/${id}`)).status, next);

    // Save the task detail after expiry.
    await click(page, `${cardSel(id)} a[href="/tasks/${id}"]`);
    await page.waitForSelector(tid("task-detail"), { visible: true });
    await page.waitForFunction((t) => document.querySelector("#task-title")?.value === t, {}, title);
    await pastExpiry();
    await fill(page, "#task-title", `${title} (saved late)`);
    const saved = page.waitForResponse(
      (r) => new URL(r.url()).pathname === `/api/v1/tasks/${id}` && ["PATCH", "PUT"].includes(r.request().method()) && r.status() !== 401,
    );
    await click(page, tid("task-save"));
    assert.equal((await saved).status(), 200);
    assert.equal((await admin.get(`/api/v1/tasks/${id}`)).title, `${title} (saved late)`);
    assert.ok(!onSignin(page), "still signed in");

    // The feeds outlived many token expiries and re-checks: live, and a change
    // made elsewhere still arrives.
    await clickNav(page, "nav-board");
    await waitForBoard(page);
    await waitLive(page);
    await admin.patch(`/api/v1/tasks/${id}`, { title: `${title} (renamed elsewhere)` });
    await page.waitForFunction(
      (sel, t) => document.querySelector(sel)?.textContent.trim() === t,
      { timeout: 5000 },
      `${cardSel(id)} ${tid("card-title")}`,
      `${title} (renamed elsewhere)`,
    );

    // A reload after expiry keeps the session (refresh token in sessionStorage).
    await pastExpiry();
    await reload(page);
    await waitForBoard(page);
    await waitCardIn(page, id, next);
    tracker.assertClean();
  });
});

test("when the refresh fails the user is sent to sign in", { timeout: 60000 }, async () => {
  const user = await createUser("revoked");
  const admin = await Api.admin();
  await withSessions(browser, [{ label: "refresh failure" }], async ({ page, tracker }) => {
    // Everything the deactivated user's page tries now is refused.
    tracker.allow((status) => status === 401 || status === 403);
    tracker.allowWsFailures = true;
    await signIn(page, user.username, user.password);
    await admin.put(`/api/v1/users/${user.id}/active`, { is_active: false });
    await pastExpiry();
    // Act (if the app has not noticed on its own yet): it ends on the sign-in form.
    if (!onSignin(page)) {
      await fill(page, tid("new-task-title"), "Never saved").catch(() => {});
      await click(page, tid("new-task-submit")).catch(() => {});
    }
    await page.waitForFunction(() => location.pathname === "/signin", { timeout: 10000 });
    await page.waitForSelector("#signin-login", { visible: true });
    const tasks = await admin.get(`/api/v1/tasks?creator_id=${user.id}`);
    assert.equal(tasks.total, 0, "nothing was created by the revoked session");
    tracker.assertClean();
  });
});
