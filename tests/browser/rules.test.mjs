// Acceptance 1 (rules): an administrator writes a Lua rule in the editor, sees
// a compile error with its line, dry-runs the rule against a task and sees its
// actions and logs, enables and saves it, and the rule's effect (a tag and
// urgent priority on "[ops]" tasks) appears on the board live; the run log
// lists the run. Screenshot rule-editor.png.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import {
  Api,
  cardSel,
  click,
  clickNav,
  createTaskOnBoard,
  env,
  fill,
  gotoApp,
  launch,
  withSessions,
  shoot,
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

const ruleSource = (name) => `-- Ops tasks are urgent and tagged, so the on-call person sees them first.
return {
  name = "${name}",
  on = "task.created",
  when = function(event)
    return string.find(event.data.task.title, "[ops]", 1, true) ~= nil
  end,
  run = function(event, api)
    api.log("tagging task " .. event.data.task.id)
    api.tasks.update(event.data.task.id, {
      priority = "urgent",
      tags = { "ruled-by-lua" },
    })
  end,
}
`;

const broken = (name) => `return {
  name = "${name}",
  on = "task.created",
  run = function(event, api)
    api.log("missing end"
  end,
}
`;

const textOf = (page, sel) => page.$$eval(sel, (els) => els.map((e) => e.textContent).join("\n"));

