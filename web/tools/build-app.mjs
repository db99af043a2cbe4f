// Builds the single-page app into OUT (argv[2] or the exported function's
// argument): OUT/index.html plus a FLAT OUT/assets/ of content-hashed files,
// so the core can serve /assets/* as immutable and index.html as no-cache.
//   JS:  esbuild bundles app/src/main.js (Alpine CSP build, CodeMirror, ...);
//        code reached only through import() goes to separate chunk files.
//   CSS: Tailwind (through its PostCSS plugin) scans app/**/*.{html,js} for
//        the classes in use; esbuild then minifies the result.
//   HTML: app/index.html with every `<!-- include views/NAME.html -->` line
//        replaced by that partial (recursively), and the hashed names filled in.
// Everything comes from node_modules; nothing is fetched.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as esbuild from "esbuild";
import { createRequire } from "node:module";
import tailwindcss from "tailwindcss";

// PostCSS is Tailwind's own dependency (not ours): resolve it from there so a
// different hoisting by npm cannot break the build.
const postcss = createRequire(createRequire(import.meta.url).resolve("tailwindcss"))("postcss");

const webDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const appDir = join(webDir, "app");

const hash = (content) => createHash("sha256").update(content).digest("hex").slice(0, 12);

// `<!-- include views/X.html -->` → file contents; a partial may include others.
// The depth limit turns an include cycle into an error instead of a hang.
export function expandIncludes(html, baseDir, depth = 0, from = "index.html") {
  if (depth > 10) throw new Error("include nesting deeper than 10 (a cycle?)");
  return html.replace(/^[ \t]*<!--\s*include\s+([A-Za-z0-9_./-]+)\s*-->[ \t]*$/gm, (_, rel) => {
    if (rel.includes("..")) throw new Error(`include path may not contain '..': ${rel}`);
    let text;
    try {
      text = readFileSync(join(baseDir, rel), "utf8");
    } catch (error) {
      throw new Error(`${from} includes ${rel}, which cannot be read: ${error.code || error.message}`);
    }
    return expandIncludes(text, baseDir, depth + 1, rel);
  });
}

// With splitting, a dynamic import() (e.g. the CodeMirror rule editor, only
// admins need it) becomes its own chunk, so the board does not download it.
// esbuild names every file by a hash of its content.
async function buildJs(assets) {
  const result = await esbuild.build({
    entryPoints: { app: join(appDir, "src", "main.js") },
    bundle: true,
    splitting: true,
    minify: true,
    format: "esm",
    target: "es2020",
    sourcemap: "linked", // a separate .map plus the comment that points devtools at it
    write: false,
    outdir: assets,
    entryNames: "[name]-[hash]",
    chunkNames: "chunk-[hash]",
    legalComments: "none",
    logLevel: "warning",
  });
  const files = result.outputFiles.map((f) => ({ name: basename(f.path), contents: f.contents }));
  const entry = files.find((f) => /^app-[A-Z0-9]+\.js$/.test(f.name));
  return { files, entry: entry.name };
}

async function buildCss() {
  const configUrl = pathToFileURL(join(webDir, "tailwind.config.js")).href;
  const config = (await import(configUrl)).default;
  // Content globs in the config are relative to web/; make them absolute so
  // the build works from any working directory.
  config.content = config.content.map((glob) => join(webDir, glob));
  const input = join(appDir, "styles", "app.css");
  const processed = await postcss([tailwindcss(config)]).process(readFileSync(input, "utf8"), { from: input });
  const minified = await esbuild.transform(processed.css, { loader: "css", minify: true, target: ["chrome100", "firefox100", "safari15"] });
  return minified.code;
}

export async function buildApp(out) {
  const assets = join(out, "assets");
  // Only our own hashed files are removed, so stale bundles do not pile up.
  mkdirSync(assets, { recursive: true });
  for (const name of readdirSync(assets)) {
    if (/^(app|chunk)-[A-Za-z0-9]+\.(js|css|js\.map)$/.test(name)) rmSync(join(assets, name));
  }

  const [js, css] = await Promise.all([buildJs(assets), buildCss()]);
  for (const f of js.files) writeFileSync(join(assets, f.name), f.contents);
  const jsName = js.entry;
  const cssName = `app-${hash(css)}.css`;
  writeFileSync(join(assets, cssName), css);

  const shell = readFileSync(join(appDir, "index.html"), "utf8");
  const html = expandIncludes(shell, appDir)
    .replaceAll("{{APP_JS}}", `/assets/${jsName}`)
    .replaceAll("{{APP_CSS}}", `/assets/${cssName}`);
  writeFileSync(join(out, "index.html"), html);
  return { js: jsName, css: cssName };
}

// Run directly: node tools/build-app.mjs OUT
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out) {
    console.error("usage: node tools/build-app.mjs OUT_DIR");
    process.exit(2);
  }
  const names = await buildApp(out);
  console.log(`app in ${out}: ${names.js}, ${names.css}`);
}
