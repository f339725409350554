// Time to verdict, beside the verdict grid (verify-simulation.ts): after a deployment at t = 0,
// sessions arrive at a rate with a daily swing, crash reports and session data reach the
// reporter after a lag (web: seconds; mobile: a heavy tail of hours), and the verifier measures
// the lag from 100 recent events (core/report-lag.ts), looks at the end of the minimum window
// and then at the time each "not enough data yet" gives at the rate counted (core/verify.ts
// nextLookAt), as the App schedules. Printed per cell: time from deploy to "verified" for a
// true fix against the floor (the earliest the exact test decides with every report already in), the false "verified"
// share for an unfixed crash under the same schedule (≤ 1 − confidence, repeated looks
// included), and whether what each "not enough data yet" said came true: a time named alone within
// ±20% of the time a verdict really became possible, a range ("between … and …") containing it.
// Virtual time, seeded: a simulation, not a timing. Run: node lib/bench-verify.js (after the grid).
import { DEFAULT_CONFIG } from "../src/core/config.js";
import { exposureNeeded } from "../src/core/rate-test.js";
import { reportLagFrom } from "../src/core/report-lag.js";
import { assessVerification, expectVerdict, nextLookAt, type CrashCounts, type VerifyPolicy } from "../src/core/verify.js";
import { seededRandom } from "../src/demo/github-standin.js";

const CONFIDENCE = DEFAULT_CONFIG.verify.confidence;
const MIN_WINDOW = DEFAULT_CONFIG.verify.minWindowMinutes;
/** Sooner than this after a look, the verifier does not look again. */
const RETRY_MINUTES = 5;
/** Recent events the lag is measured on, as the count sources ask. */
const LAG_SAMPLE = 100;
const DAILY_SWING = 0.3;
const MAX_LOOKS = 40;
const HORIZON_MINUTES = 14 * 24 * 60;

export interface LagModel {
  name: string;
  cdf: (minutes: number) => number;
  draw: (rand: () => number) => number;
}

/** Web: sent at once, exponential with a 5-second mean. */
export const WEB_LAG: LagModel = {
  name: "web (mean 5 s)",
  cdf: (x) => (x <= 0 ? 0 : 1 - Math.exp(-x / (5 / 60))),
  draw: (rand) => -(5 / 60) * Math.log(1 - rand()),
};

/** Mobile: sent at the next launch, Lomax (Pareto II) with scale 60 min and shape 1.5: median 35 min, 99% within 20.5 h. */
export const MOBILE_LAG: LagModel = {
  name: "mobile (median 35 min, p99 20 h)",
  cdf: (x) => (x <= 0 ? 0 : 1 - (1 + x / 60) ** -1.5),
  draw: (rand) => 60 * ((1 - rand()) ** (-1 / 1.5) - 1),
};

export interface TimeCell {
  name: string;
  lag: LagModel;
  sessionsPerMinute: number;
  /** Crashes per session before the fix. */
  rate: number;
  /** Sessions of the releases before the fix. */
  beforeSessions: number;
  /** The 1.5× floor goal applies (web-like lag). */
  goal: boolean;
}

export const TIME_CELLS: TimeCell[] = [
  { name: "web, busy (6,000 sessions/h)", lag: WEB_LAG, sessionsPerMinute: 100, rate: 1 / 1000, beforeSessions: 100_000, goal: true },
  { name: "web, quiet (300 sessions/h)", lag: WEB_LAG, sessionsPerMinute: 5, rate: 2 / 1000, beforeSessions: 20_000, goal: true },
  { name: "mobile, busy (6,000 sessions/h)", lag: MOBILE_LAG, sessionsPerMinute: 100, rate: 1 / 1000, beforeSessions: 100_000, goal: false },
  { name: "mobile, quiet (300 sessions/h)", lag: MOBILE_LAG, sessionsPerMinute: 5, rate: 2 / 1000, beforeSessions: 20_000, goal: false },
];

function poisson(rand: () => number, lambda: number): number {
  let k = 0;
  const limit = Math.exp(-lambda);
  for (let product = rand(); product > limit; product *= rand()) k++;
  return k;
}

/** One deployment's world: sessions per minute (fluid: thousands, their noise is negligible) and the crashes, drawn as needed. */
/** Per lag model, F(j + 0.5): the share of what happened j whole minutes before a look that has arrived by it. */
const arrivedTables = new Map<LagModel, Float64Array>();
/** The daily swing of traffic, one day of minutes, starting at midnight. */
const DAY = Float64Array.from({ length: 1440 }, (_, m) => 1 + DAILY_SWING * Math.sin((2 * Math.PI * m) / 1440));