test("an admin writes, dry-runs, enables and saves a rule; its effect shows on the board", { timeout: 120000 }, async () => {
  const admin = await Api.admin();
  const name = unique("ops-urgent-");
  const target = await admin.post("/api/v1/tasks", { title: "[ops] the disk is full on db-2" });
  let ruleId = null;
  try {
    await withSessions(browser, [{ label: "rule editor" }], async ({ page, tracker }) => {
      await signIn(page, env.admin.username, env.admin.password);
      await page.waitForSelector(tid("nav-admin"));

      await gotoApp(page, "/admin/rules");
      await page.waitForSelector(tid("rule-list"), { visible: true });
      await click(page, tid("rule-new"));
      await page.waitForSelector(`${tid("rule-editor")}`, { visible: true });
      await page.waitForFunction(() => typeof window.tasklaneRuleEditor?.set === "function");
      await page.waitForSelector(`${tid("rule-editor")} .cm-editor`, { visible: true });
      await fill(page, "#rule-name", name);

      // A compile error is refused with the Lua line, and nothing is saved.
      tracker.allow(422, "/api/v1/rules");
      await page.evaluate((src) => window.tasklaneRuleEditor.set(src), broken(name));
      const refused = page.waitForResponse((r) => new URL(r.url()).pathname.startsWith("/api/v1/rules") && r.request().method() !== "GET");
      await click(page, tid("rule-save"));
      const refusal = await refused;
      assert.equal(refusal.status(), 422);
      const error = (await refusal.json()).error;
      const expected = error.details.find((d) => d.field === "source")?.message || error.message;
      await page.waitForFunction(
        (sels, m) => [...document.querySelectorAll(sels)].some((e) => e.textContent.includes(m)),
        { timeout: 5000 },
        [tid("field-error-source"), tid("form-error"), tid("toast")].join(","),
        expected,
      );
      assert.match(expected, /:\d+:/, `the message names the line: ${expected}`);
      const list = await admin.get("/api/v1/rules");
      assert.ok(!(Array.isArray(list) ? list : list.items).some((r) => r.name === name), "the broken rule was not stored");

      // A fresh editor for the real rule (the screenshot shows no old error).
      await gotoApp(page, "/admin/rules/new");
      await page.waitForFunction(() => typeof window.tasklaneRuleEditor?.set === "function");
      await page.waitForSelector(`${tid("rule-editor")} .cm-editor`, { visible: true });
      await fill(page, "#rule-name", name);

      // The real rule; the editor holds exactly what was set.
      const source = ruleSource(name);
      await page.evaluate((src) => window.tasklaneRuleEditor.set(src), source);
      assert.equal(await page.evaluate(() => window.tasklaneRuleEditor.get()), source);
      await page.waitForFunction((sel) => document.querySelector(sel)?.textContent.includes("tagging task"), {}, `${tid("rule-editor")} .cm-content`);

      // Dry run against the task: matched, the update action, the log line.
      const dryTask = await page.$eval("#dryrun-task", (e) => e.tagName);
      if (dryTask === "SELECT") await page.select("#dryrun-task", String(target.id));
      else await fill(page, "#dryrun-task", target.id);
      const eventValue = await page.$eval("#dryrun-event", (e) =>
        [...e.options].map((o) => o.value).find((v) => /created/.test(v)),
      );
      assert.ok(eventValue, "the event select offers task.created");
      await page.select("#dryrun-event", eventValue);
      const dry = page.waitForResponse((r) => /^\/api\/v1\/rules(\/\d+)?\/test$/.test(new URL(r.url()).pathname));
      await click(page, tid("dryrun-run"));
      assert.equal((await dry).status(), 200);
      await page.waitForFunction((sel) => document.querySelector(sel)?.textContent.includes("tasks.update"), {}, tid("dryrun-result"));
      const result = await textOf(page, tid("dryrun-result"));
      assert.match(result, /ruled-by-lua/, "the actions are shown");
      assert.match(result, /urgent/);
      assert.match(result, new RegExp(`tagging task ${target.id}`), "the logs are shown");
      assert.match(result, /matched/i);
      assert.match(result, /true|yes|✓/i, "matched is shown as true");
      assert.match(result, /duration|µs|\bms\b/i, "the duration is shown");
      assert.deepEqual((await admin.get(`/api/v1/tasks/${target.id}`)).tags, [], "a dry run changes nothing");
      await shoot(page, "rule-editor.png");

      // Enable and save.
      if (!(await page.$eval("#rule-enabled", (e) => e.checked))) await click(page, "#rule-enabled");
      const save = page.waitForResponse(
        (r) => new URL(r.url()).pathname.startsWith("/api/v1/rules") && ["POST", "PUT", "PATCH"].includes(r.request().method()) &&
          !new URL(r.url()).pathname.endsWith("/test"),
      );
      await click(page, tid("rule-save"));
      const saved = await save;
      assert.ok([200, 201].includes(saved.status()), `save answered ${saved.status()}`);
      const rule = await saved.json();
      ruleId = rule.id;
      const stored = await admin.get(`/api/v1/rules/${ruleId}`);
      assert.equal(stored.enabled, true);
      assert.equal(stored.source, source);
      assert.equal(stored.name, name);

      // The rule at work: a new "[ops]" task on the board gets its tag, live.
      await clickNav(page, "nav-board");
      await waitForBoard(page);
      const title = unique("[ops] restart the queue ");
      const id = await createTaskOnBoard(page, title);
      await page.waitForFunction(
        (sel) => document.querySelector(sel)?.textContent.includes("ruled-by-lua"),
        { timeout: 10000 },
        cardSel(id),
      );
      const task = await admin.get(`/api/v1/tasks/${id}`);
      assert.equal(task.priority, "urgent");
      assert.deepEqual(task.tags, ["ruled-by-lua"]);

      // The run log of the rule shows the run.
      await gotoApp(page, `/admin/rules/${ruleId}`);
      await page.waitForFunction(() => typeof window.tasklaneRuleEditor?.get === "function");
      await page.waitForFunction((sel) => document.querySelectorAll(sel).length >= 1, { timeout: 10000 }, tid("rule-run"));
      assert.match(await textOf(page, tid("rule-run")), /ok/i);
      assert.equal(await page.evaluate(() => window.tasklaneRuleEditor.get()), source, "the editor opens the stored rule");
      tracker.assertClean();
    });
  } finally {
    if (ruleId) await admin.del(`/api/v1/rules/${ruleId}`).catch(() => {});
  }
});
