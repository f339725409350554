import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGitHubStandin, type GitHubStandin, type StandinOptions } from "../src/demo/github-standin.js";
import { GITHUB_SECONDARY_LIMITS, type RequestWindow } from "../src/github/secondary-limits.js";
import { SqliteStore } from "../src/store/sqlite.js";
import { startReplica } from "./replica-processes.js";
import { percentile, runStorm, type StormLoad, type StormResult } from "./storm-harness.js";

/**
 * One storm against the App and the same storm against the naive baseline, measured the same
 * way: issues opened, GitHub writes, acknowledgement latency, throughput, time to all issues.
 * `npm run bench:storm` runs it at full size; test/proof/ runs it scaled down and asserts.
 */

export const STORM_REPO = "acme/game";
export const STORM_SECRET = "storm-generic-secret";
export const STORM_CONFIG = `sources:
  - provider: generic
    projects: [storm-game]
issues:
  refreshIntervalSeconds: 5
  # The storm measures one issue per signature at full size (100 signatures), past the default budget of 20 an hour.
  maxNewPerHour: 1000
`;

export function stormPrivateKey(): string {
  return generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey;
}

/** GitHub as the storm meets it: 50–150 ms answers, occasional 502, 429 and secondary rate limits, a search index that lags. */
export function realisticGitHub(overrides: Partial<StandinOptions> = {}): StandinOptions {
  return {
    repos: { [STORM_REPO]: { installationId: 7, files: { ".github/hotfix.yml": STORM_CONFIG } } },
    latencyMs: { min: 50, max: 150 },
    faults: { badGateway: 0.02, rateLimited: 0.01, secondaryRateLimit: 0.01 },
    retryAfterSeconds: 1,
    searchLagMs: 2_000,
    seed: 42,
    // A run without the App's pacing (StormRun.paced) measures the store and the outbox rather than
    // GitHub's pace; so GitHub's limit on content-creating requests (80 a minute) is lifted for it, and
    // only the injected secondary-limit answers remain.
    limits: { contentCreation: false },
    ...overrides,
  };
}

export interface StormFigures {
  name: string;
  alerts: number;
  signatures: number;
  storm: StormResult;
  issues: number;
  /** Signatures with more than one issue. */
  duplicated: number;
  writes: number;
  creates: number;
  edits: number;
  /** Highest number of writes any one issue got. */
  maxWritesPerIssue: number;
  ackP50: number;
  ackP99: number;
  alertsPerSecond: number;
  /** From the first alert sent until every signature had its issue; null if some never did. */
  allIssuesMs: number | null;
  /** From the first alert sent until the first issue; null if none came. */
  firstIssueMs: number | null;
  /** 403s the stand-in answered because its content-creation limit was exceeded (not its injected faults). */
  limited: number;
  /** The stand-in's injected secondary-limit answers. */
  injectedSecondary: number;
}

export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, stepMs = 25): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return condition();
}

export function measure(
  name: string,
  github: GitHubStandin,
  load: Pick<StormLoad, "alerts" | "signatures">,
  storm: StormResult,
  allIssuesMs: number | null,
  firstIssueMs: number | null = null,
): StormFigures {
  const issues = github.issues.get(STORM_REPO) ?? [];
  const byTitle = new Map<string, number>();
  for (const issue of issues) {
    // Both bots put the exception type, which differs per signature, in the title.
    const key = /NullReferenceException(\d+)/.exec(issue.title)?.[1] ?? issue.title;
    byTitle.set(key, (byTitle.get(key) ?? 0) + 1);
  }
  const writes = github.writes();
  const perIssue = new Map<string, number>();
  for (const w of writes) {
    const n = /\/issues\/(\d+)/.exec(w.path)?.[1];
    if (n) perIssue.set(n, (perIssue.get(n) ?? 0) + 1);
  }
  return {
    name,
    alerts: load.alerts,
    signatures: load.signatures,
    storm,
    issues: issues.length,
    duplicated: [...byTitle.values()].filter((n) => n > 1).length,
    writes: writes.length,
    creates: writes.filter((w) => w.route === "POST /repos/{owner}/{repo}/issues").length,
    edits: writes.filter((w) => w.route === "PATCH /repos/{owner}/{repo}/issues/{number}").length,
    // +1: the create itself is counted on the repo path, not the issue's.
    maxWritesPerIssue: Math.max(0, ...perIssue.values()) + 1,
    ackP50: percentile(storm.latencies, 50),
    ackP99: percentile(storm.latencies, 99),
    alertsPerSecond: (storm.acknowledged.length / storm.elapsedMs) * 1000,
    allIssuesMs,
    firstIssueMs,
    limited: github.calls.filter((c) => c.limited).length,
    injectedSecondary: github.calls.filter((c) => c.status === 403 && !c.limited).length,
  };
}

