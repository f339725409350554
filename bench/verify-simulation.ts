// Does the verdict keep its promise? Seeded crash histories over a grid of cells (thin history,
// plenty, a release without sessions, a new release without sessions, staged rollouts), each
// with the crash unfixed (same rate after) and fixed (rate 0 after). For every run the
// reporter's data are drawn from Poisson processes, reduced to counts by the same rules the
// count sources use (releasesBefore, matchExposure) and judged by decideVerification.
// "false verified" must stay ≤ 1 − confidence in every unfixed cell.
// Run: npm run bench (prints the grid, then the time to verdict of verify-time.ts), or node lib/bench-verify.js [runs] [seed].
import { assessVerification, type CrashCounts, type ExposureUnit, type VerdictName } from "../src/core/verify.js";
import { seededRandom } from "../src/demo/github-standin.js";
import { missedGoal, summary } from "./figures.js";
import { countsByRelease, matchExposure, releasesBefore } from "../src/providers/query.js";
import { formatTimes, simulateTimes } from "./verify-time.js";

export const CONFIDENCE = 0.99;

/** One release as the reporter holds it. */
export interface SimRelease {
  version: string;
  firstSeen: string;
  /** Sessions the reporter recorded; 0 when the release sends no session data. */
  sessions: number;
  /** All error events of the release (exposure when sessions are missing). */
  events: number;
  /** Events of the crash under test. */
  crashes: number;
}

export interface World {
  releases: SimRelease[];
  version: string;
}

export interface Cell {
  name: string;
  /** Exposure (sessions) of each release before the new one, oldest first; a negative entry sends no session data. */
  before: number[];
  /** Exposure of the new release at each look (a staged rollout looks several times). */
  after: number[];
  /** Crashes per session before the fix. */
  rate: number;
  /** The new release sends no session data. */
  newWithoutSessions?: boolean;
  /** High traffic: a true fix must be verified in ≥ 95% of runs. */
  highTraffic?: boolean;
}

/** Other errors per session, the exposure when sessions are missing. */
const OTHER_ERRORS_PER_SESSION = 0.05;

export const GRID: Cell[] = [
  // Thin history: 0.5 to 3 crashes expected before the fix.
  { name: "thin: ~0.5 before, 5× after", before: [1000], after: [5000], rate: 0.5 / 1000 },
  { name: "thin: ~1 before, 5× after", before: [1000], after: [5000], rate: 1 / 1000 },
  { name: "thin: ~1 before, 1× after", before: [1000], after: [1000], rate: 1 / 1000 },
  { name: "thin: ~2 before, 20× after", before: [500, 500], after: [20_000], rate: 2 / 1000 },
  { name: "thin: ~3 before, 1× after", before: [1000, 1000, 1000], after: [3000], rate: 1 / 1000 },
  { name: "thin: ~3 before, 3× after", before: [3000], after: [9000], rate: 1 / 1000 },
  // Plenty of history.
  { name: "plenty: ~100 before, 0.1× after", before: [20_000, 30_000, 50_000], after: [10_000], rate: 1 / 1000 },
  { name: "plenty: ~100 before, 1× after", before: [50_000, 50_000], after: [100_000], rate: 1 / 1000, highTraffic: true },
  { name: "plenty: ~400 before, 0.5× after", before: [100_000, 100_000], after: [100_000], rate: 2 / 1000, highTraffic: true },
  // A release in between sends no session data (its crashes still arrive).
  { name: "release without sessions", before: [10_000, -10_000, 10_000], after: [20_000], rate: 1 / 1000, highTraffic: true },
  { name: "thin, release without sessions", before: [2000, -2000], after: [5000], rate: 0.5 / 1000 },
  // The new release has no session data yet: events to events.
  { name: "new release without sessions", before: [20_000, 20_000], after: [20_000], rate: 2 / 1000, newWithoutSessions: true, highTraffic: true },
  // Staged rollout: looks at 1%, 5%, 25%, 100% of the old exposure (the Action polling).
  { name: "staged rollout, thin", before: [2000, 2000], after: [40, 200, 1000, 4000], rate: 1 / 1000 },
  { name: "staged rollout, plenty", before: [100_000], after: [1000, 5000, 25_000, 100_000], rate: 1 / 1000, highTraffic: true },
];