class World {
  private readonly phase: number;
  private readonly arrived: Float64Array;
  private readonly crashes: { at: number; lag: number }[] = [];
  private drawnUntil = 0;

  constructor(
    readonly cell: TimeCell,
    private readonly fixed: boolean,
    private readonly rand: () => number,
  ) {
    // Deployments happen at any time of day.
    this.phase = Math.floor(rand() * 1440);
    const table = arrivedTables.get(cell.lag) ?? Float64Array.from({ length: HORIZON_MINUTES }, (_, j) => cell.lag.cdf(j + 0.5));
    arrivedTables.set(cell.lag, table);
    this.arrived = table;
  }

  /** Sessions in minute m after the deployment. */
  perMinute(m: number): number {
    return this.cell.sessionsPerMinute * (DAY[(m + this.phase) % 1440] ?? 1);
  }

  /** Sessions counted by a look at minute t with cut-off t − lag: happened before the cut-off and arrived by t. */
  sessionsCounted(t: number, lag: number): number {
    let sum = 0;
    for (let m = 0; m < t - lag; m++) sum += this.perMinute(m) * (this.arrived[t - m - 1] ?? 1);
    return sum;
  }

  crashesCounted(t: number, lag: number): number {
    if (!this.fixed) {
      for (; this.drawnUntil < t; this.drawnUntil++) {
        const n = poisson(this.rand, this.perMinute(this.drawnUntil) * this.cell.rate);
        for (let i = 0; i < n; i++) this.crashes.push({ at: this.drawnUntil + this.rand(), lag: this.cell.lag.draw(this.rand) });
      }
    }
    return this.crashes.filter((c) => c.at <= t - lag && c.at + c.lag <= t).length;
  }

  /** The first whole minute at which all sessions so far reach `needed`: the floor, with every report in and no window. */
  floor(needed: number): number {
    let sum = 0;
    for (let m = 0; m < HORIZON_MINUTES; m++) {
      sum += this.perMinute(m);
      if (sum >= needed) return m + 1;
    }
    return Number.POSITIVE_INFINITY;
  }

  /** The first whole minute a look would find enough exposure counted (and the window passed): when a verdict really became possible. */
  possible(needed: number, lag: number): number {
    let low = MIN_WINDOW + lag;
    if (this.sessionsCounted(low, lag) >= needed) return low;
    let high = low * 2;
    while (high < HORIZON_MINUTES && this.sessionsCounted(high, lag) < needed) high *= 2;
    if (high >= HORIZON_MINUTES) return Number.POSITIVE_INFINITY;
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if (this.sessionsCounted(mid, lag) >= needed) high = mid;
      else low = mid;
    }
    return high;
  }
}

/** What one "not enough data yet" said, against when a verdict really became possible, all in minutes after the deployment. */
export interface Named {
  expected: number;
  earliest: number;
  latest: number;
  /** The time was named alone; else the range was. */
  precise: boolean;
  possible: number;
}

/** A time named alone came within ±20%; a range held the time. */
export function cameTrue(n: Named): boolean {
  return n.precise ? Math.abs(n.expected - n.possible) <= 0.2 * n.possible : n.earliest <= n.possible && n.possible <= n.latest;
}

export interface RunResult {
  verdict: "verified" | "not-verified" | "not-enough-data" | "no-baseline";
  /** Minutes from the deployment to the verdict (the last look when none came). */
  minutes: number;
  floor: number;
  lagMinutes: number;
  /** What the first "not enough data yet" said. */
  named: Named | null;
  /** What the last "not enough data yet" before the verdict said. */
  lastNamed: Named | null;
  /** Every one of them. */
  allNamed: Named[];
}

const DEPLOYED = new Date("2026-12-07T00:00:00Z");
const at = (minutes: number) => new Date(DEPLOYED.getTime() + minutes * 60_000);

