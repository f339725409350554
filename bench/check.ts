// The Action's verdict on a 3,000-file hotfix PR (issue 12, items 1 and 3): the built Action (`node dist/index.js`) and
// its peer danger-js, each spawned cold against the same loopback GitHub stand-in, with no latency and with 100 ms added
// to every call; runs of the two, of an empty Node process and of the Action without `changed_files` take turns, so a
// busy moment of the machine falls on all of them. Both under Node 24, the runtime GitHub's runners give the Action
// (action.yml: `using: node24`; installed at bench time), and under this machine's Node; the goals are judged on Node 24.
// Run from the repository root after `npm run build`.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FILE_PAGES_IN_FLIGHT } from "../src/action/first-reads.js";
import { DEFAULT_CONFIG } from "../src/core/config.js";
import { issueMarker } from "../src/core/render.js";
import type { StandinCall } from "../src/demo/github-standin.js";
import { startPullRequestStandin } from "../test/action/pull-request-standin.js";
import { figure, median, summary } from "./figures.js";

const DIST = join(process.cwd(), "dist/index.js");
const FILES = 3000;
const RUNS = 5;
const LATENCY_MS = 100;
const COLD_START_GOAL_MS = 300;
const FLOOR_RATIO_GOAL = 1.5;
/** The verdict needs two round trips: one round of reads sent together (the GraphQL read of config and linked issues, the 30 file pages), then the check run. */
const FLOOR_TRIPS = 2;
/** Pinned so that the peer is the same program on every run; installed at bench time, never a dependency of the project. */
const DANGER_VERSION = "14.0.7";
const CACHE = join(process.cwd(), "node_modules/.cache/hotfix-bench");
const DANGER_BIN = join(CACHE, "danger/node_modules/danger/distribution/commands/danger.js");
/** The Node binary npm publishes for this platform, of the major version action.yml names. */
const NODE24_PACKAGE = `node-${process.platform}-${process.arch}`;
const NODE24_BIN = join(CACHE, "node24/node_modules", NODE24_PACKAGE, "bin/node");
const DANGERFILE = join(process.cwd(), "bench/dangerfile.js");

if (!existsSync(DIST)) {
  console.error(`${DIST} is missing: run \`npm run build\` first`);
  process.exit(2);
}

const event = JSON.parse(readFileSync(join(process.cwd(), "test/fixtures/github/pull_request.opened.hotfix-branch.json"), "utf8")) as {
  pull_request: Record<string, unknown> & { changed_files?: number };
};
const files = Array.from({ length: FILES }, (_, i) => ({
  filename: `src/module-${Math.floor(i / 100)}/file-${i}.ts`,
  status: "modified",
  additions: 3,
  deletions: 1,
  changes: 4,
  patch: `@@ -10,4 +10,6 @@\n ctx\n-old\n+new\n+new\n ctx`,
}));
// The PR as the REST API shows it: danger-js reads it from there, the Action from the event.
const pullRequest = { ...event.pull_request, changed_files: FILES, additions: 3 * FILES, deletions: FILES };
const rules = DEFAULT_CONFIG.rules;
const hotfixRules = JSON.stringify({
  ignore: rules.ignore,
  manifests: rules.dependencies.manifests,
  tests: rules.regressionTest.paths,
  maxFiles: rules.maxFiles.limit,
  maxLines: rules.maxLines.limit,
});

/** A package from the npm registry into a cache outside the project's files, for its file `bin`; the reason when it cannot be had. */
function install(spec: string, bin: string): string | null {
  if (existsSync(bin)) return null;
  const prefix = bin.slice(0, bin.lastIndexOf("/node_modules/"));
  mkdirSync(prefix, { recursive: true });
  try {
    const args = ["install", "--prefix", prefix, "--no-save", "--no-audit", "--no-fund", "--loglevel=error", spec];
    execFileSync("npm", args, { stdio: ["ignore", "ignore", "pipe"], timeout: 180_000 });
    return existsSync(bin) ? null : `npm installed ${spec} but ${bin} is not there`;
  } catch (error) {
    const stderr = error && typeof error === "object" && "stderr" in error ? String(error.stderr).trim().split("\n").slice(-3).join(" ") : "";
    return `npm install ${spec} failed: ${stderr || String(error)}`;
  }
}

