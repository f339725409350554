// Cold start to verdict of the built Action on a 3,000-file hotfix PR against a loopback GitHub API, with no latency
// and with 100 ms added to every call, each beside the same run without `changed_files` in the payload (the pages
// then follow one another through `Link` headers, as before they were read concurrently).
// Run from the repository root (`npm run bench:check`).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FILE_PAGES_IN_FLIGHT } from "../src/action/github.js";
import { issueMarker } from "../src/core/render.js";
import { startPrApi, type PrApi } from "../test/action/pr-api-server.js";

const DIST = join(process.cwd(), "dist/index.js");
const FILES = 3000;
const RUNS = 5;
const LATENCY_MS = 100;
const COLD_START_GOAL_MS = 300;
const FLOOR_RATIO_GOAL = 1.5;

if (!existsSync(DIST)) {
  console.error(`${DIST} is missing: run \`npm run build\` first`);
  process.exit(2);
}

const event = JSON.parse(readFileSync(join(process.cwd(), "test/fixtures/github/pull_request.opened.hotfix-branch.json"), "utf8")) as {
  pull_request: { changed_files?: number };
};
const files = Array.from({ length: FILES }, (_, i) => ({
  filename: `src/module-${Math.floor(i / 100)}/file-${i}.ts`,
  status: "modified",
  additions: 3,
  deletions: 1,
  changes: 4,
  patch: `@@ -10,4 +10,6 @@\n ctx\n-old\n+new\n+new\n ctx`,
}));

interface Run {
  /** Spawn to exit. */
  exitMs: number;
  /** Spawn to the check run's answer: the verdict is on the PR. */
  verdictMs: number;
  /** First API call's arrival to the check run's answer. */
  apiMs: number;
  calls: PrApi["calls"];
  maxInFlight: number;
}

async function runOnce(latencyMs: number, changedFiles: boolean): Promise<Run> {
  const api = await startPrApi({
    owner: "Codertocat",
    repo: "Hello-World",
    pullNumber: 2,
    files,
    latencyMs,
    issues: {
      1: {
        state: "OPEN",
        body: issueMarker({ v: 1, signature: "0123456789abcdef", provider: "sentry", frames: ["src/module-0/file-0.ts"], versions: ["1.4.2"] }),
      },
    },
  });
  const payload = structuredClone(event);
  if (changedFiles) payload.pull_request.changed_files = FILES;
  else delete payload.pull_request.changed_files;
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
  const start = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [DIST], { env, stdio: "ignore" });
    child.on("error", reject);
    child.on("close", () => resolve());
  });
  const exitMs = Date.now() - start;
  await api.close();
  rmSync(dir, { recursive: true, force: true });
  const checkRun = api.calls.find((c) => c.method === "POST" && c.path.endsWith("/check-runs"));
  if (!checkRun) throw new Error("the Action created no check run");
  const answered = checkRun.at + latencyMs;
  return { exitMs, verdictMs: answered - start, apiMs: answered - (api.calls[0]?.at ?? start), calls: api.calls, maxInFlight: api.maxInFlight };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** Runs the variants in turn, so that a busy moment of the machine falls on both. */
async function sideBySide(latencyMs: number): Promise<{ concurrent: Run[]; sequential: Run[] }> {
  const concurrent: Run[] = [];
  const sequential: Run[] = [];
  for (let run = 0; run < RUNS; run++) {
    concurrent.push(await runOnce(latencyMs, true));
    sequential.push(await runOnce(latencyMs, false));
  }
  return { concurrent, sequential };
}

const cold = await sideBySide(0);
const slow = await sideBySide(LATENCY_MS);

const calls = cold.concurrent[0]?.calls ?? [];
const firstWrite = calls.findIndex((c) => c.method !== "GET" && c.path !== "/graphql");
const pageRounds = Math.ceil(FILES / 100 / FILE_PAGES_IN_FLIGHT);
// The GraphQL read (config and linked issues) decides whether the PR is a hotfix, then the pages, then the check run.
const floorTrips = 1 + pageRounds + 1;
const floorMs = floorTrips * LATENCY_MS;
const verdict = median(slow.concurrent.map((r) => r.verdictMs));
const coldMs = median(cold.concurrent.map((r) => r.exitMs));
const ratio = verdict / floorMs;
const met = (ok: boolean) => (ok ? "goal met" : "goal MISSED");

console.log(
  `check: ${FILES}-file hotfix PR, node dist/index.js, median of ${RUNS} runs; pages ${FILE_PAGES_IN_FLIGHT} at a time vs one after another`,
);
console.log(
  `  no latency     cold start to verdict ${coldMs} ms (pages one after another: ${median(cold.sequential.map((r) => r.exitMs))} ms); ` +
    `goal <= ${COLD_START_GOAL_MS} ms: ${met(coldMs <= COLD_START_GOAL_MS)}`,
);
console.log(
  `  ${LATENCY_MS} ms a call   spawn to check run ${verdict} ms (pages one after another: ${median(slow.sequential.map((r) => r.verdictMs))} ms), ` +
    `of which first API call to check run ${median(slow.concurrent.map((r) => r.apiMs))} ms`,
);
console.log(
  `                 floor ${floorMs} ms = ${floorTrips} round trips (GraphQL read, ${pageRounds} rounds of ${FILE_PAGES_IN_FLIGHT} pages, check run) x ${LATENCY_MS} ms; ` +
    `${ratio.toFixed(2)}x the floor, goal <= ${FLOOR_RATIO_GOAL}x: ${met(ratio <= FLOOR_RATIO_GOAL)}`,
);
console.log(
  `  API calls      ${firstWrite} reads to the verdict, ${calls.length} in all, at most ${Math.max(...slow.concurrent.map((r) => r.maxInFlight))} at once (${calls
    .map((c) => `${c.method} ${c.path.replace(/\/(?:repos\/[^/]+\/[^/]+|repositories\/\d+)/, "")}`)
    .filter((v, i, a) => a.indexOf(v) === i)
    .join(", ")})`,
);
