// Builds what the core serves into OUT_DIR (argv[2]): the API docs viewer at
// /docs (Swagger UI from the swagger-ui-dist package, opened on /openapi.json)
// and the web app (index.html + hashed assets/, see build-app.mjs).
// Runs at build time after `npm ci`; the server never fetches anything.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { buildApp } from "./build-app.mjs";

const out = process.argv[2];
if (!out) {
  console.error("usage: node tools/build.mjs OUT_DIR");
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const swaggerUi = dirname(require.resolve("swagger-ui-dist/package.json"));

const docs = join(out, "docs");
mkdirSync(docs, { recursive: true });
for (const file of ["swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "favicon-32x32.png"]) {
  copyFileSync(join(swaggerUi, file), join(docs, file));
}
for (const file of ["index.html", "swagger-initializer.js"]) {
  copyFileSync(join(here, "..", "docs", file), join(docs, file));
}
const app = await buildApp(out);
console.log(`web assets in ${out} (app: ${app.js}, ${app.css})`);