type Program = "action" | "action-link-pages" | "action-not-hotfix" | "danger" | "node";

interface Run {
  /** Spawn to exit. */
  exitMs: number;
  /** Spawn to the answer to the first write carrying the verdict (the check run; danger's comment or status); NaN for an empty process. */
  verdictMs: number;
  calls: StandinCall[];
  maxInFlight: number;
  /** What the program concluded: the check run's conclusion, danger's status. */
  conclusion: string;
  /** How many rules it failed the PR for, to hold the two to the same verdict. */
  fails: number;
}

const isVerdictWrite = (c: StandinCall) => c.method !== "GET" && c.path !== "/graphql";

async function runOnce(program: Program, latencyMs: number, node: string): Promise<Run> {
  const api = await startPullRequestStandin({
    owner: "Codertocat",
    repo: "Hello-World",
    pullNumber: 2,
    files,
    latencyMs,
    pullRequest,
    contracts: false,
    issues: {
      1: {
        state: "OPEN",
        body: issueMarker({ v: 1, signature: "0123456789abcdef", provider: "sentry", frames: ["src/module-0/file-0.ts"], versions: ["1.4.2"] }),
      },
    },
  });
  const payload = structuredClone(event);
  if (program === "action-link-pages") delete payload.pull_request.changed_files;
  // Most PRs of a repository: no hotfix branch, label or link, pushed to again (so the sticky comment is looked up).
  else if (program === "action-not-hotfix")
    Object.assign(payload, {
      action: "synchronize",
      pull_request: { ...pullRequest, head: { ...(event.pull_request.head as object), ref: "feature/checkout-totals" }, body: "Refactors the cart." },
    });
  else payload.pull_request = pullRequest;
  const dir = mkdtempSync(join(tmpdir(), "hotfix-bench-"));
  writeFileSync(join(dir, "event.json"), JSON.stringify(payload));
  writeFileSync(join(dir, "output"), "");
  writeFileSync(join(dir, "summary.md"), "");
  const runner = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? dir,
    GITHUB_ACTIONS: "true",
    GITHUB_WORKFLOW: "hotfix",
    GITHUB_EVENT_NAME: "pull_request",
    GITHUB_EVENT_PATH: join(dir, "event.json"),
    GITHUB_REPOSITORY: "Codertocat/Hello-World",
    GITHUB_WORKSPACE: dir,
  };
  const command: Record<Program, { args: string[]; env: Record<string, string> }> = {
    action: {
      args: [DIST],
      env: {
        ...runner,
        GITHUB_OUTPUT: join(dir, "output"),
        GITHUB_STEP_SUMMARY: join(dir, "summary.md"),
        GITHUB_API_URL: api.url,
        "INPUT_GITHUB-TOKEN": "ghs_bench",
        INPUT_MODE: "check",
        INPUT_COMMENT: "true",
      },
    },
    "action-link-pages": { args: [DIST], env: {} },
    "action-not-hotfix": { args: [DIST], env: {} },
    danger: {
      args: [DANGER_BIN, "ci", "--dangerfile", DANGERFILE],
      env: { ...runner, DANGER_GITHUB_API_BASE_URL: api.url, GITHUB_TOKEN: "ghs_bench", HOTFIX_RULES: hotfixRules },
    },
    node: { args: ["-e", "0"], env: runner },
  };
  command["action-link-pages"].env = command.action.env;
  command["action-not-hotfix"].env = command.action.env;
  const start = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(node, command[program].args, { env: command[program].env, cwd: dir, stdio: "ignore" });
    child.on("error", reject);
    child.on("close", () => resolve());
  });
  const exitMs = Date.now() - start;
  await api.close();
  rmSync(dir, { recursive: true, force: true });
  const write = api.calls.find(isVerdictWrite);
  if (program !== "node" && !write) throw new Error(`${program} wrote no verdict to the stand-in`);
  const checkRun = api.checkRuns[0] as { conclusion: string; output: { title: string } } | undefined;
  const status = api.statuses[0] as { state: string } | undefined;
  return {
    exitMs,
    verdictMs: write ? write.at + latencyMs - start : NaN,
    calls: api.calls,
    maxInFlight: api.maxInFlight,
    conclusion: checkRun?.conclusion ?? status?.state ?? "",
    fails: checkRun
      ? Number(/^(\d+) failures?\b/.exec(checkRun.output.title)?.[1] ?? 0)
      : (api.comments[0]?.body.match(/<td>:no_entry_sign:<\/td>/g) ?? []).length,
  };
}

