import { GITHUB_SECONDARY_LIMITS } from "../src/github/secondary-limits.js";
import { ackAndCost, costSizes } from "./ack-and-cost.js";
import { crashRestart, twoReplicas, type FaultFigures } from "./fault-scenarios.js";
import { figure, summary } from "./figures.js";
import { fuzzTheApp } from "./fuzz-scenario.js";
import { issuesOf, REPLICAS, stormReplicasPace, type ReplicaPaceFigures, type ReplicaPaceRun } from "./storm-replicas.js";
import { pacedFloorMs, stormPrivateKey, stormTheApp, stormTheNaiveBaseline, type StormFigures, type StormRun } from "./storm-scenario.js";

/**
 * `npm run bench:storm`: the four proofs at full size. The storm (10,000 signed alerts, 100
 * signatures, 16 senders, paced at 1,000/s) against the App on its SQLite default, paced within
 * GitHub's secondary limit, which the stand-in enforces; beside it, at the same time, the naive
 * baseline with Probot's default throttling meeting the storm's 100 new crashes; then the naive
 * baseline unthrottled under the whole storm; the storm with the App killed -9 and restarted; with
 * two replicas on PostgreSQL (DATABASE_URL, default the local test database); and 10,000 fuzzed
 * payloads; then ack latency against an echo server and the cost table (bench/ack-and-cost.ts).
 * Before all of them, 110 new crashes through three replicas on one PostgreSQL at GitHub's pace, shared
 * and per process (bench/storm-replicas.ts); `--replicas-only` runs only that.
 * `--alerts N --signatures N --rate N` scale the storms, `--cost 1000,10000,100000` the cost table.
 */

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const run: StormRun = {
  alerts: arg("alerts", 10_000),
  signatures: arg("signatures", 100),
  senders: arg("senders", 16),
  ratePerSecond: arg("rate", 1_000),
  settleMs: 60_000,
};

const databaseUrl = process.env.DATABASE_URL ?? "postgres://127.0.0.1:5432/test";
const limits = GITHUB_SECONDARY_LIMITS.contentCreation;
const limitText = limits.map((w) => `${w.limit} per ${w.ms / 1000} s`).join(", ");

/** Three replicas at GitHub's pace: shared through PostgreSQL, beside each pacing itself. */
async function replicasAtGitHubsPace(): Promise<void> {
  const paceRun: ReplicaPaceRun = { budget: 100, crashes: 110, sharedPace: true, settleMs: 300_000 };
  console.log(
    `replicas: ${paceRun.crashes} new crashes at once through ${REPLICAS} replicas on one PostgreSQL, budget ${paceRun.budget} new issues an hour; GitHub's content-creation limit enforced (${limitText})`,
  );
  const shared = await stormReplicasPace(paceRun, databaseUrl);
  const own = await stormReplicasPace({ ...paceRun, sharedPace: false }, databaseUrl);
  const expected = issuesOf(paceRun);
  const floor = pacedFloorMs(expected);
  const perProcess = "each replica pacing itself, same run otherwise";
  const line = (f: ReplicaPaceFigures) =>
    `${f.name}: ${f.issues} issues (${f.hotfixIssues} hotfix, ${f.rollUps} roll-up with ${f.rolledUp} crashes), ${f.duplicated} signatures duplicated, ${f.creates} creates + ${f.edits} edits, ${f.limited} limit 403s, all issues after ${fmt(f.allIssuesMs, 0)} ms, ${f.pendingJobs} jobs pending, answers ${JSON.stringify(f.storm.statuses)}`;
  console.log(`  ${line(shared)}\n  ${line(own)}`);
  figure({
    name: "replicas, shared pace: secondary-limit 403s for exceeding the limit",
    value: shared.limited,
    unit: "",
    against: { kind: "baseline", label: perProcess, value: own.limited },
    goal: { text: "0", met: shared.limited === 0 },
    note: `injected secondary-limit faults counted apart: ${shared.injectedSecondary} shared, ${own.injectedSecondary} per process`,
  });
  figure({
    name: `replicas, shared pace: first alert -> all ${expected} issues`,
    value: shared.allIssuesMs ?? paceRun.settleMs,
    unit: "ms",
    against: { kind: "floor", label: `${expected} creates under ${limitText}, answers taken as instant`, value: floor },
    goal: { text: "<= 1.1x the floor", met: shared.allIssuesMs !== null && shared.allIssuesMs <= 1.1 * floor },
    note: `${perProcess}: ${fmt(own.allIssuesMs, 0)} ms`,
  });
  figure({
    name: "replicas, shared pace: signatures with more than one issue",
    value: shared.duplicated,
    unit: "",
    goal: { text: "0", met: shared.duplicated === 0 },
  });
  const exact = (f: ReplicaPaceFigures) =>
    f.hotfixIssues === paceRun.budget && f.claimed === paceRun.budget && f.rolledUp === paceRun.crashes - paceRun.budget;
  figure({
    name: "replicas: hotfix issues opened against the budget",
    value: shared.hotfixIssues,
    unit: "",
    goal: {
      text: `exactly ${paceRun.budget}, ${paceRun.crashes - paceRun.budget} crashes rolled up, in both runs`,
      met: exact(shared) && exact(own),
    },
    note: `per process: ${own.hotfixIssues} opened, ${own.rolledUp} rolled up; the store claimed ${shared.claimed} and ${own.claimed}`,
  });
}

