// Bundle size of the web app: every script and stylesheet index.html loads
// from /assets (source maps are not downloaded by browsers), raw and gzipped
// (zlib level 9, what `gzip -9` and nginx's gzip_static files give; on-the-fly
// nginx gzip at its default level 1 is a little larger), plus index.html.
//
//   node bench/web/bundle_size.mjs WEB_DIR
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

import { report } from "./lib.mjs";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node bench/web/bundle_size.mjs WEB_DIR");
  process.exit(2);
}
const index = readFileSync(join(dir, "index.html"));
const assets = [...index.toString().matchAll(/(?:src|href)="\/assets\/([^"]+)"/g)].map((m) => m[1]);
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const size = (buf) => ({ raw: buf.length, gz: gzipSync(buf, { level: 9 }).length });

const totals = { js: { raw: 0, gz: 0 }, css: { raw: 0, gz: 0 } };
for (const name of assets) {
  const kind = name.endsWith(".js") ? "js" : name.endsWith(".css") ? "css" : null;
  if (!kind) continue;
  const s = size(readFileSync(join(dir, "assets", name)));
  totals[kind].raw += s.raw;
  totals[kind].gz += s.gz;
}
const html = size(index);
report("JS (gzipped / raw)", `${kib(totals.js.gz)} / ${kib(totals.js.raw)}`);
report("CSS (gzipped / raw)", `${kib(totals.css.gz)} / ${kib(totals.css.raw)}`);
report("index.html (gzipped / raw)", `${kib(html.gz)} / ${kib(html.raw)}`);
report("first load total (gzipped)", kib(totals.js.gz + totals.css.gz + html.gz));
// Chunks loaded later (dynamic import), if the build splits the bundle.
const lazy = readdirSync(join(dir, "assets")).filter((n) => /\.(js|css)$/.test(n) && !assets.includes(n));
if (lazy.length) {
  const gz = lazy.reduce((sum, n) => sum + size(readFileSync(join(dir, "assets", n))).gz, 0);
  report(`lazy chunks (${lazy.length}, gzipped)`, kib(gz));
}