interface Runtime {
  /** "Node v24.22.3 (GitHub's runners)" */
  label: string;
  path: string;
  /** The runtime the goals are judged on; the other's figures are shown beside them. */
  judged: boolean;
  /** What runs on it: the peer and the Link-header variant only on the judged runtime, to keep the bench short. */
  programs: Program[];
}

const version = (node: string) => execFileSync(node, ["--version"], { encoding: "utf8" }).trim();
const dangerProblem = install(`danger@${DANGER_VERSION}`, DANGER_BIN);
// BENCH_NODE names another production Node (a newer 24, say) in place of the one installed here.
const node24Problem = process.env.BENCH_NODE ? null : install(`${NODE24_PACKAGE}@24`, NODE24_BIN);
const production = process.env.BENCH_NODE || (node24Problem ? null : NODE24_BIN);
const judgedPrograms: Program[] = ["node", "action", ...(dangerProblem ? [] : (["danger"] as const)), "action-link-pages"];
const here: Runtime = {
  label: `Node ${version(process.execPath)} (this machine)`,
  path: process.execPath,
  judged: !production,
  programs: ["node", "action"],
};
const runtimes: Runtime[] = production
  ? [{ label: `Node ${version(production)} (GitHub's runners)`, path: production, judged: true, programs: judgedPrograms }, here]
  : [{ ...here, programs: judgedPrograms }];

type Runs = Record<Program, Run[]>;

/** Every program on every runtime, one run each a round: a busy moment of the machine falls on all of them. */
async function sideBySide(latencyMs: number): Promise<Runs[]> {
  const runs = runtimes.map((): Runs => ({ action: [], "action-link-pages": [], "action-not-hotfix": [], danger: [], node: [] }));
  for (let round = 0; round < RUNS; round++) {
    for (const [i, runtime] of runtimes.entries()) {
      for (const program of runtime.programs) runs[i]![program].push(await runOnce(program, latencyMs, runtime.path));
    }
  }
  return runs;
}

const cold = await sideBySide(0);
const slow = await sideBySide(LATENCY_MS);

// Both must fail the PR for the same three rules (files, lines, regression test), or the times compare different work.
for (const runs of [...cold, ...slow]) {
  for (const program of judgedPrograms.filter((p) => p !== "node")) {
    for (const run of runs[program]) {
      if (run.conclusion !== "failure" || run.fails !== 3)
        throw new Error(`${program} concluded ${run.conclusion} with ${run.fails} failures, not failure with 3`);
    }
  }
}

const verdict = (runs: Run[]) => median(runs.map((r) => r.verdictMs));
const exit = (runs: Run[]) => median(runs.map((r) => r.exitMs));