/**
 * Poisson(λ): exact by inversion up to λ = 100; above, the normal approximation (rounded), which
 * is close there and keeps 100,000-session releases cheap. Thin-history cells, where exactness
 * matters, stay exact.
 */
export function poisson(rand: () => number, lambda: number): number {
  if (lambda > 100) {
    const z = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * z));
  }
  let k = 0;
  for (let left = lambda; left > 0; left -= 30) {
    const piece = Math.min(left, 30);
    const limit = Math.exp(-piece);
    let product = rand();
    while (product > limit) {
      k++;
      product *= rand();
    }
  }
  return k;
}

const day = (n: number) => new Date(Date.UTC(2024, 3, 1 + n)).toISOString();

/**
 * The reporter's data at each look of one run. Versions are git-SHA-like names for odd seeds
 * of a cell, so ordering by first-seen date is exercised too.
 */
export function drawWorlds(cell: Cell, fixed: boolean, rand: () => number, shaNames: boolean): World[] {
  const name = (i: number) => (shaNames ? `${(0x9e3779b1 * (i + 7)).toString(16).padStart(8, "0")}abc` : `1.${i}.0`);
  const before: SimRelease[] = cell.before.map((signed, i) => {
    const sessions = Math.abs(signed);
    const crashes = poisson(rand, cell.rate * sessions);
    return {
      version: name(i),
      firstSeen: day(i),
      sessions: signed < 0 ? 0 : sessions,
      events: poisson(rand, OTHER_ERRORS_PER_SESSION * sessions) + crashes,
      crashes,
    };
  });
  const version = name(cell.before.length);
  const rateAfter = fixed ? 0 : cell.rate;
  const worlds: World[] = [];
  let seen = { sessions: 0, crashes: 0, other: 0 };
  for (const exposure of cell.after) {
    const added = exposure - seen.sessions;
    seen = {
      sessions: exposure,
      crashes: seen.crashes + poisson(rand, rateAfter * added),
      other: seen.other + poisson(rand, OTHER_ERRORS_PER_SESSION * added),
    };
    const current: SimRelease = {
      version,
      firstSeen: day(cell.before.length),
      sessions: cell.newWithoutSessions ? 0 : seen.sessions,
      events: seen.other + seen.crashes,
      crashes: seen.crashes,
    };
    worlds.push({ releases: [...before, current], version });
  }
  return worlds;
}

/** The counts a source would report for a world: the same before-releases and exposure rules. */
export function countsOf(world: World, preferred: ExposureUnit = "sessions"): CrashCounts {
  const map = (value: (r: SimRelease) => number) => new Map(world.releases.map((r) => [r.version, value(r)]));
  const crashes = map((r) => r.crashes);
  const sessions = map((r) => r.sessions);
  const crashed = new Set(world.releases.filter((r) => r.crashes > 0).map((r) => r.version));
  const before = releasesBefore("simulation", world.releases, world.version, crashed);
  const matched = matchExposure({
    preferred,
    version: world.version,
    before,
    sessions: (r) => sessions.get(r) ?? 0,
    occurrences: (r) => crashes.get(r) ?? 0,
  });
  const exposure = matched.unit === "sessions" ? sessions : map((r) => r.events);
  return countsByRelease({
    provider: "generic",
    signature: "5151515151515151",
    version: world.version,
    occurrences: crashes,
    exposure,
    unit: matched.unit,
    before: matched.before,
    notes: matched.notes,
  });
}

const POLICY = { confidence: CONFIDENCE, minWindowMinutes: 0, reportLagMinutes: 0 };
const DEPLOYED = new Date("2024-05-01T10:00:00Z");
const NOW = new Date("2024-05-02T10:00:00Z");

