// Bundles each view (src/<name>.ts + src/style.css) into one self-contained
// HTML file under dist/, and the test host (host/host.ts) into
// render/host.js. Run by `go generate ./views`; CI checks that the committed
// files equal a fresh build.
import * as esbuild from "esbuild";
import { readFile, writeFile, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const views = ["person", "company"];
const limit = 750 * 1024;

// zod ships every message locale and re-exports them from its entry point;
// the views only ever need English, so the locale index is replaced by
// English alone (about 260 KB less per view).
const englishOnly = {
  name: "zod-english-only",
  setup(build) {
    build.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${"node_modules"}/zod/`)
        ? { path: join(dirname(args.importer), "../locales/en.js"), namespace: "zod-en" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "zod-en" }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: here,
    }));
  },
};

async function bundle(entry) {
  const out = await esbuild.build({
    entryPoints: [join(here, entry)],
    bundle: true,
    minify: true,
    format: "iife",
    platform: "browser",
    target: "es2020",
    legalComments: "none",
    write: false,
    plugins: [englishOnly],
    logLevel: "warning",
  });
  return out.outputFiles[0].text;
}

// inlineSafe keeps a script or style from closing its element early.
const inlineSafe = (s) => s.replace(/<\/(script|style)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");

await mkdir(join(here, "dist"), { recursive: true });
const css = await readFile(join(here, "src", "style.css"), "utf8");
for (const name of views) {
  const js = await bundle(join("src", `${name}.ts`));
  const title = name === "person" ? "Person" : "Company";
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Klipy ${title}</title>
<style>${inlineSafe(css)}</style>
</head>
<body>
<main id="root" aria-live="polite"></main>
<script>${inlineSafe(js)}</script>
</body>
</html>
`;
  if (html.length > limit) {
    throw new Error(`${name}.html is ${html.length} bytes, over the ${limit}-byte budget`);
  }
  await writeFile(join(here, "dist", `${name}.html`), html);
  console.log(`dist/${name}.html ${html.length} bytes`);
}
const host = await bundle(join("host", "host.ts"));
await writeFile(join(here, "render", "host.js"), host);
console.log(`render/host.js ${host.length} bytes`);
