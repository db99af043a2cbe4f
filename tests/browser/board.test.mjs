// Acceptance 1 and 2 (board): the columns come from the server's workflow; a
// task created from the board shows as a card; moving it with the card's
// select changes its status through the API and survives a reload; an illegal
// move is refused with the server's message and the card goes back. Run at
// 1280x800 and at 375x812; screenshots board.png and board-mobile.png.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import {
  Api,
  DESKTOP,
  MOBILE,
  assertNoHorizontalOverflow,
  cardColumn,
  cardSel,
  columnSel,
  createTaskOnBoard,
  createUser,
  launch,
  reload,
  meta,
  moveCard,
  withSessions,
  shoot,
  signIn,
  tid,
  toastTexts,
  unique,
  waitCardIn,
  waitForBoard,
} from "./lib/harness.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// A few cards with everything a card shows, so the board (and its
// screenshot) is not empty: priority, assignee, due date, tags.
async function seed(api, user) {
  const specs = [
    { title: "Write the release notes", priority: "high", tags: ["docs"], due_date: "2027-01-15" },
    { title: "Rotate the signing keys", priority: "urgent", tags: ["security", "ops"], due_date: "2027-01-05" },
    { title: "Tidy the backlog", priority: "low", tags: [] },
    { title: "Profile the board query", priority: "medium", tags: ["backend"] },
  ];
  const tasks = [];
  for (const spec of specs) {
    const task = await api.post("/api/v1/tasks", spec);
    await api.post(`/api/v1/tasks/${task.id}/assign`, { assignee_id: user.id });
    tasks.push(task);
  }
  await api.patch(`/api/v1/tasks/${tasks[1].id}`, { status: "in_progress" });
  await api.patch(`/api/v1/tasks/${tasks[3].id}`, { status: "in_progress" });
  return tasks;
}

