import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/core/config.js";
import { bugsnagCountSource } from "../../src/providers/bugsnag-query.js";
import { countPastLag } from "../../src/providers/lagged-count.js";
import { sentryCountSource } from "../../src/providers/sentry-query.js";
import { BUGSNAG_IDS, SENTRY_ISSUE, STANDIN_NOW, startBugsnag, startSentry, type Standin, type StandinRelease } from "./reporter-standins.js";

const release = (version: string, day: number, sessions: number, crashes: number): StandinRelease => ({
  version,
  firstSeen: new Date(Date.UTC(2024, 3, day)).toISOString(),
  sessions,
  events: 10 * crashes + 100,
  crashes,
});
const RELEASES = [release("1.4.0", 10, 20_000, 70), release("1.4.1", 20, 18_700, 50), release("1.4.2", 30, 12_400, 0)];
const LAG = { configuredMinutes: DEFAULT_CONFIG.verify.reportLagMinutes };

/** 100 delays: 98 of a few minutes, then 46 and 300 minutes, so the 99% quantile is 46 minutes and the straggler is not. */
const MOBILE_DELAYS = [...Array.from({ length: 98 }, (_, i) => (i % 7) + 0.5), 45.2, 300];

let standin: Standin | undefined;
afterEach(async () => {
  await standin?.close();
  standin = undefined;
});

async function sentry(delaysMinutes?: number[]) {
  standin = await startSentry({ releases: RELEASES, token: "sntrys_test", org: "acme", delaysMinutes });
  return sentryCountSource({ token: "sntrys_test", org: "acme", baseUrl: standin.url, sleep: async () => {} });
}
const sentryQuery = {
  signature: "0123456789abcdef",
  version: "1.4.2",
  reporterGroups: [{ provider: "sentry" as const, id: SENTRY_ISSUE.id }],
  exposure: "sessions" as const,
};

describe("the report lag, measured from the reporter", () => {
  it("Sentry: the 99% quantile of received − timestamp over the newest arrivals, and counting stops there", async () => {
    const { counts, reportLag } = await countPastLag(await sentry(MOBILE_DELAYS), sentryQuery, LAG, STANDIN_NOW);
    expect(reportLag).toEqual({ minutes: 46, measured: { events: 100, share: 0.99, project: SENTRY_ISSUE.slug } });
    expect(counts.exposure).toBe(12_400);
    const asked = standin?.requests.map(decodeURIComponent) ?? [];
    expect(asked.find((r) => r.includes("field=received"))).toMatch(/dataset=errors.*sort=-received.*statsPeriod=7d/);
    const cutOff = new Date(STANDIN_NOW.getTime() - 46 * 60_000).toISOString();
    for (const r of asked.filter((r) => r.includes("field=release"))) expect(r).toContain(`end=${cutOff}`);
  });

  it("Sentry web traffic: seconds of delay make the lag its one-minute floor", async () => {
    const { reportLag } = await countPastLag(await sentry(Array.from({ length: 60 }, (_, i) => (i % 5) / 60)), sentryQuery, LAG, STANDIN_NOW);
    expect(reportLag.minutes).toBe(1);
  });

  it("falls back to the configured lag when the reporter has too few recent events to say", async () => {
    const { reportLag } = await countPastLag(await sentry([1, 2, 3]), sentryQuery, LAG, STANDIN_NOW);
    expect(reportLag).toEqual({ minutes: 180, measured: null });
  });

  it("a lag fixed by the caller (input, flag) is used as given, without asking", async () => {
    const { reportLag } = await countPastLag(await sentry(MOBILE_DELAYS), sentryQuery, { ...LAG, fixedMinutes: 15 }, STANDIN_NOW);
    expect(reportLag).toEqual({ minutes: 15, measured: null });
    expect(standin?.requests.some((r) => r.includes("received"))).toBe(false);
  });

  it("Bugsnag: received_at against the device's time of the full reports", async () => {
    standin = await startBugsnag({ releases: RELEASES, token: "bugsnag_test", delaysMinutes: MOBILE_DELAYS.map((d) => d * 4) });
    const source = bugsnagCountSource({ token: "bugsnag_test", baseUrl: standin.url, sleep: async () => {} });
    const { reportLag } = await countPastLag(
      source,
      {
        ...sentryQuery,
        project: BUGSNAG_IDS.project,
        reporterGroups: [{ provider: "bugsnag" as const, project: BUGSNAG_IDS.project, id: BUGSNAG_IDS.error }],
        seenIn: ["1.4.0", "1.4.1"],
      },
      LAG,
      STANDIN_NOW,
    );
    expect(reportLag).toEqual({ minutes: 181, measured: { events: 100, share: 0.99, project: BUGSNAG_IDS.project } });
    expect(standin.requests.some((r) => /\/events\?full_reports=true&per_page=100$/.test(r))).toBe(true);
  });
});