export interface StormRun {
  alerts: number;
  signatures: number;
  senders: number;
  ratePerSecond?: number;
  github?: Partial<StandinOptions>;
  /** How long to wait after the last alert for the issues (and refreshes) to land. */
  settleMs?: number;
  /**
   * GitHub's pace: the stand-in enforces these content-creation windows and the App (or the naive
   * baseline, with Probot's default throttling) paces itself by them; absent, both run unpaced.
   */
  paced?: RequestWindow[];
}

/** Watches the stand-in from the first alert until every signature has an issue. */
export function watchIssues(github: GitHubStandin, signatures: number): { stop(): void; result(): number | null; first(): number | null } {
  const start = performance.now();
  let reached: number | null = null;
  let first: number | null = null;
  const timer = setInterval(() => {
    const issues = github.issues.get(STORM_REPO)?.length ?? 0;
    if (first === null && issues > 0) first = performance.now() - start;
    if (reached === null && issues >= signatures) reached = performance.now() - start;
  }, 10);
  return {
    stop: () => clearInterval(timer),
    result: () => reached,
    first: () => first,
  };
}

/**
 * The earliest the last of `creates` content-creating requests can reach GitHub under these windows,
 * counted from the first: every request as early as the windows allow, answered at once.
 */
export function pacedFloorMs(creates: number, windows: RequestWindow[] = GITHUB_SECONDARY_LIMITS.contentCreation): number {
  const at: number[] = [];
  for (let k = 0; k < creates; k++) at.push(Math.max(0, ...windows.map((w) => (k >= w.limit ? at[k - w.limit]! + w.ms : 0))));
  return at.at(-1) ?? 0;
}

/** The stand-in's options and the server's environment for a paced or unpaced run. */
export function pacing(run: StormRun): { github: Partial<StandinOptions>; env: Record<string, string> } {
  if (!run.paced) return { github: run.github ?? {}, env: {} };
  return {
    github: { ...run.github, limits: { contentCreation: run.paced } },
    env: { HOTFIX_THROTTLE: "on", HOTFIX_GITHUB_CONTENT_LIMITS: run.paced.map((w) => `${w.limit}/${w.ms / 1000}s`).join(",") },
  };
}

/**
 * The App as its own process on its SQLite default, as in production: the load generator and
 * the GitHub stand-in run in this process, so they do not share the App's event loop.
 */
export async function stormTheApp(run: StormRun, privateKey = stormPrivateKey()): Promise<StormFigures & { counted: number; pendingJobs: number }> {
  const dir = mkdtempSync(join(tmpdir(), "hotfix-storm-"));
  const paced = pacing(run);
  const github = await startGitHubStandin(realisticGitHub(paced.github));
  const dbPath = join(dir, "app.sqlite");
  const replica = await startReplica({
    HOTFIX_DB_PATH: dbPath,
    GITHUB_URL: github.url,
    PRIVATE_KEY: privateKey,
    HOTFIX_GENERIC_SECRET: STORM_SECRET,
    ...paced.env,
  });
  const store = new SqliteStore(dbPath);
  try {
    const watch = watchIssues(github, run.signatures);
    const storm = await runStorm({ url: `${replica.url}/hotfix/alerts/generic/${STORM_REPO}`, secret: STORM_SECRET, ...run });
    await waitUntil(async () => watch.result() !== null && (await store.outboxStatus(new Date())).pendingJobs === 0, run.settleMs ?? 30_000, 100);
    watch.stop();
    const counted = (await store.repoVersionCounts(STORM_REPO)).reduce((sum, v) => sum + v.count, 0);
    const { pendingJobs } = await store.outboxStatus(new Date());
    return { ...measure("hotfix-loop", github, run, storm, watch.result(), watch.first()), counted, pendingJobs };
  } finally {
    await replica.stop();
    await store.close();
    await github.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function stormTheNaiveBaseline(run: StormRun, privateKey = stormPrivateKey()): Promise<StormFigures> {
  const paced = pacing(run);
  const github = await startGitHubStandin(realisticGitHub(paced.github));
  const naive = await startReplica(
    { GITHUB_URL: github.url, PRIVATE_KEY: privateKey, NAIVE_REPO: STORM_REPO, NAIVE_INSTALLATION: "7", ...paced.env },
    "naive-process",
  );
  try {
    const watch = watchIssues(github, run.signatures);
    const storm = await runStorm({ url: naive.url, secret: STORM_SECRET, ...run });
    await waitUntil(() => watch.result() !== null, run.settleMs ?? 30_000, 100);
    watch.stop();
    return measure("naive baseline", github, run, storm, watch.result(), watch.first());
  } finally {
    await naive.stop();
    await github.close();
  }
}
