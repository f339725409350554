// Cold start to verdict of the built Action on a 3,000-file hotfix PR against a loopback GitHub API:
// wall time of `node dist/index.js` and the API calls it made (the decision must take at most 31 reads).
// Run from the repository root (`npm run bench:check`).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { issueMarker } from "../src/core/render.js";
import { startPrApi } from "../test/action/pr-api-server.js";

const DIST = join(process.cwd(), "dist/index.js");
const FILES = 3000;
const RUNS = 5;

if (!existsSync(DIST)) {
  console.error(`${DIST} is missing: run \`npm run build\` first`);
  process.exit(2);
}

const payload = JSON.parse(readFileSync(join(process.cwd(), "test/fixtures/github/pull_request.opened.hotfix-branch.json"), "utf8")) as {
  pull_request: { changed_files: number };
};
payload.pull_request.changed_files = FILES;
const files = Array.from({ length: FILES }, (_, i) => ({
  filename: `src/module-${Math.floor(i / 100)}/file-${i}.ts`,
  status: "modified",
  additions: 3,
  deletions: 1,
  changes: 4,
  patch: `@@ -10,4 +10,6 @@\n ctx\n-old\n+new\n+new\n ctx`,
}));

const times: number[] = [];
let calls: { method: string; path: string }[] = [];
for (let run = 0; run < RUNS; run++) {
  const api = await startPrApi({
    owner: "Codertocat",
    repo: "Hello-World",
    pullNumber: 2,
    files,
    issues: {
      1: {
        state: "OPEN",
        body: issueMarker({ v: 1, signature: "0123456789abcdef", provider: "sentry", frames: ["src/module-0/file-0.ts"], versions: ["1.4.2"] }),
      },
    },
  });
  const dir = mkdtempSync(join(tmpdir(), "hotfix-bench-"));
  writeFileSync(join(dir, "event.json"), JSON.stringify(payload));
  writeFileSync(join(dir, "output"), "");
  writeFileSync(join(dir, "summary.md"), "");
  const env = {
    PATH: process.env.PATH ?? "",
    GITHUB_EVENT_NAME: "pull_request",
    GITHUB_EVENT_PATH: join(dir, "event.json"),
    GITHUB_OUTPUT: join(dir, "output"),
    GITHUB_STEP_SUMMARY: join(dir, "summary.md"),
    GITHUB_REPOSITORY: "Codertocat/Hello-World",
    GITHUB_API_URL: api.url,
    GITHUB_WORKSPACE: dir,
    "INPUT_GITHUB-TOKEN": "ghs_bench",
    INPUT_MODE: "check",
    INPUT_COMMENT: "true",
  };
  const start = process.hrtime.bigint();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [DIST], { env, stdio: "ignore" });
    child.on("error", reject);
    child.on("close", () => resolve());
  });
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
  calls = api.calls;
  await api.close();
  rmSync(dir, { recursive: true, force: true });
}

const firstWrite = calls.findIndex((c) => c.method !== "GET" && c.path !== "/graphql");
const sorted = [...times].sort((a, b) => a - b);
console.log(`check: ${FILES}-file hotfix PR, node dist/index.js cold start to verdict, ${RUNS} runs`);
console.log(
  `  wall time   median ${sorted[Math.floor(RUNS / 2)]?.toFixed(0)} ms, min ${sorted[0]?.toFixed(0)} ms, max ${sorted.at(-1)?.toFixed(0)} ms`,
);
console.log(
  `  API calls   ${firstWrite} reads to the verdict, ${calls.length} in all (${calls
    .map((c) => `${c.method} ${c.path.replace(/\/(?:repos\/[^/]+\/[^/]+|repositories\/\d+)/, "")}`)
    .filter((v, i, a) => a.indexOf(v) === i)
    .join(", ")})`,
);
