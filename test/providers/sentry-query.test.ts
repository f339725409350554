import { readFileSync } from "node:fs";
import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { sentryCountSource } from "../../src/providers/sentry-query.js";

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/sentry-api/${name}`, import.meta.url), "utf8"));
const SENTRY = "https://sentry.example.com";
const query = { signature: "0123456789abcdef", version: "1.4.2", project: "checkout-web", reporterGroupId: "4509876543", knownVersions: [], exposure: "sessions" as const };
const noWait = async () => {};

afterEach(() => {
  nock.cleanAll();
});

function issueAndTags() {
  return nock(SENTRY, { reqheaders: { authorization: "Bearer sntrys_test" } })
    .get("/api/0/organizations/acme/issues/4509876543/")
    .reply(200, fixture("issue.json"))
    .get("/api/0/organizations/acme/issues/4509876543/tags/release/values/")
    .query({ sort: "-count" })
    .reply(200, fixture("release-tag-values.json"));
}

describe("Sentry crash counts", () => {
  const source = sentryCountSource({ token: "sntrys_test", org: "acme", baseUrl: SENTRY, sleep: noWait });

  it("counts the issue's events per release and the releases' sessions", async () => {
    const scope = issueAndTags()
      .get("/api/0/organizations/acme/sessions/")
      .query({
        field: "sum(session)",
        groupBy: "release",
        project: "4505123",
        query: 'release:["1.4.0","1.4.1","1.4.2"]',
        statsPeriod: "90d",
        interval: "1d",
      })
      .reply(200, fixture("sessions-by-release.json"));
    const counts = await source.count(query);
    expect(counts).toEqual({
      provider: "sentry",
      signature: "0123456789abcdef",
      version: "1.4.2",
      occurrences: 0,
      exposure: 12_400,
      exposureUnit: "sessions",
      before: { occurrences: 120, exposure: 38_700, versions: ["1.4.0", "1.4.1"] },
    });
    expect(scope.isDone()).toBe(true);
  });

  it("falls back to all error events of each release when the project has no sessions", async () => {
    const scope = issueAndTags()
      .get("/api/0/organizations/acme/sessions/")
      .query(true)
      .reply(200, fixture("sessions-none.json"))
      .get("/api/0/organizations/acme/events/")
      .query({
        field: ["release", "count()"],
        project: "4505123",
        query: 'event.type:error release:["1.4.0","1.4.1","1.4.2"]',
        statsPeriod: "90d",
        per_page: "100",
      })
      .reply(200, fixture("discover-errors-by-release.json"));
    const counts = await source.count(query);
    expect(counts.exposureUnit).toBe("events");
    expect(counts.exposure).toBe(640);
    expect(counts.before).toEqual({ occurrences: 120, exposure: 4000, versions: ["1.4.0", "1.4.1"] });
    expect(scope.isDone()).toBe(true);
  });

  it("follows the tag values' pagination and counts the new release when it crashed", async () => {
    const scope = nock(SENTRY)
      .get("/api/0/organizations/acme/issues/4509876543/")
      .reply(200, fixture("issue.json"))
      .get("/api/0/organizations/acme/issues/4509876543/tags/release/values/")
      .query({ sort: "-count" })
      .reply(200, fixture("release-tag-values.json"), {
        Link: `<${SENTRY}/api/0/organizations/acme/issues/4509876543/tags/release/values/?cursor=0:100:0>; rel="next"; results="true"; cursor="0:100:0"`,
      })
      .get("/api/0/organizations/acme/issues/4509876543/tags/release/values/")
      .query({ cursor: "0:100:0" })
      .reply(200, [{ key: "release", name: "1.4.2", value: "1.4.2", count: 9, lastSeen: "2024-05-01T12:00:00Z", firstSeen: "2024-05-01T10:30:00Z" }], {
        Link: `<${SENTRY}/api/0/organizations/acme/issues/4509876543/tags/release/values/?cursor=0:200:0>; rel="next"; results="false"; cursor="0:200:0"`,
      })
      .get("/api/0/organizations/acme/sessions/")
      .query(true)
      .reply(200, fixture("sessions-by-release.json"));
    const counts = await source.count(query);
    expect(counts.occurrences).toBe(9);
    expect(counts.before.occurrences).toBe(120);
    expect(scope.isDone()).toBe(true);
  });

  it("says which token or id is wrong", async () => {
    nock(SENTRY).get("/api/0/organizations/acme/issues/4509876543/").reply(401, { detail: "Invalid token" });
    await expect(source.count(query)).rejects.toThrow(/Sentry API: GET \/api\/0\/organizations\/acme\/issues\/4509876543\/ answered 401 \(check the auth token/);
    await expect(source.count({ ...query, reporterGroupId: undefined })).rejects.toThrow(/no Sentry issue id \(reporterGroupId/);
  });

  it("retries after a 429 honouring Retry-After", async () => {
    const waits: number[] = [];
    const patient = sentryCountSource({ token: "sntrys_test", org: "acme", baseUrl: SENTRY, sleep: async (ms) => void waits.push(ms) });
    nock(SENTRY).get("/api/0/organizations/acme/issues/4509876543/").reply(429, "slow down", { "Retry-After": "7" });
    issueAndTags().get("/api/0/organizations/acme/sessions/").query(true).reply(200, fixture("sessions-by-release.json"));
    const counts = await patient.count(query);
    expect(waits).toEqual([7000]);
    expect(counts.exposure).toBe(12_400);
  });
});
