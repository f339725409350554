import { readFileSync } from "node:fs";
import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { ProviderApiError } from "../../src/providers/http.js";
import { CountQueryError, UnknownReleaseError } from "../../src/providers/query.js";
import { sentryCountSource } from "../../src/providers/sentry-query.js";
import { SENTRY_ISSUE, SENTRY_JOINED_ISSUE, startSentry, type Standin, type StandinRelease } from "./reporter-standins.js";

const query = {
  signature: "0123456789abcdef",
  version: "1.4.2",
  project: "checkout-web",
  reporterGroups: [{ provider: "sentry" as const, id: SENTRY_ISSUE.id }],
  exposure: "sessions" as const,
};
const release = (version: string, day: number, sessions: number, crashes: number, events = 10 * crashes + 100): StandinRelease => ({
  version,
  firstSeen: new Date(Date.UTC(2024, 3, day)).toISOString(),
  sessions,
  events,
  crashes,
});
/** The scenario of test/fixtures/sentry-api: the crash in 1.4.0 and 1.4.1, the hotfix in 1.4.2. */
const SCENARIO = [
  release("1.3.9", 1, 30_000, 0),
  release("1.4.0", 10, 20_000, 70, 2100),
  release("1.4.1", 20, 18_700, 50, 1900),
  release("1.4.2", 30, 12_400, 0, 640),
];

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/sentry-api/${name}`, import.meta.url), "utf8"));

let sentry: Standin | undefined;
afterEach(async () => {
  nock.cleanAll();
  await sentry?.close();
  sentry = undefined;
});

async function source(releases: StandinRelease[], options: { rateLimited?: number; waits?: number[] } = {}) {
  sentry = await startSentry({ releases, token: "sntrys_test", org: "acme", rateLimited: options.rateLimited });
  return sentryCountSource({ token: "sntrys_test", org: "acme", baseUrl: sentry.url, sleep: async (ms) => void options.waits?.push(ms) });
}

describe("Sentry crash counts", () => {
  it("counts the issue's events per release and the releases' sessions since the crash first appeared", async () => {
    const counts = await (await source(SCENARIO)).count(query);
    expect(counts).toEqual({
      provider: "sentry",
      signature: "0123456789abcdef",
      version: "1.4.2",
      occurrences: 0,
      exposure: 12_400,
      exposureUnit: "sessions",
      before: { occurrences: 120, exposure: 38_700, versions: ["1.4.0", "1.4.1"] },
      notes: [],
    });
  });

  it("sums the events of every Sentry issue joined on the hotfix issue per release, and counts each project's exposure once", async () => {
    const joined = SCENARIO.map((r, i) => ({ ...r, joinedCrashes: [0, 30, 20, 4][i] }));
    const both = await (
      await source(joined)
    ).count({
      ...query,
      reporterGroups: [...query.reporterGroups, { provider: "sentry", id: SENTRY_JOINED_ISSUE.id }],
    });
    expect(both).toMatchObject({ occurrences: 4, exposure: 12_400, before: { occurrences: 170, exposure: 38_700, versions: ["1.4.0", "1.4.1"] } });
    // Another reporter's group on the same issue is not Sentry's to count.
    const sentryOnly = await (
      await source(joined)
    ).count({ ...query, reporterGroups: [...query.reporterGroups, { provider: "bugsnag", project: "p", id: "e" }] });
    expect(sentryOnly).toMatchObject({ occurrences: 0, before: { occurrences: 120 } });
  });

  it("reads Sentry's recorded shapes, falling back to error events when the project has no session data", async () => {
    const SENTRY = "https://sentry.example.com";
    const scope = nock(SENTRY, { reqheaders: { authorization: "Bearer sntrys_test" } })
      .get("/api/0/organizations/acme/issues/4509876543/")
      .reply(200, fixture("issue.json"))
      .get("/api/0/organizations/acme/releases/")
      .query({ project: "4505123", per_page: "100" })
      .reply(200, fixture("releases.json"))
      .get("/api/0/organizations/acme/events/")
      .query({
        dataset: "errors",
        field: ["release", "count()"],
        project: "4505123",
        query: "issue.id:4509876543",
        statsPeriod: "90d",
        per_page: "100",
      })
      .reply(200, fixture("issue-events-by-release.json"))
      .get("/api/0/organizations/acme/sessions/")
      .query(true)
      .reply(200, fixture("sessions-none.json"))
      .get("/api/0/organizations/acme/events/")
      .query({
        dataset: "errors",
        field: ["release", "count()"],
        project: "4505123",
        query: 'event.type:error release:["1.4.0","1.4.1","1.4.2"]',
        statsPeriod: "90d",
        per_page: "100",
      })
      .reply(200, fixture("discover-errors-by-release.json"));
    const counts = await sentryCountSource({ token: "sntrys_test", org: "acme", baseUrl: SENTRY, sleep: async () => {} }).count(query);
    expect(counts).toMatchObject({
      exposure: 640,
      exposureUnit: "events",
      before: { occurrences: 120, exposure: 4000, versions: ["1.4.0", "1.4.1"] },
    });
    expect(counts.notes).toEqual([{ kind: "events-instead-of-sessions", why: "no-session-data" }]);
    expect(scope.isDone()).toBe(true);
  });

  it("keeps releases without the crash since it first appeared: leaving them out would inflate the old rate", async () => {
    const counts = await (await source([...SCENARIO.slice(0, 2), release("1.4.1", 20, 18_700, 0), SCENARIO[3] as StandinRelease])).count(query);
    expect(counts.before).toEqual({ occurrences: 70, exposure: 38_700, versions: ["1.4.0", "1.4.1"] });
  });

  it("leaves a release with crashes but no session data out of a sessions comparison, and says so", async () => {
    const counts = await (await source([release("1.4.0", 10, 20_000, 70), release("1.4.1", 20, 0, 50), SCENARIO[3] as StandinRelease])).count(query);
    expect(counts.before).toEqual({ occurrences: 70, exposure: 20_000, versions: ["1.4.0"] });
    expect(counts.notes).toEqual([{ kind: "left-out-without-sessions", versions: ["1.4.1"] }]);
  });

  it("compares events to events when the new release has no session data yet", async () => {
    const counts = await (await source([...SCENARIO.slice(0, 3), release("1.4.2", 30, 0, 0, 640)])).count(query);
    expect(counts).toMatchObject({ exposure: 640, exposureUnit: "events", before: { occurrences: 120, exposure: 4000 } });
    expect(counts.notes).toEqual([{ kind: "events-instead-of-sessions", why: "new-release-without-sessions" }]);
  });

  it("never drops the new release when Sentry caps the groups of a sessions answer", async () => {
    // 60 earlier releases, each with more sessions than the new one: one answer would hold only the 25 largest.
    const releases = [
      ...Array.from({ length: 60 }, (_, i) => release(`1.3.${i}`, 1 + i / 10, 50_000 + i, 2)),
      release("1.4.0", 10, 50_000, 3),
      release("1.4.2", 30, 400, 0),
    ];
    const counts = await (await source(releases)).count(query);
    expect(counts.exposure).toBe(400);
    expect(counts.exposureUnit).toBe("sessions");
    expect(counts.before.versions).toHaveLength(61);
    expect(counts.before.exposure).toBe(releases.slice(0, 61).reduce((sum, r) => sum + r.sessions, 0));
  });

  it("orders git-SHA releases by when Sentry first saw them", async () => {
    const sha = (n: string) => n.repeat(40);
    const releases = [release(sha("c"), 5, 1000, 4), release(sha("a"), 10, 1000, 6), release(sha("b"), 20, 3000, 0), release(sha("d"), 25, 9000, 1)];
    const counts = await (await source(releases)).count({ ...query, version: sha("b") });
    // "c" came first and crashed: it and "a" are before "b"; "d" came after.
    expect(counts.before.versions).toEqual([sha("c"), sha("a")]);
    expect(counts.before.occurrences).toBe(10);
  });

  it("compares with the versions named by --before", async () => {
    const counts = await (await source(SCENARIO)).count({ ...query, before: ["1.4.1"] });
    expect(counts.before).toEqual({ occurrences: 50, exposure: 18_700, versions: ["1.4.1"] });
  });

  it("counts up to the report-lag cut-off", async () => {
    await (await source(SCENARIO)).count({ ...query, until: new Date("2024-05-01T09:00:00Z") });
    const counted = sentry?.requests.filter((r) => /\/(events|sessions)\//.test(r)) ?? [];
    expect(counted.length).toBeGreaterThan(0);
    for (const r of counted) expect(decodeURIComponent(r)).toContain("end=2024-05-01T09:00:00.000Z");
  });

  it("names the releases it knows when the version is spelled otherwise", async () => {
    const src = await source(SCENARIO.map((r) => ({ ...r, version: `shop@${r.version}` })));
    const error = await src.count(query).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownReleaseError);
    expect((error as Error).message).toBe(
      'Sentry has no release "1.4.2": it knows shop@1.4.2, shop@1.4.1, shop@1.4.0, shop@1.3.9. Did you mean "shop@1.4.2"? Give the version as the reporter names its releases.',
    );
  });

  it("says which token or id is wrong", async () => {
    await source(SCENARIO);
    const wrongToken = sentryCountSource({ token: "nope", org: "acme", baseUrl: sentry?.url, sleep: async () => {} });
    await expect(wrongToken.count(query)).rejects.toThrow(
      /Sentry API: GET \/api\/0\/organizations\/acme\/issues\/4509876543\/ answered 401 \(check the auth token/,
    );
    await expect(wrongToken.count(query)).rejects.toBeInstanceOf(ProviderApiError);
    await expect(wrongToken.count({ ...query, reporterGroups: undefined })).rejects.toBeInstanceOf(CountQueryError);
  });

  it("retries after a 429 honouring Retry-After, and says how long it waited when it gives up", async () => {
    const waits: number[] = [];
    const counts = await (await source(SCENARIO, { rateLimited: 1, waits })).count(query);
    expect(waits).toEqual([1000]);
    expect(counts.exposure).toBe(12_400);
    await sentry?.close();
    const stubborn = await source(SCENARIO, { rateLimited: 100, waits: [] });
    await expect(stubborn.count(query)).rejects.toThrow(/answered 429 \(rate limited: still 429 after 4 tries and 3 s of waiting/);
  });
});
