// Size of the committed Action bundle against the issue's 1 MB goal. All of dist/'s JavaScript counts, entry and
// chunks, including those a run loads only on demand (verify mode; undici behind a proxy). Source maps are read only
// under RUNNER_DEBUG.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { figure, summary } from "./figures.js";

const DIST = join(process.cwd(), "dist");
const GOAL_KB = 1_000;

const files = readdirSync(DIST)
  .filter((name) => name.endsWith(".js"))
  .map((name) => ({ name, kb: statSync(join(DIST, name)).size / 1000 }))
  .sort((a, b) => b.kb - a.kb);
const total = files.reduce((sum, f) => sum + f.kb, 0);

console.log("bundle: the committed Action (dist/)");
figure({
  name: `dist/ JavaScript in ${files.length} files`,
  value: Math.round(total * 10) / 10,
  unit: "KB",
  goal: { text: `<= ${GOAL_KB.toLocaleString("en-US")} KB`, met: total <= GOAL_KB },
  note: files.map((f) => `${f.name} ${f.kb.toFixed(1)} KB`).join(", "),
});
summary("bundle");