const fmt = (n: number | null, digits = 1) => (n === null || Number.isNaN(n) ? "never" : n.toFixed(digits));

function table(app: StormFigures, naive: StormFigures): string {
  const ratio = (a: number | null, b: number | null) => (a === null || b === null || a === 0 ? "n/a" : `${(b / a).toFixed(1)}x`);
  const rows: [string, string, string, string][] = [
    ["issues opened", String(app.issues), String(naive.issues), ""],
    ["signatures with >1 issue", String(app.duplicated), String(naive.duplicated), ""],
    ["GitHub writes", String(app.writes), String(naive.writes), ratio(app.writes, naive.writes)],
    ["  creates / edits", `${app.creates} / ${app.edits}`, `${naive.creates} / ${naive.edits}`, ""],
    ["  max writes per issue", String(app.maxWritesPerIssue), String(naive.maxWritesPerIssue), ""],
    ["ack p50 (ms)", fmt(app.ackP50), fmt(naive.ackP50), ratio(app.ackP50, naive.ackP50)],
    ["ack p99 (ms)", fmt(app.ackP99), fmt(naive.ackP99), ratio(app.ackP99, naive.ackP99)],
    ["alerts/s acknowledged", fmt(app.alertsPerSecond, 0), fmt(naive.alertsPerSecond, 0), ""],
    // Not a ratio: the App meets GitHub's pace here, the unthrottled baseline does not.
    ["first alert -> all issues (ms)", fmt(app.allIssuesMs, 0), fmt(naive.allIssuesMs, 0), ""],
    ["answers", JSON.stringify(app.storm.statuses), JSON.stringify(naive.storm.statuses), ""],
  ];
  const widths = [32, 22, 22, 10];
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 10)).join(" ");
  return [line(["", "hotfix-loop (paced)", "naive (unthrottled)", "naive/app"]), ...rows.map(line)].join("\n");
}

/** Issues at GitHub's pace: the paced App in the storm, and the naive baseline with Probot's default throttling. */
function printPace(app: StormFigures & { pendingJobs: number }, naive: StormFigures): void {
  const floor = pacedFloorMs(app.signatures);
  const floorLabel = `${app.signatures} creates under ${limitText}: the earliest the last can go, answers taken as instant`;
  const naiveNote = `naive baseline (Probot's default throttling) given only the ${naive.alerts} new crashes`;
  // A run that never got there shows as its cap, with a note saying so.
  const orCap = (ms: number | null, cap: number) => ms ?? cap;
  console.log(`pace: ${app.signatures} new crashes at once, GitHub's content-creation limit enforced; the App paced by it`);
  figure({
    name: "first alert -> first issue",
    value: orCap(app.firstIssueMs, pacedRun.settleMs!),
    unit: "ms",
    against: { kind: "baseline", label: naiveNote, value: orCap(naive.firstIssueMs, newCrashes.settleMs!) },
    goal: { text: "<= 2,000 ms", met: app.firstIssueMs !== null && app.firstIssueMs <= 2_000 },
  });
  figure({
    name: `first alert -> all ${app.signatures} issues`,
    value: orCap(app.allIssuesMs, pacedRun.settleMs!),
    unit: "ms",
    against: { kind: "floor", label: floorLabel, value: floor },
    goal: { text: "<= 1.1x the floor", met: app.allIssuesMs !== null && app.allIssuesMs <= 1.1 * floor },
    ...(app.allIssuesMs === null ? { note: `only ${app.issues} issues after ${pacedRun.settleMs! / 1000} s` } : {}),
  });
  figure({
    name: `  ${naiveNote}: first alert -> all ${naive.signatures} issues`,
    value: orCap(naive.allIssuesMs, newCrashes.settleMs!),
    unit: "ms",
    against: { kind: "floor", label: "the same floor", value: floor },
    note: naive.allIssuesMs === null ? `only ${naive.issues} issues after ${newCrashes.settleMs! / 1000} s` : "no goal: the reference",
  });
  // Counts whose goal is none at all, beside the naive baseline's.
  const none = (name: string, value: number, naiveValue: number, note?: string) =>
    figure({
      name,
      value,
      unit: "",
      against: { kind: "baseline", label: naiveNote, value: naiveValue },
      goal: { text: "0", met: value === 0 },
      note,
    });
  none(
    "secondary-limit 403s received for exceeding the limit (pacing, not retrying)",
    app.limited,
    naive.limited,
    `besides the stand-in's injected secondary-limit faults, counted apart (${app.injectedSecondary} answered, each waited out and retried)`,
  );
  none("signatures with more than one issue", app.duplicated, naive.duplicated);
  console.log(
    `  GitHub writes: ${app.creates} creates + ${app.edits} edits (naive: ${naive.creates} creates); ${app.pendingJobs} jobs pending at the end`,
  );
}

