// Builds the committed Action bundle (dist/: the entry index.js, its chunks and source maps) and the App/CLI (lib/, not committed).
// `--lib` builds lib/ only: it runs on `npm ci` (prepare) so `npm start` works on a fresh clone.
import { chmodSync, existsSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { build } from "esbuild";
import { BUNDLE_SWAPS, bundleSwaps, swapsNotApplied } from "./src/action/bundle-swaps.mjs";

const libOnly = process.argv.includes("--lib");

const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: false,
  logLevel: "warning",
  legalComments: "none",
};

const libEntries = Object.fromEntries(
  Object.entries({
    cli: "src/cli.ts",
    "app/main": "src/app/main.ts",
    bench: "bench/index.ts",
    "bench-storm": "bench/storm.ts",
    "bench-ack": "bench/ack.ts",
    "bench-check": "bench/check.ts",
    "bench-verify": "bench/verify-simulation.ts",
    "bench-bundle": "bench/bundle.ts",
    "bench-all": "bench/all.ts",
    docs: "src/docs/main.ts",
  }).filter(([, file]) => existsSync(file)),
);

await build({
  ...common,
  entryPoints: libEntries,
  outdir: "lib",
  // The App and CLI run from an installed package: their dependencies stay in node_modules.
  packages: "external",
  banner: { js: "#!/usr/bin/env node" },
});
// package.json's bin: run as a command (npx hotfix-loop), it must be executable however esbuild wrote it.
chmodSync("lib/cli.js", 0o755);

// The modules the bundle puts in place of what third-party packages import (undici, Bottleneck), and why: one list,
// src/action/bundle-swaps.mjs, which test/action/octokit-internals.test.ts holds against the installed packages.
const applied = new Set();
const swaps = bundleSwaps({ root: resolve("."), onSwap: (specifier, importer) => applied.add(`${specifier} ${importer}`) });

if (!libOnly) {
  // Chunk names carry a content hash: a chunk left from an earlier build would be committed as stale weight.
  rmSync("dist", { recursive: true, force: true });
  await build({
    ...common,
    entryPoints: { index: "src/action/index.ts" },
    outdir: "dist",
    // Minified with a source map to stay under 1 MB with readable stack traces (src/action/index.ts turns maps on).
    // The map keeps mappings, not the sources: a trace needs only file and line.
    minify: true,
    sourcemap: "linked",
    sourcesContent: false,
    // Chunks loaded by import() on demand: a PR check never loads verify mode's code.
    splitting: true,
    plugins: [swaps],
    // CommonJS dependencies inside an ES module bundle still call require() for Node built-ins.
    banner: { js: "import { createRequire as __hotfixCreateRequire } from 'node:module';\nconst require = __hotfixCreateRequire(import.meta.url);" },
  });
  // A swap an upgraded package no longer meets would leave the real module in the bundle, silently slower.
  const missed = swapsNotApplied(BUNDLE_SWAPS, applied);
  if (missed.length > 0) throw new Error(`build.mjs: ${missed.join("; ")}`);
}
