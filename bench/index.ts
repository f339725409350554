// Throughput of the pure core (signature + issue rendering) on realistic crash reports:
// 30 frames, 50 breadcrumbs, device, OS and runtime. The reports are 1,000 occurrences of
// one crash from different users and sessions (other timestamps, ids, tokens in URLs), as an
// alert storm delivers them, so per-string caches only help with what really repeats.
// Each figure is the median of ROUNDS runs, interleaved so a busy spell of the machine falls on all of them alike.
// Run: node build.mjs --lib && node lib/bench.js [rounds] [seconds per run]
import { DEFAULT_CONFIG } from "../src/core/config.js";
import { CrashReport } from "../src/core/crash.js";
import { type RenderInput, renderIssue } from "../src/core/render.js";
import { computeSignature } from "../src/core/signature.js";
import { figure, median, summary } from "./figures.js";

const vendor = ["react-dom.production.min.js", "scheduler.production.min.js", "redux.js", "axios.js"];
const appFiles = ["CartView", "CartLine", "usePrice", "formatMoney"];

/** One occurrence as the App gets it: parsed from the JSON text of an alert. */
function occurrence(n: number): CrashReport {
  return CrashReport.parse(JSON.parse(JSON.stringify(occurrenceFields(n))));
}

function occurrenceFields(n: number) {
  const session = (n * 2654435761).toString(16).padStart(12, "0");
  const minute = String(n % 60).padStart(2, "0");
  return {
    provider: "sentry",
    project: "shop-web",
    platform: "javascript",
    release: "shop-web@1.4.2+305",
    environment: "production",
    commit: "3f9a2c1b7d0e4a5f6b7c8d9e0f1a2b3c4d5e6f70",
    url: `https://sentry.io/organizations/acme/issues/4421720/events/${session}/`,
    exception: {
      type: "TypeError",
      message: `Cannot read properties of undefined (reading 'price') while rendering cart ${n} for user ${1000 + n}`,
      handled: false,
    },
    frames: Array.from({ length: 30 }, (_, i) =>
      i >= 22
        ? {
            file: `webpack:///./src/features/cart/${appFiles[i % 4]}.tsx`,
            function: ["renderLine", "CartLine", "usePrice", "formatMoney"][i % 4],
            line: 40 + i,
            column: 13,
            in_app: true,
            context_line: `  const total = line.item.price * line.quantity; // line ${i}`,
          }
        : { file: `https://shop.example.com/static/js/${vendor[i % 4]}`, function: `Zu${i}`, line: 2, column: 185853 + i, in_app: false },
    ),
    breadcrumbs: Array.from({ length: 50 }, (_, i) => ({
      timestamp: `2024-06-11T10:${minute}:${String(i).padStart(2, "0")}.${String(n % 1000).padStart(3, "0")}Z`,
      category: ["ui.click", "xhr", "navigation", "console"][i % 4],
      level: i % 7 === 0 ? "warning" : "info",
      message: [
        "button.checkout[data-test=pay]",
        `GET https://api.shop.example.com/v2/cart?session=${session} [200]`,
        `/cart/${n} -> /checkout`,
        `price missing for sku ${8800 + (i % 13)}`,
      ][i % 4],
      data: i % 4 === 1 ? { method: "GET", status_code: 200, url: "https://api.shop.example.com/v2/cart" } : undefined,
    })),
    device: { family: "Desktop", model: "MacBookPro18,1", arch: "arm64" },
    os: { name: "macOS", version: "14.5" },
    runtime: { name: "Chrome", version: "125.0.6422.142" },
  };
}

const reports = Array.from({ length: 1_000 }, (_, n) => occurrence(n));
const stats = {
  events: 1234,
  users: 321,
  versions: [
    { version: "1.4.2", count: 1200 },
    { version: "1.4.1", count: 34 },
  ],
  firstSeen: "2024-06-10T09:00:00Z",
  lastSeen: "2024-06-11T10:00:49Z",
};
const links = { ...DEFAULT_CONFIG.links, stripPrefixes: [] };
const input = (report: CrashReport, signature: string): RenderInput => ({ report, signature, stats, repo: "acme/shop-web", links });

/** Milliseconds of CPU this process has used: on a shared machine, time spent waiting for a core is not the core's speed. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Reports per second of CPU time over `seconds` of it, the 1,000 occurrences taken in turn. */
function run(fn: (report: CrashReport) => unknown, seconds: number): number {
  let n = 0;
  const start = cpuMs();
  const end = start + seconds * 1000;
  let now = start;
  while (now < end) {
    for (const report of reports) fn(report);
    n += reports.length;
    now = cpuMs();
  }
  return (n * 1000) / (now - start);
}

const ROUNDS = Number(process.argv[2] ?? 5);
const SECONDS = Number(process.argv[3] ?? 1);
// Against the floor measured in the same run, not an absolute rate: a machine's speed changes from run to run, the
// ratio far less. Signature + render reads every field and writes an issue body about as long as the JSON.
const GOAL_RATIO = 0.6;

const work = {
  // Serialising the report reads every field once and writes about as much text as the issue body holds: what touching
  // all of it costs in this engine, before any scrubbing, escaping or layout.
  floor: (r: CrashReport) => JSON.stringify(r),
  signature: (r: CrashReport) => computeSignature(r),
  render: (r: CrashReport) => renderIssue(input(r, "0123456789abcdef")),
  "signature + render": (r: CrashReport) => renderIssue(input(r, computeSignature(r))),
};
type Work = keyof typeof work;

const sample = reports[0] as CrashReport;
const rendered = renderIssue(input(sample, computeSignature(sample)));
console.log(`hotfix-loop core, one core (CPU time of this process), Node ${process.version}`);
console.log(
  `report: ${sample.frames.length} frames, ${sample.breadcrumbs.length} breadcrumbs, ${JSON.stringify(sample).length.toLocaleString("en-US")} characters of JSON; ` +
    `issue body ${rendered.body.length.toLocaleString("en-US")} characters; median of ${ROUNDS} runs of ${SECONDS} s each`,
);
for (const fn of Object.values(work)) for (let i = 0; i < 3_000; i++) fn(reports[i % reports.length] as CrashReport); // warm up the JIT
const runs = Object.fromEntries(Object.keys(work).map((name) => [name, [] as number[]])) as Record<Work, number[]>;
for (let round = 0; round < ROUNDS; round++) for (const name of Object.keys(work) as Work[]) runs[name].push(run(work[name], SECONDS));

const spread = (name: Work) =>
  `runs ${Math.round(Math.min(...runs[name])).toLocaleString("en-US")}–${Math.round(Math.max(...runs[name])).toLocaleString("en-US")}`;
const floor = {
  kind: "floor" as const,
  label: "JSON.stringify of the same report",
  value: Math.round(median(runs.floor)),
};
figure({ name: "signature", value: Math.round(median(runs.signature)), unit: "reports/s", note: spread("signature") });
figure({ name: "render", value: Math.round(median(runs.render)), unit: "reports/s", against: floor, note: spread("render") });
const both = Math.round(median(runs["signature + render"]));
figure({
  name: "signature + render",
  value: both,
  unit: "reports/s",
  against: floor,
  goal: { text: `>= ${GOAL_RATIO}x the floor`, met: both / floor.value >= GOAL_RATIO },
  note: `${(1e6 / both).toFixed(1)} µs each; ${spread("signature + render")}`,
});
summary("core");
