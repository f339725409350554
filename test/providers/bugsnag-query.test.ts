import { readFileSync } from "node:fs";
import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { bugsnagCountSource } from "../../src/providers/bugsnag-query.js";

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/bugsnag-api/${name}`, import.meta.url), "utf8"));
const BUGSNAG = "https://api.bugsnag.example.com";
const PROJECT = "5f8a1b2c3d4e5f6a7b8c9d0e";
const ERROR = "60a1b2c3d4e5f6a7b8c9d0e1";
const query = { signature: "fedcba9876543210", version: "2.3.2", project: PROJECT, reporterGroupId: ERROR, knownVersions: ["2.3.0", "2.3.1"], exposure: "sessions" as const };

/** The exact query string Bugsnag expects: type and value alternate, one pair per version. */
const filter = (...versions: string[]) =>
  versions.map((v) => `filters%5Bapp.version%5D%5B%5D%5Btype%5D=eq&filters%5Bapp.version%5D%5B%5D%5Bvalue%5D=${encodeURIComponent(v)}`).join("&");

afterEach(() => {
  nock.cleanAll();
});

function api() {
  return nock(BUGSNAG, { reqheaders: { authorization: "token bugsnag_test", "x-version": "2" } });
}

describe("Bugsnag crash counts", () => {
  const source = bugsnagCountSource({ token: "bugsnag_test", baseUrl: BUGSNAG, sleep: async () => {} });

  it("counts the error's events per app.version from X-Total-Count and sessions from the releases", async () => {
    const scope = api()
      .get(`/projects/${PROJECT}/releases?per_page=100`)
      .reply(200, fixture("releases.json"), { "X-Total-Count": "3" })
      .get(`/projects/${PROJECT}/errors/${ERROR}/events?${filter("2.3.2")}&per_page=1`)
      .reply(200, fixture("error-events-page.json"), { "X-Total-Count": "11" })
      .get(`/projects/${PROJECT}/errors/${ERROR}/events?${filter("2.3.0", "2.3.1")}&per_page=1`)
      .reply(200, fixture("error-events-page.json"), { "X-Total-Count": "96" });
    expect(await source.count(query)).toEqual({
      provider: "bugsnag",
      signature: "fedcba9876543210",
      version: "2.3.2",
      occurrences: 11,
      exposure: 6000,
      exposureUnit: "sessions",
      before: { occurrences: 96, exposure: 24_000, versions: ["2.3.0", "2.3.1"] },
    });
    expect(scope.isDone()).toBe(true);
  });

  it("uses every earlier release when the marker lists no versions, and project events without sessions", async () => {
    const noSessions = (fixture("releases.json") as { total_sessions_count: number }[]).map((r) => ({ ...r, total_sessions_count: 0 }));
    const scope = api()
      .get(`/projects/${PROJECT}/releases?per_page=100`)
      .reply(200, noSessions)
      .get(`/projects/${PROJECT}/errors/${ERROR}/events?${filter("2.3.2")}&per_page=1`)
      .reply(200, [], { "X-Total-Count": "0" })
      .get(`/projects/${PROJECT}/events?${filter("2.3.2")}&per_page=1`)
      .reply(200, fixture("error-events-page.json"), { "X-Total-Count": "300" })
      .get(`/projects/${PROJECT}/errors/${ERROR}/events?${filter("2.3.0", "2.3.1")}&per_page=1`)
      .reply(200, fixture("error-events-page.json"), { "X-Total-Count": "96" })
      .get(`/projects/${PROJECT}/events?${filter("2.3.0", "2.3.1")}&per_page=1`)
      .reply(200, fixture("error-events-page.json"), { "X-Total-Count": "1200" });
    const counts = await source.count({ ...query, knownVersions: [] });
    expect(counts).toMatchObject({ occurrences: 0, exposure: 300, exposureUnit: "events", before: { occurrences: 96, exposure: 1200, versions: ["2.3.0", "2.3.1"] } });
    expect(scope.isDone()).toBe(true);
  });

  it("fails clearly without the ids or the total header", async () => {
    await expect(source.count({ ...query, reporterGroupId: undefined })).rejects.toThrow(/lacks the Bugsnag error id/);
    api()
      .get(`/projects/${PROJECT}/releases?per_page=100`)
      .reply(200, fixture("releases.json"))
      .get(`/projects/${PROJECT}/errors/${ERROR}/events?${filter("2.3.2")}&per_page=1`)
      .reply(200, fixture("error-events-page.json"));
    await expect(source.count(query)).rejects.toThrow(/no usable X-Total-Count/);
  });
});
