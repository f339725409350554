import { readFileSync } from "node:fs";
import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { bugsnagCountSource } from "../../src/providers/bugsnag-query.js";
import { CountQueryError, UnknownReleaseError } from "../../src/providers/query.js";
import { BUGSNAG_IDS, startBugsnag, type Standin, type StandinRelease } from "./reporter-standins.js";

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/bugsnag-api/${name}`, import.meta.url), "utf8"));
const BUGSNAG = "https://api.bugsnag.example.com";
const { project: PROJECT, error: ERROR } = BUGSNAG_IDS;
const query = {
  signature: "fedcba9876543210",
  version: "2.3.2",
  project: PROJECT,
  reporterGroups: [{ provider: "bugsnag" as const, project: PROJECT, id: ERROR }],
  seenIn: ["2.3.0", "2.3.1"],
  exposure: "sessions" as const,
};

/** The exact query string Bugsnag expects: type and value alternate, one pair per version. */
const filter = (...versions: string[]) =>
  versions.map((v) => `filters%5Bapp.version%5D%5B%5D%5Btype%5D=eq&filters%5Bapp.version%5D%5B%5D%5Bvalue%5D=${encodeURIComponent(v)}`).join("&");

const release = (version: string, day: number, sessions: number, crashes: number, events = 300): StandinRelease => ({
  version,
  firstSeen: new Date(Date.UTC(2024, 3, day)).toISOString(),
  sessions,
  events,
  crashes,
});

let bugsnag: Standin | undefined;
afterEach(async () => {
  nock.cleanAll();
  await bugsnag?.close();
  bugsnag = undefined;
});

async function source(releases: StandinRelease[]) {
  bugsnag = await startBugsnag({ releases, token: "bugsnag_test" });
  return bugsnagCountSource({ token: "bugsnag_test", baseUrl: bugsnag.url, sleep: async () => {} });
}

describe("Bugsnag crash counts", () => {
  it("counts the error's events per app.version from X-Total-Count and sessions from the releases (recorded shapes)", async () => {
    const scope = nock(BUGSNAG, { reqheaders: { authorization: "token bugsnag_test", "x-version": "2" } })
      .get(`/projects/${PROJECT}/releases?per_page=100`)
      .reply(200, fixture("releases.json"), { "X-Total-Count": "3" })
      .get(`/projects/${PROJECT}/errors/${ERROR}/events?${filter("2.3.2")}&per_page=1`)
      .reply(200, fixture("error-events-page.json"), { "X-Total-Count": "11" })
      .get(`/projects/${PROJECT}/errors/${ERROR}/events?${filter("2.3.0", "2.3.1")}&per_page=1`)
      .reply(200, fixture("error-events-page.json"), { "X-Total-Count": "96" });
    const source = bugsnagCountSource({ token: "bugsnag_test", baseUrl: BUGSNAG, sleep: async () => {} });
    expect(await source.count(query)).toEqual({
      provider: "bugsnag",
      signature: "fedcba9876543210",
      version: "2.3.2",
      occurrences: 11,
      exposure: 6000,
      exposureUnit: "sessions",
      before: { occurrences: 96, exposure: 24_000, versions: ["2.3.0", "2.3.1"] },
      notes: [],
    });
    expect(scope.isDone()).toBe(true);
  });

  it("sums the events of every Bugsnag error joined on the hotfix issue per app.version", async () => {
    const releases = [release("2.3.0", 5, 9000, 40), release("2.3.1", 10, 15_000, 56), release("2.3.2", 20, 6000, 3)].map((r, i) => ({
      ...r,
      joinedCrashes: [10, 4, 2][i],
    }));
    const joined = { provider: "bugsnag" as const, project: PROJECT, id: BUGSNAG_IDS.joinedError };
    const counts = await (await source(releases)).count({ ...query, reporterGroups: [...query.reporterGroups, joined], seenIn: [] });
    expect(counts).toMatchObject({ occurrences: 5, exposure: 6000, before: { occurrences: 110, exposure: 24_000, versions: ["2.3.0", "2.3.1"] } });
  });

  it("asks each earlier release for the crash when the marker lists no versions, and pages the releases", async () => {
    const releases = [
      ...Array.from({ length: 40 }, (_, i) => release(`2.2.${i}`, 1, 1000, 0)),
      release("2.3.0", 5, 9000, 40),
      release("2.3.1", 10, 15_000, 56),
      release("2.3.2", 20, 6000, 0),
    ];
    const counts = await (await source(releases)).count({ ...query, seenIn: [] });
    expect(counts.before).toEqual({ occurrences: 96, exposure: 24_000, versions: ["2.3.0", "2.3.1"] });
    expect(bugsnag?.requests.filter((r) => r.includes("/releases")).length).toBe(1);
  });

  it("leaves a release without sessions out; with events it cuts off at the report lag", async () => {
    const releases = [release("2.3.0", 5, 9000, 40), release("2.3.1", 10, 0, 56), release("2.3.2", 20, 6000, 0)];
    const counts = await (await source(releases)).count(query);
    expect(counts.before.versions).toEqual(["2.3.0"]);
    expect(counts.notes).toEqual([{ kind: "left-out-without-sessions", versions: ["2.3.1"] }]);

    const events = await bugsnagCountSource({ token: "bugsnag_test", baseUrl: bugsnag?.url, sleep: async () => {} }).count({
      ...query,
      exposure: "events",
      until: new Date("2024-05-01T09:00:00Z"),
    });
    expect(events).toMatchObject({ exposureUnit: "events", exposure: 300, before: { occurrences: 96, exposure: 600 }, notes: [] });
    expect(decodeURIComponent(bugsnag?.requests.at(-1) ?? "")).toContain("filters[event.before][][value]=2024-05-01T09:00:00.000Z");
  });

  it("says the cut-off could not be applied to lifetime session totals", async () => {
    const counts = await (
      await source([release("2.3.0", 5, 9000, 40), release("2.3.2", 20, 6000, 0)])
    ).count({ ...query, until: new Date("2024-05-01T09:00:00Z") });
    expect(counts.notes).toEqual([{ kind: "no-cutoff" }]);
    expect(bugsnag?.requests.some((r) => r.includes("event.before"))).toBe(false);
  });

  it("fails clearly on an unknown version, without the ids, or without the total header", async () => {
    const src = await source([release("2.3.0", 5, 9000, 40), release("2.3.2", 20, 6000, 0)]);
    await expect(src.count({ ...query, version: "2.3.3" })).rejects.toThrow(new UnknownReleaseError("Bugsnag", "2.3.3", ["2.3.2", "2.3.0"]).message);
    await expect(src.count({ ...query, reporterGroups: undefined })).rejects.toBeInstanceOf(CountQueryError);
    nock(BUGSNAG)
      .get(`/projects/${PROJECT}/releases?per_page=100`)
      .reply(200, fixture("releases.json"))
      .get(`/projects/${PROJECT}/errors/${ERROR}/events?${filter("2.3.2")}&per_page=1`)
      .reply(200, fixture("error-events-page.json"));
    await expect(bugsnagCountSource({ token: "bugsnag_test", baseUrl: BUGSNAG, sleep: async () => {} }).count(query)).rejects.toThrow(
      /no usable X-Total-Count/,
    );
  });
});