/** The verdict of one run: the first look that is not "not enough data yet", as the Action's polling stops there. */
export function judge(
  worlds: World[],
  decide: (world: World) => VerdictName = (w) => assessVerification(countsOf(w), POLICY, DEPLOYED, NOW).verdict,
): VerdictName {
  let verdict: VerdictName = "not-enough-data";
  for (const world of worlds) {
    verdict = decide(world);
    if (verdict !== "not-enough-data") break;
  }
  return verdict;
}

export interface CellResult {
  cell: Cell;
  fixed: boolean;
  runs: number;
  verified: number;
  notVerified: number;
  notEnough: number;
}

export function simulateCell(cell: Cell, fixed: boolean, runs: number, seed: number): CellResult {
  const rand = seededRandom(seed);
  const result: CellResult = { cell, fixed, runs, verified: 0, notVerified: 0, notEnough: 0 };
  for (let i = 0; i < runs; i++) {
    const verdict = judge(drawWorlds(cell, fixed, rand, i % 2 === 1));
    if (verdict === "verified") result.verified++;
    else if (verdict === "not-verified") result.notVerified++;
    else result.notEnough++;
  }
  return result;
}

export function simulateGrid(runs: number, seed: number): CellResult[] {
  return GRID.flatMap((cell, i) => [simulateCell(cell, false, runs, seed + 2 * i), simulateCell(cell, true, runs, seed + 2 * i + 1)]);
}

const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(2)}%`;

/** A cell's goal: an unfixed crash verified at most 1 − confidence of the time; a true fix at high traffic in ≥ 95%. */
function cellCheck(r: CellResult): "ok" | "MISSED" | "FALSE VERIFIED" | "" {
  if (r.fixed) return r.cell.highTraffic ? (r.verified / r.runs >= 0.95 ? "ok" : "MISSED") : "";
  return r.verified / r.runs <= 1 - CONFIDENCE ? "ok" : "FALSE VERIFIED";
}

export function formatGrid(results: CellResult[]): string {
  const rows = [
    `Verdicts per cell at confidence ${CONFIDENCE} (false "verified" must be ≤ ${pct(1 - CONFIDENCE, 1)} when unfixed; a true fix at high traffic verified in ≥ 95%)`,
    "",
    `${"cell".padEnd(34)} ${"crash".padEnd(8)} ${"runs".padStart(6)} ${"verified".padStart(9)} ${"not ver.".padStart(9)} ${"no data".padStart(9)}  check`,
  ];
  for (const r of results) {
    const check = cellCheck(r);
    rows.push(
      `${r.cell.name.padEnd(34)} ${(r.fixed ? "fixed" : "unfixed").padEnd(8)} ${String(r.runs).padStart(6)} ${pct(r.verified, r.runs).padStart(9)} ${pct(r.notVerified, r.runs).padStart(9)} ${pct(r.notEnough, r.runs).padStart(9)}  ${check}`,
    );
  }
  return rows.join("\n");
}

if (process.argv[1]?.endsWith("bench-verify.js")) {
  const runs = Number(process.argv[2] ?? 20_000);
  const seed = Number(process.argv[3] ?? 20_241);
  const started = performance.now();
  const results = simulateGrid(runs, seed);
  console.log(formatGrid(results));
  console.log(`\n${runs} runs per cell and crash, seed ${seed}, ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  for (const r of results) {
    const check = cellCheck(r);
    if (check === "MISSED" || check === "FALSE VERIFIED")
      missedGoal(`${r.cell.name}, ${r.fixed ? "fixed" : "unfixed"}: ${check}, verified in ${pct(r.verified, r.runs)}`);
  }
  const timeRuns = Math.min(runs, 2_000);
  console.log(formatTimes(simulateTimes(timeRuns, seed)));
  console.log(`\n${timeRuns} deployments per cell, fixed and unfixed, seed ${seed}`);
  summary("verify");
}
