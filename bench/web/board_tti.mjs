// Time to interactive of the board in headless Chromium, for the tasks the
// server holds (web_bench.sh loads 500): from navigation start (the page's
// performance.timeOrigin) until every card the board shows is in the DOM (a
// requestAnimationFrame poll, so the frame it was painted in) and then the
// main thread runs a queued task (setTimeout 0: the page can handle input).
// Afterwards a key typed into the new-task field must land, as a check that
// the board really responds. Median of RUNS reloads of a signed-in tab, with
// the browser cache (assets are immutable, so a returning user) and without
// it (a first visit's downloads; the server is on the loopback, so no network
// latency is included).
//
//   BENCH_URL=http://127.0.0.1:PORT node bench/web/board_tti.mjs [RUNS]
import { apiClient, launch, median, report, signIn, tid } from "./lib.mjs";

const runs = Number(process.argv[2] || 5);
const api = await apiClient();
const board = await api.get("/api/v1/board?limit=200");
const expected = board.columns.reduce((n, c) => n + c.tasks.length, 0);
const total = board.columns.reduce((n, c) => n + c.total, 0);

const browser = await launch();
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  await signIn(page);
  const cdp = await page.createCDPSession();

  async function once() {
    await page.goto(`${page.url().split("/").slice(0, 3).join("/")}/`, { waitUntil: "domcontentloaded" });
    let cards;
    try {
      cards = await (
        await page.waitForFunction(
          (sel, n) => (document.querySelectorAll(sel).length >= n ? performance.now() : false),
          { polling: "raf", timeout: 60000 },
          tid("card"),
          expected,
        )
      ).jsonValue();
    } catch (e) {
      const shown = await page.$$eval(tid("card"), (els) => els.length);
      throw new Error(`the board showed ${shown} of ${expected} cards: ${e.message}`);
    }
    const idle = await page.evaluate(() => new Promise((r) => setTimeout(() => r(performance.now()), 0)));
    const timing = await page.evaluate(() => {
      const nav = performance.getEntriesByType("navigation")[0];
      const boardFetch = performance.getEntriesByType("resource").find((e) => e.name.includes("/api/v1/board"));
      return { dcl: nav.domContentLoadedEventEnd, boardJson: boardFetch ? boardFetch.responseEnd : NaN };
    });
    // The board takes input: a key typed into the new-task field lands.
    await page.type(tid("new-task-title"), "x");
    const typed = await page.$eval(tid("new-task-title"), (e) => e.value);
    if (typed !== "x") throw new Error(`the new-task field holds ${JSON.stringify(typed)} after typing "x"`);
    await page.$eval(tid("new-task-title"), (e) => {
      e.value = "";
      e.dispatchEvent(new Event("input"));
    });
    // Live objects only: collect the garbage of earlier loads first.
    await cdp.send("HeapProfiler.collectGarbage");
    const { JSHeapUsedSize } = await page.metrics();
    return { ...timing, cards, idle, heap: JSHeapUsedSize };
  }

  for (const [label, cache] of [
    ["cached assets", true],
    ["empty cache", false],
  ]) {
    await page.setCacheEnabled(cache);
    await once(); // warm-up (JIT, SQLite page cache)
    const samples = [];
    for (let i = 0; i < runs; i++) samples.push(await once());
    const m = (k) => median(samples.map((s) => s[k]));
    const spread = `${Math.min(...samples.map((s) => s.idle)).toFixed(0)}–${Math.max(...samples.map((s) => s.idle)).toFixed(0)}`;
    report(`board TTI, ${expected} cards, ${label} (median of ${runs}; range)`, `${m("idle").toFixed(0)} ms (${spread} ms)`);
    report(`  DOMContentLoaded / board JSON received / cards rendered`, `${m("dcl").toFixed(0)} / ${m("boardJson").toFixed(0)} / ${m("cards").toFixed(0)} ms`);
    if (cache) report("  JS heap in use after load (after a GC)", `${(m("heap") / 1048576).toFixed(1)} MiB`);
  }
  if (expected !== total) report("  (tasks on the server / shown on the board)", `${total} / ${expected}`);
} finally {
  await browser.close();
}
