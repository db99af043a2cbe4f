// Acceptance 1 and 2: register, sign out and sign in through the forms, at a
// desktop and a 375x812 viewport; the server's field errors show next to the
// field, a refused sign-in shows the server's message; a reload keeps the
// session (refresh token in sessionStorage, access token in memory only).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import {
  Api,
  DESKTOP,
  MOBILE,
  assertNoHorizontalOverflow,
  click,
  clickNav,
  fill,
  gotoApp,
  launch,
  reload,
  withSessions,
  signIn,
  tid,
  unique,
  waitForBoard,
} from "./lib/harness.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const apiPath = (res) => new URL(res.url()).pathname;

for (const viewport of [DESKTOP, MOBILE]) {
  test(`register, sign out and sign in (${viewport.name})`, { timeout: 90000 }, async () => {
    await withSessions(browser, [{ viewport, label: "auth" }], async ({ page, tracker }) => {
      const username = unique("reg").slice(0, 32);
      const password = "browser-pass-123";

      // An unknown user opening the board is sent to sign in.
      await gotoApp(page, "/");
      await page.waitForSelector(tid("signin-submit"), { visible: true });
      assert.equal(new URL(page.url()).pathname, "/signin");
      if (viewport === MOBILE) await assertNoHorizontalOverflow(page, "sign-in at 375 px");

      // From sign-in to register by the link.
      await click(page, tid("goto-register"));
      await page.waitForSelector("#register-username", { visible: true });
      assert.equal(new URL(page.url()).pathname, "/register");

      // The server refuses a short password: its message shows next to the field.
      tracker.allow(422, "/api/v1/auth/register");
      await fill(page, "#register-email", `${username}@example.com`);
      await fill(page, "#register-username", username);
      await fill(page, "#register-full-name", "Browser Tester");
      await fill(page, "#register-password", "short");
      const refused = page.waitForResponse((r) => apiPath(r) === "/api/v1/auth/register");
      await click(page, tid("register-submit"));
      const refusal = await (await refused).json();
      assert.equal((await refused).status(), 422);
      const detail = refusal.error.details.find((d) => d.field === "password");
      assert.ok(detail, "the server names the password field");
      const fieldError = await page.waitForSelector(tid("field-error-password"), { visible: true });
      assert.match(await fieldError.evaluate((e) => e.textContent), new RegExp(escape(detail.message)));
      assert.equal(new URL(page.url()).pathname, "/register", "a refused registration stays on the form");

      // Fixed: registered, signed in and on the board.
      await fill(page, "#register-password", password);
      await click(page, tid("register-submit"));
      await waitForBoard(page);
      assert.equal(new URL(page.url()).pathname, "/");
      const me = await (await Api.login(username, password)).get("/api/v1/auth/me");
      assert.equal(me.full_name, "Browser Tester");
      if (viewport === MOBILE) await assertNoHorizontalOverflow(page, "board at 375 px");

      // The access token is in memory only; the refresh token in sessionStorage.
      const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
      assert.doesNotMatch(stored, /eyJ[A-Za-z0-9_-]+\.eyJ/, "no access token (JWT) in web storage");

      // A reload keeps the session.
      await reload(page);
      await waitForBoard(page);

      // Sign out: back to the sign-in form, and the board is gone.
      await clickNav(page, "signout");
      await page.waitForSelector(tid("signin-submit"), { visible: true });
      assert.equal(new URL(page.url()).pathname, "/signin");
      await gotoApp(page, "/");
      await page.waitForSelector(tid("signin-submit"), { visible: true });

      // A wrong password: the server's message, still on the form.
      tracker.allow(401, "/api/v1/auth/login");
      await fill(page, "#signin-login", username);
      await fill(page, "#signin-password", "wrong-password-1");
      const failed = page.waitForResponse((r) => apiPath(r) === "/api/v1/auth/login");
      await click(page, tid("signin-submit"));
      const failure = await (await failed).json();
      await page.waitForFunction(
        (formSel, toastSel, message) =>
          [...document.querySelectorAll(`${formSel}, ${toastSel}`)].some((e) => e.textContent.includes(message)),
        {},
        tid("form-error"),
        tid("toast"),
        failure.error.message,
      );
      assert.equal(new URL(page.url()).pathname, "/signin");

      // Signing in by email works as well as by username.
      await signIn(page, `${username}@example.com`, password);
      tracker.assertClean();
    });
  });
}

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