export function runOnce(cell: TimeCell, fixed: boolean, rand: () => number): RunResult {
  const before = { occurrences: poisson(rand, cell.rate * cell.beforeSessions), exposure: cell.beforeSessions };
  const world = new World(cell, fixed, rand);
  const lag = reportLagFrom(
    Array.from({ length: LAG_SAMPLE }, () => {
      const delay = cell.lag.draw(rand);
      return { occurredAt: at(0), receivedAt: at(delay) };
    }),
    "simulated",
    DEFAULT_CONFIG.verify.reportLagMinutes,
  );
  const policy: VerifyPolicy = { confidence: CONFIDENCE, minWindowMinutes: MIN_WINDOW, reportLagMinutes: lag.minutes, measuredLag: lag.measured };
  const needed = exposureNeeded(before, CONFIDENCE);
  const result = { floor: world.floor(needed), lagMinutes: lag.minutes };
  if (before.occurrences === 0) return { verdict: "no-baseline", minutes: 0, named: null, lastNamed: null, allNamed: [], ...result };
  let named: RunResult["named"] = null;
  let lastNamed: RunResult["named"] = null;
  const allNamed: Named[] = [];
  let possible: number | null = null;
  let t = MIN_WINDOW + lag.minutes;
  for (let look = 0; look < MAX_LOOKS && t < HORIZON_MINUTES; look++) {
    const counts: CrashCounts = {
      provider: "generic",
      signature: "5151515151515151",
      version: "after",
      occurrences: world.crashesCounted(t, lag.minutes),
      exposure: world.sessionsCounted(t, lag.minutes),
      exposureUnit: "sessions",
      before: { ...before, versions: ["before"] },
    };
    const { verdict, window } = assessVerification(counts, policy, DEPLOYED, at(t));
    if (verdict !== "not-enough-data") return { verdict, minutes: t, named, lastNamed, allNamed, ...result };
    const verdictExpected = expectVerdict(counts, policy, window);
    if (verdictExpected !== null && fixed) {
      possible ??= world.possible(needed, lag.minutes);
      const after = (d: Date) => (d.getTime() - DEPLOYED.getTime()) / 60_000;
      lastNamed = {
        expected: after(verdictExpected.at),
        earliest: after(verdictExpected.earliest),
        latest: after(verdictExpected.latest),
        precise: verdictExpected.precise,
        possible,
      };
      named ??= lastNamed;
      allNamed.push(lastNamed);
    }
    t = Math.ceil(
      (nextLookAt({ verdictExpected, window, reportLagMinutes: lag.minutes }, policy, at(t), RETRY_MINUTES).getTime() - DEPLOYED.getTime()) / 60_000,
    );
  }
  return { verdict: "not-enough-data", minutes: t, named, lastNamed, allNamed, ...result };
}

export interface TimeResult {
  cell: TimeCell;
  runs: number;
  /** Fixed: time to "verified" over the floor, per verified run. */
  ratios: number[];
  minutesToVerified: number[];
  floors: number[];
  lags: number[];
  fixedVerified: number;
  fixedRuns: number;
  /** Unfixed: runs that ended "verified". */
  falseVerified: number;
  unfixedRuns: number;
  /** First statements: how many, how many came true (cameTrue), how many named a time alone and how many of those were within ±20%. */
  named: number;
  namedTrue: number;
  namedPrecise: number;
  namedWithin20: number;
  /** Every statement of every run, and how many came true. */
  statements: number;
  statementsTrue: number;
  /** (latest − earliest) / possible of each range stated first. */
  rangeWidths: number[];
  /** (named − possible) / possible per run, of the time at the counted rate, first and last statement. */
  namedErrors: number[];
  lastNamedErrors: number[];
}

export function simulateTimes(runs: number, seed: number): TimeResult[] {
  return TIME_CELLS.map((cell, i) => {
    const rand = seededRandom(seed + i);
    const r: TimeResult = {
      cell,
      runs,
      ratios: [],
      minutesToVerified: [],
      floors: [],
      lags: [],
      fixedVerified: 0,
      fixedRuns: 0,
      falseVerified: 0,
      unfixedRuns: 0,
      named: 0,
      namedTrue: 0,
      namedPrecise: 0,
      namedWithin20: 0,
      statements: 0,
      statementsTrue: 0,
      rangeWidths: [],
      namedErrors: [],
      lastNamedErrors: [],
    };
    for (let n = 0; n < runs; n++) {
      const fixed = runOnce(cell, true, rand);
      if (fixed.verdict !== "no-baseline") {
        r.fixedRuns++;
        r.lags.push(fixed.lagMinutes);
        r.floors.push(fixed.floor);
        if (fixed.verdict === "verified") {
          r.fixedVerified++;
          r.minutesToVerified.push(fixed.minutes);
          r.ratios.push(fixed.minutes / fixed.floor);
        }
        const error = (n: Named) => (n.expected - n.possible) / n.possible;
        if (fixed.named && fixed.lastNamed && Number.isFinite(fixed.named.possible)) {
          r.named++;
          r.namedErrors.push(error(fixed.named));
          r.lastNamedErrors.push(error(fixed.lastNamed));
          if (cameTrue(fixed.named)) r.namedTrue++;
          if (fixed.named.precise) {
            r.namedPrecise++;
            if (Math.abs(error(fixed.named)) <= 0.2) r.namedWithin20++;
          } else r.rangeWidths.push((fixed.named.latest - fixed.named.earliest) / fixed.named.possible);
          r.statements += fixed.allNamed.length;
          r.statementsTrue += fixed.allNamed.filter(cameTrue).length;
        }
      }
      const unfixed = runOnce(cell, false, rand);
      if (unfixed.verdict !== "no-baseline") {
        r.unfixedRuns++;
        if (unfixed.verdict === "verified") r.falseVerified++;
      }
    }
    return r;
  });
}