await replicasAtGitHubsPace();
if (process.argv.includes("--replicas-only")) {
  summary("bench:storm --replicas-only");
  process.exit(0);
}

const key = stormPrivateKey();
console.log(
  `storm: ${run.alerts} alerts, ${run.signatures} signatures, ${run.senders} senders, paced at ${run.ratePerSecond}/s; GitHub stand-in 50-150 ms, 2% 502, 1% 429, 1% injected secondary limit, search lag 2 s; content-creation limit enforced (${limitText})`,
);
// The refreshes wait behind the creates for the limit's windows: minutes, not seconds, to settle.
const pacedRun: StormRun = { ...run, paced: limits, settleMs: 300_000 };
// The naive bot answers each alert only after its throttled search and create: the storm's 100 new crashes, not 10,000 alerts.
const newCrashes: StormRun = { alerts: run.signatures, signatures: run.signatures, senders: run.senders, paced: limits, settleMs: 600_000 };
const [app, naivePaced] = await Promise.all([stormTheApp(pacedRun, key), stormTheNaiveBaseline(newCrashes, key)]);
console.log(`  hotfix-loop done: ${app.counted} alerts counted in the store, ${app.pendingJobs} jobs pending`);
const naive = await stormTheNaiveBaseline(run, key);
console.log(`\n${table(app, naive)}\n`);
const writeBound = Math.ceil(1.05 * run.signatures);
figure({
  name: "issues opened",
  value: app.issues,
  unit: "",
  goal: { text: `${run.signatures}, one per signature`, met: app.issues === run.signatures },
});
figure({ name: "issue creates", value: app.creates, unit: "", goal: { text: `<= ${writeBound}`, met: app.creates <= writeBound } });
printPace(app, naivePaced);

function faultLine(f: FaultFigures): string {
  return `${f.name}: ${f.acknowledgedDistinct}/${run.alerts} alerts acknowledged, ${f.counted} counted, ${f.issues} issues (${f.duplicated} signatures duplicated), ${f.creates} creates + ${f.edits} edits, ack p50 ${fmt(f.ackP50)} ms p99 ${fmt(f.ackP99)} ms, all issues after ${fmt(f.allIssuesMs, 0)} ms, ${f.pendingJobs} jobs pending`;
}
console.log(faultLine(await crashRestart({ ...run, killAfter: Math.floor(run.alerts * 0.4) })));
console.log(faultLine(await twoReplicas(run, databaseUrl)));
const fuzzSeed = Date.now() % 1_000_000;
const fuzz = await fuzzTheApp(10_000, fuzzSeed);
console.log(
  `fuzz (seed ${fuzzSeed}): ${fuzz.requests} mutated payloads in ${fmt(fuzz.elapsedMs / 1000)} s, answers ${JSON.stringify(fuzz.statuses)}, ${fuzz.failures.length} broke the rules, ${fuzz.unhandledRejections} unhandled rejections`,
);
if (fuzz.failures.length > 0) console.log(JSON.stringify(fuzz.failures.slice(0, 5), null, 2));
await ackAndCost(run, key, databaseUrl, costSizes(process.argv));
summary("bench:storm");
