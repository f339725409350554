import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import nock from "nock";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { countsOf, drawWorlds, GRID, judge, type Cell } from "../../bench/verify-simulation.js";
import { run as runAction } from "../../src/action/main.js";
import { run as runCli } from "../../src/cli/verify.js";
import { issueMarker } from "../../src/core/render.js";
import { assessVerification, type VerdictName } from "../../src/core/verify.js";
import { seededRandom } from "../../src/demo/github-standin.js";
import {
  BUGSNAG_IDS,
  SENTRY_ISSUE,
  SENTRY_JOINED_ISSUE,
  startBugsnag,
  startCountsApi,
  startSentry,
  type Standin,
} from "../providers/reporter-standins.js";
import { actionEnv, captureActionRuns } from "./harness.js";

// The simulation's promise end to end: seeded worlds served by loopback stand-ins of Sentry,
// Bugsnag and the App's counts API, judged by `hotfix-loop verify` and by the Action's verify
// mode. Fewer runs than the pure grid (test/core/verify-simulation.test.ts); each run's verdict
// must equal the pure verdict on the same world, so the grid's figures hold for every provider.

const API = "https://api.github.com";
const REPO = "/repos/Codertocat/Hello-World";
const SHA = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e";
const SIGNATURE = "5151515151515151";
const TOKEN = "reporter_test_token";
const EXIT: Record<number, VerdictName> = { 0: "verified", 1: "not-verified", 3: "not-enough-data" };

type Provider = "sentry" | "bugsnag" | "generic";
const servers = {} as Record<Provider, Standin>;

beforeAll(async () => {
  servers.sentry = await startSentry({ releases: [], token: TOKEN, org: "acme" });
  servers.bugsnag = await startBugsnag({ releases: [], token: TOKEN });
  servers.generic = await startCountsApi({ releases: [], token: TOKEN, repo: "Codertocat/Hello-World", signature: SIGNATURE });
});
afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
});

const cell = (name: string): Cell => {
  const found = GRID.find((c) => c.name === name);
  if (!found) throw new Error(`no cell ${name}`);
  return found;
};

const CELLS: { cell: Cell; fixed: boolean }[] = [
  { cell: cell("thin: ~3 before, 1× after"), fixed: false },
  { cell: cell("thin, release without sessions"), fixed: false },
  { cell: cell("plenty: ~100 before, 1× after"), fixed: true },
  { cell: cell("release without sessions"), fixed: true },
];

const deployedAt = () => new Date(Date.now() - 2 * 86_400_000).toISOString();

function cliArgs(provider: Provider, version: string): string[] {
  const common = ["--provider", provider, "--signature", SIGNATURE, "--version", version, "--deployed-at", deployedAt()];
  if (provider === "sentry") return [...common, "--org", "acme", "--issue-id", SENTRY_ISSUE.id];
  if (provider === "bugsnag") return [...common, "--project", BUGSNAG_IDS.project, "--issue-id", BUGSNAG_IDS.error];
  return [...common, "--app-url", servers.generic.url, "--repo", "Codertocat/Hello-World"];
}

const env = () => ({
  SENTRY_AUTH_TOKEN: TOKEN,
  SENTRY_URL: servers.sentry.url,
  BUGSNAG_AUTH_TOKEN: TOKEN,
  BUGSNAG_API_URL: servers.bugsnag.url,
  HOTFIX_API_TOKEN: TOKEN,
});

/** The pure verdict of the same world, with the exposure the provider can give. */
function pureVerdict(provider: Provider, world: ReturnType<typeof drawWorlds>[number]): VerdictName {
  return judge(
    [world],
    (w) =>
      assessVerification(
        countsOf(w, provider === "generic" ? "events" : "sessions"),
        { confidence: 0.99, minWindowMinutes: 0, reportLagMinutes: 0 },
        new Date(0),
        new Date(),
      ).verdict,
  );
}

/**
 * Every run equals the pure verdict on its world, so the pure grid's rates (thousands of runs
 * per cell) are this provider's rates; here, with tens of runs, a true fix at high traffic is
 * verified in ≥ 95% and an unfixed crash is never said to be verified more than the grid allows.
 */
function expectPromiseKept(verdicts: VerdictName[], fixed: boolean): void {
  const verified = verdicts.filter((v) => v === "verified").length / verdicts.length;
  if (fixed) expect(verified).toBeGreaterThanOrEqual(0.95);
  else expect(verified).toBeLessThanOrEqual(Math.max(0.01, 1 / verdicts.length));
}

describe.each(["sentry", "bugsnag", "generic"] as const)("%s through `hotfix-loop verify`", (provider) => {
  it.each(CELLS)("$cell.name, fixed: $fixed", async ({ cell: c, fixed }) => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    const rand = seededRandom(1000 + GRID.indexOf(c));
    const verdicts: VerdictName[] = [];
    for (let i = 0; i < 30; i++) {
      const [world] = drawWorlds(c, fixed, rand, i % 2 === 1);
      if (!world) throw new Error("no world");
      servers[provider].setReleases(world.releases);
      const code = await runCli(cliArgs(provider, world.version), { env: env(), sleep: async () => {} });
      const verdict = EXIT[code];
      expect(verdict, `exit ${code}`).toBeDefined();
      expect(verdict).toBe(pureVerdict(provider, world));
      verdicts.push(verdict as VerdictName);
    }
    vi.restoreAllMocks();
    expectPromiseKept(verdicts, fixed);
  });
});