for (const viewport of [DESKTOP, MOBILE]) {
  test(`board: create, move, reload, illegal move (${viewport.name})`, { timeout: 90000 }, async () => {
    const { workflow } = await meta();
    const user = await createUser("board", viewport === MOBILE ? "Mo Bile" : "Dee Sktop");
    const api = await Api.login(user.username, user.password);
    const seeded = await seed(api, user);

    await withSessions(browser, [{ viewport, label: "board" }], async ({ page, tracker }) => {
      await signIn(page, user.username, user.password);

      // One column per workflow status, in the server's order.
      const columns = await page.$$eval(tid("column"), (els) => els.map((e) => e.dataset.status));
      assert.deepEqual(columns, workflow.statuses, "the board's columns are the server's workflow statuses");

      // Cards show priority, assignee, due date and tags; the title links to the detail.
      const rich = seeded[0];
      await waitCardIn(page, rich.id, workflow.initial);
      const card = await page.$eval(cardSel(rich.id), (e) => ({
        text: e.innerText,
        labels: [...e.querySelectorAll("[aria-label],[title]"), e]
          .map((x) => `${x.getAttribute("aria-label") || ""} ${x.getAttribute("title") || ""}`)
          .join(" "),
        href: e.querySelector('[data-testid="card-title"]')?.closest("a")?.getAttribute("href") ||
          e.querySelector('[data-testid="card-title"] a')?.getAttribute("href"),
      }));
      const shown = `${card.text} ${card.labels}`.toLowerCase();
      assert.match(shown, /high/, `the card shows its priority: ${card.text}`);
      assert.match(shown, /docs/, `the card shows its tags: ${card.text}`);
      assert.ok(
        shown.includes(user.username.toLowerCase()) || shown.includes(user.full_name.toLowerCase()),
        `the card shows its assignee (${user.username} / ${user.full_name}): ${card.text}`,
      );
      assert.match(shown, /2027|jan|15/, `the card shows its due date (2027-01-15): ${card.text}`);
      assert.equal(card.href, `/tasks/${rich.id}`, "the card title links to the task");

      // The keyboard path: focus a card's select, ArrowDown picks the next status.
      const kb = seeded[2];
      const kbSelect = `${cardSel(kb.id)} ${tid("card-move")}`;
      const options = await page.$$eval(`${kbSelect} option`, (os) => os.map((o) => o.value));
      assert.deepEqual(options, workflow.statuses, "the card's select lists the workflow's statuses");
      const below = options[options.indexOf(workflow.initial) + 1];
      if (workflow.transitions[workflow.initial].includes(below)) {
        const keyed = page.waitForResponse(
          (r) => new URL(r.url()).pathname === `/api/v1/tasks/${kb.id}` && r.request().method() !== "GET",
        );
        await page.focus(kbSelect);
        await page.keyboard.press("ArrowDown");
        assert.equal((await keyed).status(), 200);
        await waitCardIn(page, kb.id, below);
        assert.equal((await api.get(`/api/v1/tasks/${kb.id}`)).status, below);
        // The keyboard user stays on the moved card's menu.
        await page.waitForFunction(
          (id) => {
            const el = document.activeElement;
            return el && el.dataset.testid === "card-move" && el.closest("[data-testid=card]")?.dataset.taskId === String(id);
          },
          { timeout: 2000 },
          kb.id,
        );
      }

      // Drag and drop with the mouse (desktop; touch screens use the select).
      if (viewport === DESKTOP) {
        const target = workflow.transitions[workflow.initial].find((s) => s !== below) || below;
        const dragged = page.waitForResponse(
          (r) => new URL(r.url()).pathname === `/api/v1/tasks/${rich.id}` && r.request().method() !== "GET",
        );
        const from = await (await page.$(cardSel(rich.id))).boundingBox();
        const to = await (await page.$(columnSel(target))).boundingBox();
        await page.mouse.move(from.x + from.width / 2, from.y + 12);
        await page.mouse.down();
        await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
        await page.mouse.up();
        assert.equal((await dragged).status(), 200);
        await waitCardIn(page, rich.id, target);
        assert.equal((await api.get(`/api/v1/tasks/${rich.id}`)).status, target);
      }

      // Create from the board: the card appears in the initial column.
      const title = unique("Board task ");
      const id = await createTaskOnBoard(page, title);
      assert.equal(await cardColumn(page, id), workflow.initial);
      const created = await api.get(`/api/v1/tasks/${id}`);
      assert.equal(created.title, title);
      assert.equal(created.status, workflow.initial);

      // Move with the card's select; the API stored it; a reload shows it there.
      const next = workflow.transitions[workflow.initial].find((s) => s !== "cancelled") || workflow.transitions[workflow.initial][0];
      const moved = await moveCard(page, id, next);
      assert.equal(moved.status(), 200, `PATCH answered ${moved.status()}`);
      await waitCardIn(page, id, next);
      assert.equal((await api.get(`/api/v1/tasks/${id}`)).status, next);
      await reload(page);
      await waitForBoard(page);
      await waitCardIn(page, id, next);

      // To a done status, then an illegal move out of it.
      const done = workflow.done[0];
      if (workflow.transitions[next].includes(done)) {
        const r = await moveCard(page, id, done);
        assert.equal(r.status(), 200);
        await waitCardIn(page, id, done);
      }
      const from = await cardColumn(page, id);
      const illegal = workflow.statuses.find((s) => s !== from && !workflow.transitions[from].includes(s));
      assert.ok(illegal, `the workflow has an illegal move from ${from}`);
      tracker.allow(422, `/api/v1/tasks/${id}`);
      const refused = await moveCard(page, id, illegal);
      assert.equal(refused.status(), 422, `moving ${from} → ${illegal} is refused`);
      const message = (await refused.json()).error.message;
      await page.waitForFunction(
        (sel, m) => [...document.querySelectorAll(sel)].some((e) => e.textContent.includes(m)),
        { timeout: 5000 },
        tid("toast"),
        message,
      );
      // The card is back where it was, its select too; nothing looks saved.
      await waitCardIn(page, id, from, 3000);
      await page.waitForFunction(
        (sel, v) => document.querySelector(sel)?.value === v,
        { timeout: 3000 },
        `${cardSel(id)} ${tid("card-move")}`,
        from,
      );
      assert.equal(await page.$$eval(cardSel(id), (els) => els.length), 1, "one card for the task");
      assert.equal((await api.get(`/api/v1/tasks/${id}`)).status, from);
      assert.ok((await toastTexts(page)).some((t) => t.includes(message)));

      await reload(page);
      await waitForBoard(page);
      await waitCardIn(page, id, from);

      if (viewport === MOBILE) {
        await assertNoHorizontalOverflow(page, "board at 375 px");
        // The narrow board still reaches every column (stacked or scrolled).
        for (const status of workflow.statuses) {
          const el = await page.$(`${tid("column")}[data-status="${status}"]`);
          await el.scrollIntoView();
          assert.ok(await el.isIntersectingViewport(), `column ${status} can be brought into view`);
        }
        // Back to the first column and the top for the screenshot.
        await page.$eval(`${tid("column")}[data-status="${workflow.statuses[0]}"]`, (e) =>
          e.scrollIntoView({ block: "nearest", inline: "start" }),
        );
        await page.evaluate(() => window.scrollTo(0, 0));
      }
      await shoot(page, viewport === MOBILE ? "board-mobile.png" : "board.png");
      tracker.assertClean();
    });
  });
}
