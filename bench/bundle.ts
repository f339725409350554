// Size of the committed Action bundle against the issue's 1 MB goal. All of dist/'s JavaScript counts, entry and
// chunks: verify mode loads every chunk, a PR check all but verify's. Source maps are read only under RUNNER_DEBUG.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const DIST = join(process.cwd(), "dist");
const GOAL = 1_000_000;

const files = readdirSync(DIST)
  .filter((name) => name.endsWith(".js"))
  .map((name) => ({ name, bytes: statSync(join(DIST, name)).size }))
  .sort((a, b) => b.bytes - a.bytes);
const total = files.reduce((sum, f) => sum + f.bytes, 0);
const kb = (bytes: number) => `${(bytes / 1000).toLocaleString("en-US", { maximumFractionDigits: 1 })} KB`;

console.log(`bundle: dist/ JavaScript ${kb(total)} in ${files.length} files (${files.map((f) => `${f.name} ${kb(f.bytes)}`).join(", ")})`);
console.log(
  total <= GOAL
    ? `ok: bundle ${kb(total)} <= 1 MB (${(total / GOAL).toFixed(2)}x the goal)`
    : `missed: bundle ${kb(total)} > 1 MB (${(total / GOAL).toFixed(2)}x the goal)`,
);