/** The nearest-rank quantile; NaN for none. */
export function percentile(values: number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(share * sorted.length) - 1)] ?? Number.NaN;
}

const hours = (minutes: number) => (minutes >= 120 ? `${(minutes / 60).toFixed(1)} h` : `${Math.round(minutes)} min`);
const pct = (n: number, of: number) => (of === 0 ? "–" : `${((100 * n) / of).toFixed(1)}%`);

/** "−25%..+34%": the 5th and 95th percentile of relative errors. */
const spread = (errors: number[]) => {
  const signed = (e: number) => `${e >= 0 ? "+" : "−"}${Math.abs(Math.round(e * 100))}%`;
  return errors.length === 0 ? "–" : `${signed(percentile(errors, 0.05))}..${signed(percentile(errors, 0.95))}`;
};

export function formatTimes(results: TimeResult[]): string {
  const rows = [
    `Time to verdict after a deploy (default config: confidence ${CONFIDENCE}, window ${MIN_WINDOW} min, lag measured from ${LAG_SAMPLE} events; looks again at the time given at the counted rate)`,
    `floor: the earliest the exact test decides with every report in; goal for web lag: median ≤ 1.5× floor; false "verified" ≤ ${pct(1 - CONFIDENCE, 1)};`,
    `"not enough data yet" comes true in ≥ 90%: a time named alone within ±20% of when a verdict became possible, a range ("between … and …") holding it`,
    `first: the first comment (time alone / ±20% of those / range width p50 of those with a range); all: every comment of every look; error: the time at the counted rate`,
    "",
    `${"cell".padEnd(32)} ${"lag".padStart(7)} ${"floor".padStart(7)} ${"verified".padStart(9)} ${"×floor".padStart(7)} ${"p90×".padStart(6)} ${"fixed ok".padStart(9)} ${"false ver.".padStart(10)} ${"first true".padStart(10)} ${"alone".padStart(6)} ${"±20%".padStart(6)} ${"width".padStart(6)} ${"all true".padStart(9)} ${"error p5..p95 (last)".padStart(26)}  check`,
  ];
  for (const r of results) {
    const ratio = percentile(r.ratios, 0.5);
    const checks = [
      r.falseVerified / Math.max(1, r.unfixedRuns) <= 1 - CONFIDENCE ? "" : "FALSE VERIFIED",
      !r.cell.goal || ratio <= 1.5 ? "" : "SLOW",
      r.named === 0 || (r.namedTrue / r.named >= 0.9 && r.statementsTrue / r.statements >= 0.9) ? "" : "NAMED TIME OFF",
      r.namedPrecise === 0 || r.namedWithin20 / r.namedPrecise >= 0.9 ? "" : "TIME ALONE OFF",
    ].filter(Boolean);
    const width = r.rangeWidths.length === 0 ? "–" : `${Math.round(percentile(r.rangeWidths, 0.5) * 100)}%`;
    rows.push(
      `${r.cell.name.padEnd(32)} ${hours(percentile(r.lags, 0.5)).padStart(7)} ${hours(percentile(r.floors, 0.5)).padStart(7)} ${hours(percentile(r.minutesToVerified, 0.5)).padStart(9)} ${ratio.toFixed(2).padStart(7)} ${percentile(r.ratios, 0.9).toFixed(2).padStart(6)} ${pct(r.fixedVerified, r.fixedRuns).padStart(9)} ${pct(r.falseVerified, r.unfixedRuns).padStart(10)} ${pct(r.namedTrue, r.named).padStart(10)} ${pct(r.namedPrecise, r.named).padStart(6)} ${pct(r.namedWithin20, r.namedPrecise).padStart(6)} ${width.padStart(6)} ${pct(r.statementsTrue, r.statements).padStart(9)} ${spread(r.namedErrors).padStart(13)} (${spread(r.lastNamedErrors)})  ${checks.join(", ") || "ok"}`,
    );
  }
  return rows.join("\n");
}