/** GitHub for the Action's verify mode: hotfix issue #9 with `body`, and the writes of the verdict. */
function serveHotfixIssue(body: () => string) {
  nock(API)
    .persist()
    .get(/\/contents\//)
    .reply(404, { message: "Not Found" })
    .get(`${REPO}/issues/9`)
    .reply(200, () => ({ number: 9, state: "open", body: body() }))
    .get(`${REPO}/issues/9/comments`)
    .query(true)
    .reply(200, [])
    .post(`${REPO}/issues/9/comments`)
    .reply(201, { id: 1 })
    .post(`${REPO}/issues/9/labels`)
    .reply(200, [])
    .delete(/\/issues\/9\/labels\/.+/)
    .reply(404, { message: "Label does not exist" })
    .post(`${REPO}/statuses/${SHA}`)
    .reply(201, { id: 1 });
}

describe.each(["sentry", "bugsnag", "generic"] as const)("%s through the Action's verify mode", (provider) => {
  const failure = captureActionRuns();

  const marker = () => ({
    v: 1 as const,
    signature: SIGNATURE,
    provider,
    project: provider === "bugsnag" ? BUGSNAG_IDS.project : provider === "sentry" ? SENTRY_ISSUE.slug : undefined,
    frames: [],
    versions: [],
    reporterGroupId: provider === "bugsnag" ? BUGSNAG_IDS.error : provider === "sentry" ? SENTRY_ISSUE.id : undefined,
  });

  it.each(CELLS)("$cell.name, fixed: $fixed", async ({ cell: c, fixed }) => {
    // captureActionRuns() shuts the network; the reporters' stand-ins are on loopback.
    nock.enableNetConnect(/^127\.0\.0\.1(:\d+)?$/);
    const rand = seededRandom(2000 + GRID.indexOf(c));
    const inputs = {
      issue: "9",
      "deployed-at": deployedAt(),
      "sentry-org": "acme",
      "sentry-url": servers.sentry.url,
      "sentry-auth-token": TOKEN,
      "bugsnag-api-url": servers.bugsnag.url,
      "bugsnag-auth-token": TOKEN,
      "app-url": servers.generic.url,
      "hotfix-api-token": TOKEN,
    };
    const action = actionEnv({ eventName: "workflow_dispatch", payload: {}, inputs: { ...inputs, version: "0" }, apiUrl: API });
    process.env.GITHUB_SHA = SHA;
    mkdirSync(join(action.dir, ".github"), { recursive: true });
    writeFileSync(join(action.dir, ".github", "hotfix.yml"), "verify:\n  minWindowMinutes: 0\n");
    serveHotfixIssue(() => issueMarker(marker()));
    const verdicts: VerdictName[] = [];
    for (let i = 0; i < 10; i++) {
      const [world] = drawWorlds(c, fixed, rand, i % 2 === 1);
      if (!world) throw new Error("no world");
      servers[provider].setReleases(world.releases);
      process.env.INPUT_VERSION = world.version;
      await runAction();
      expect(failure()).toBe("");
      const verdict = action.outputs().verdict as VerdictName;
      expect(verdict).toBe(pureVerdict(provider, world));
      verdicts.push(verdict);
    }
    expectPromiseKept(verdicts, fixed);
  });
});

describe("two Sentry issues joined on one hotfix issue, through the Action's verify mode", () => {
  const failure = captureActionRuns();

  it("counts the events of both, as its marker lists them", async () => {
    nock.enableNetConnect(/^127\.0\.0\.1(:\d+)?$/);
    const day = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
    servers.sentry.setReleases([
      { version: "2.0.0", firstSeen: day(30), sessions: 40_000, events: 900, crashes: 30, joinedCrashes: 50 },
      { version: "2.0.1", firstSeen: day(3), sessions: 40_000, events: 800, crashes: 0, joinedCrashes: 70 },
    ]);
    const marker = issueMarker({
      v: 1,
      signature: SIGNATURE,
      provider: "sentry",
      project: SENTRY_ISSUE.slug,
      frames: [],
      versions: ["2.0.0"],
      reporterGroupId: SENTRY_JOINED_ISSUE.id,
      reporterGroups: [
        { provider: "sentry", id: SENTRY_ISSUE.id },
        { provider: "sentry", id: SENTRY_JOINED_ISSUE.id },
      ],
    });
    serveHotfixIssue(() => marker);
    const action = actionEnv({
      eventName: "workflow_dispatch",
      payload: {},
      inputs: {
        issue: "9",
        version: "2.0.1",
        "deployed-at": day(2),
        "sentry-org": "acme",
        "sentry-url": servers.sentry.url,
        "sentry-auth-token": TOKEN,
      },
      apiUrl: API,
    });
    process.env.GITHUB_SHA = SHA;
    mkdirSync(join(action.dir, ".github"), { recursive: true });
    writeFileSync(join(action.dir, ".github", "hotfix.yml"), "verify:\n  minWindowMinutes: 0\n");
    await runAction();
    expect(failure()).toBe("");
    const [record] = JSON.parse(action.outputs().verdicts ?? "[]") as { occurrences: number; before: { occurrences: number } }[];
    // The first issue alone would say 0 crashes in 2.0.1: a fix verified that is none.
    expect(record).toMatchObject({ occurrences: 70, before: { occurrences: 80, versions: ["2.0.0"] } });
    expect(action.outputs().verdict).toBe("not-verified");
  });
});
