// From a REST change to the card updating in a second browser: a browser
// signed in as the administrator shows the board (all tasks web_bench.sh
// loaded); this script, another client, PATCHes a task's title CHANGES times
// and the page records (MutationObserver) when that card's title shows the
// new text. Latency = that moment minus the moment before the PATCH was sent
// (both wall clocks of this machine). It covers the server's commit, the
// outbox delivery, the WebSocket frame and the app applying the event.
//
//   BENCH_URL=http://127.0.0.1:PORT node bench/web/live_latency.mjs [CHANGES]
import { apiClient, launch, percentile, report, signIn, tid } from "./lib.mjs";

const changes = Number(process.argv[2] || 20);
const api = await apiClient();
const board = await api.get("/api/v1/board?limit=200");
const ids = board.columns.flatMap((c) => c.tasks.map((t) => t.id));
if (ids.length === 0) throw new Error("no tasks on the board");

const browser = await launch();
const now = () => performance.timeOrigin + performance.now();
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  await signIn(page);
  await page.waitForFunction((sel) => /live/i.test(document.querySelector(sel)?.textContent || ""), { timeout: 15000 }, tid("conn-state"));

  const latencies = [];
  const rest = [];
  for (let i = 0; i < changes; i++) {
    const id = ids[(i * 37) % ids.length];
    const title = `Live change ${i} ${Date.now().toString(36)}`;
    const selector = `${tid("card")}[data-task-id="${id}"] ${tid("card-title")}`;
    // Watch before the change is made.
    await page.evaluate(
      (sel, wanted) => {
        window.__benchSeen = null;
        const observer = new MutationObserver(() => {
          if (document.querySelector(sel)?.textContent.trim() === wanted) {
            window.__benchSeen = performance.timeOrigin + performance.now();
            observer.disconnect();
          }
        });
        observer.observe(document.body, { subtree: true, childList: true, characterData: true });
      },
      selector,
      title,
    );
    const sent = now();
    await api.patch(`/api/v1/tasks/${id}`, { title });
    rest.push(now() - sent);
    const seen = await (await page.waitForFunction(() => window.__benchSeen, { polling: 20, timeout: 10000 })).jsonValue();
    latencies.push(seen - sent);
    await new Promise((r) => setTimeout(r, 250));
  }
  const ms = (v) => `${v.toFixed(0)} ms`;
  report(`REST change → card updated in another browser (${changes} changes) p50`, ms(percentile(latencies, 50)));
  report("  p90 / max", `${ms(percentile(latencies, 90))} / ${ms(Math.max(...latencies))}`);
  report("  of which the PATCH round trip (p50)", ms(percentile(rest, 50)));
} finally {
  await browser.close();
}
