import { ackAndCost, costSizes } from "./ack-and-cost.js";
import { summary } from "./figures.js";
import { crashRestart, twoReplicas, type FaultFigures } from "./fault-scenarios.js";
import { fuzzTheApp } from "./fuzz-scenario.js";
import { stormPrivateKey, stormTheApp, stormTheNaiveBaseline, type StormFigures, type StormRun } from "./storm-scenario.js";

/**
 * `npm run bench:storm`: the four proofs at full size. The storm (10,000 signed alerts, 100
 * signatures, 16 senders, paced at 1,000/s) against the App on its SQLite default and against
 * the naive baseline, side by side; the same storm with the App killed -9 and restarted; with
 * two replicas on PostgreSQL (DATABASE_URL, default the local test database); and 10,000
 * fuzzed payloads; then ack latency against an echo server and the cost table (bench/ack-and-cost.ts).
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
    ["first alert -> all issues (ms)", fmt(app.allIssuesMs, 0), fmt(naive.allIssuesMs, 0), ratio(app.allIssuesMs, naive.allIssuesMs)],
    ["answers", JSON.stringify(app.storm.statuses), JSON.stringify(naive.storm.statuses), ""],
  ];
  const widths = [32, 22, 22, 10];
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 10)).join(" ");
  return [line(["", "hotfix-loop", "naive baseline", "naive/app"]), ...rows.map(line)].join("\n");
}

const key = stormPrivateKey();
console.log(
  `storm: ${run.alerts} alerts, ${run.signatures} signatures, ${run.senders} senders, paced at ${run.ratePerSecond}/s; GitHub stand-in 50-150 ms, 2% 502, 1% 429, 1% secondary limit, search lag 2 s`,
);
const app = await stormTheApp(run, key);
console.log(`  hotfix-loop done: ${app.counted} alerts counted in the store, ${app.pendingJobs} jobs pending`);
const naive = await stormTheNaiveBaseline(run, key);
console.log(`\n${table(app, naive)}\n`);
const writeBound = Math.ceil(1.05 * run.signatures);
console.log(
  `targets: issues == ${run.signatures}: ${app.issues === run.signatures ? "met" : "MISSED"}; creates <= ${writeBound}: ${app.creates <= writeBound ? "met" : "MISSED"}; ack p99 <= 25 ms: ${app.ackP99 <= 25 ? "met" : "MISSED"}`,
);

function faultLine(f: FaultFigures): string {
  return `${f.name}: ${f.acknowledgedDistinct}/${run.alerts} alerts acknowledged, ${f.counted} counted, ${f.issues} issues (${f.duplicated} signatures duplicated), ${f.creates} creates + ${f.edits} edits, ack p50 ${fmt(f.ackP50)} ms p99 ${fmt(f.ackP99)} ms, all issues after ${fmt(f.allIssuesMs, 0)} ms, ${f.pendingJobs} jobs pending`;
}
console.log(faultLine(await crashRestart({ ...run, killAfter: Math.floor(run.alerts * 0.4) })));
console.log(faultLine(await twoReplicas(run, process.env.DATABASE_URL ?? "postgres://127.0.0.1:5432/test")));
const fuzzSeed = Date.now() % 1_000_000;
const fuzz = await fuzzTheApp(10_000, fuzzSeed);
console.log(
  `fuzz (seed ${fuzzSeed}): ${fuzz.requests} mutated payloads in ${fmt(fuzz.elapsedMs / 1000)} s, answers ${JSON.stringify(fuzz.statuses)}, ${fuzz.failures.length} broke the rules, ${fuzz.unhandledRejections} unhandled rejections`,
);
if (fuzz.failures.length > 0) console.log(JSON.stringify(fuzz.failures.slice(0, 5), null, 2));
await ackAndCost(run, key, process.env.DATABASE_URL ?? "postgres://127.0.0.1:5432/test", costSizes(process.argv));
summary("bench:storm");