console.log(
  `check: ${FILES}-file hotfix PR, built Action (node dist/index.js) vs danger-js ${DANGER_VERSION} (bench/dangerfile.js), ` +
    `median of ${RUNS} cold runs each, on ${runtimes.map((r) => r.label).join(" and ")}, taking turns`,
);
if (production) {
  console.log(
    `  goals judged on ${runtimes[0]!.label}: action.yml runs the Action on node24; ${here.label} shown beside it, each with its own floor`,
  );
} else console.log(`  Node 24 not run: ${node24Problem}; goals judged on ${here.label}`);
for (const [i, runtime] of runtimes.entries()) {
  const [c, s] = [cold[i]!, slow[i]!];
  const goal = (text: string, met: boolean) => (runtime.judged ? { goal: { text, met } } : {});
  const nodeStart = { cold: exit(c.node), slow: exit(s.node) };
  const calls = s.action[0]?.calls ?? [];
  figure({
    name: `check on ${runtime.label}: cold start to verdict, no latency`,
    value: verdict(c.action),
    unit: "ms",
    against: { kind: "floor", label: "an empty Node process, spawn to exit", value: nodeStart.cold },
    ...goal(`<= ${COLD_START_GOAL_MS} ms`, verdict(c.action) <= COLD_START_GOAL_MS),
    note: `exit at ${exit(c.action)} ms (after the sticky comment)`,
  });
  const floor = FLOOR_TRIPS * LATENCY_MS + nodeStart.slow;
  figure({
    name: `check on ${runtime.label}: spawn to verdict, ${LATENCY_MS} ms a call`,
    value: verdict(s.action),
    unit: "ms",
    against: {
      kind: "floor",
      label: `${FLOOR_TRIPS} round trips x ${LATENCY_MS} ms (the reads together, then the check run) + an empty Node process's ${nodeStart.slow} ms`,
      value: floor,
    },
    ...goal(`<= ${FLOOR_RATIO_GOAL}x the floor`, verdict(s.action) / floor <= FLOOR_RATIO_GOAL),
    note:
      `${(verdict(s.action) / (FLOOR_TRIPS * LATENCY_MS)).toFixed(2)}x the round trips alone; ${calls.findIndex(isVerdictWrite)} reads before the first write, ` +
      `at most ${Math.max(...s.action.map((r) => r.maxInFlight))} requests at once (pages ${FILE_PAGES_IN_FLIGHT} at a time), ${calls.length} calls in all`,
  });
}
// A count, not a time: one run of the built Action on a 3,000-file PR that is no hotfix (issue 19, item 4).
const notHotfix = await runOnce("action-not-hotfix", 0, runtimes[0]!.path);
figure({
  name: `check: calls a ${FILES}-file PR that is no hotfix costs`,
  value: notHotfix.calls.length,
  unit: "calls",
  against: { kind: "baseline", label: `the ${FILES}-file hotfix PR's calls`, value: slow[0]!.action[0]?.calls.length ?? NaN },
  goal: { text: "<= 3", met: notHotfix.calls.length <= 3 && notHotfix.conclusion === "neutral" },
  note: notHotfix.calls.map((c) => `${c.method} ${c.path}`).join(", "),
});
// The peer and the Link-header variant ran on the judged runtime only.
const [coldJudged, slowJudged] = [cold[0]!, slow[0]!];
figure({
  name: `check: spawn to verdict, ${LATENCY_MS} ms a call, pages through Link headers (no changed_files in the event)`,
  value: verdict(slowJudged["action-link-pages"]),
  unit: "ms",
  against: { kind: "baseline", label: `the same Action with changed_files on ${runtimes[0]!.label}`, value: verdict(slowJudged.action) },
});
if (dangerProblem) {
  console.log(`  danger-js peer: not run: ${dangerProblem}`);
} else {
  for (const [label, runs] of [
    ["no latency", coldJudged],
    [`${LATENCY_MS} ms a call`, slowJudged],
  ] as const) {
    figure({
      name: `check vs danger-js on ${runtimes[0]!.label}: spawn to verdict, ${label}`,
      value: verdict(runs.action),
      unit: "ms",
      against: { kind: "peer", label: `danger ci, same PR, rules and stand-in; its comment answered`, value: verdict(runs.danger) },
      note: `exit ${exit(runs.action)} ms vs ${exit(runs.danger)} ms; danger made ${runs.danger[0]?.calls.length} calls, at most ${Math.max(...runs.danger.map((r) => r.maxInFlight))} at once`,
    });
  }
}
summary("check");
