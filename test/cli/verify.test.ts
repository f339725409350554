import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { EXIT, run, usage } from "../../src/cli/verify.js";
import { SENTRY_ISSUE, SENTRY_JOINED_ISSUE, startSentry, type Standin, type StandinRelease } from "../providers/reporter-standins.js";

// `hotfix-loop verify` against a loopback Sentry: the exit codes a script keys on, and what it prints.

const release = (version: string, day: number, sessions: number, crashes: number): StandinRelease => ({
  version,
  firstSeen: new Date(Date.UTC(2024, 3, day)).toISOString(),
  sessions,
  events: 100 + crashes,
  crashes,
});

let sentry: Standin;
let out: string[];
let err: string[];
beforeEach(async () => {
  sentry = await startSentry({
    releases: [release("shop@1.4.0", 10, 20_000, 1), release("shop@1.4.1", 20, 18_000, 1), release("shop@1.4.2", 30, 12_000, 1)],
    token: "t",
    org: "acme",
  });
  out = [];
  err = [];
  vi.spyOn(console, "log").mockImplementation((line: string) => void out.push(line));
  vi.spyOn(console, "error").mockImplementation((line: string) => void err.push(line));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await sentry.close();
});

const now = new Date("2024-05-02T10:00:00Z");
const verify = (args: string[], env: Record<string, string> = { SENTRY_AUTH_TOKEN: "t", SENTRY_URL: sentry.url }) =>
  run(["--provider", "sentry", "--org", "acme", "--issue-id", SENTRY_ISSUE.id, "--signature", "0123456789abcdef", ...args], {
    env,
    now: () => now,
    sleep: async () => {},
  });

describe("hotfix-loop verify", () => {
  it("exits 1 when the crash still occurs, and says 1 crash, not 1 crashes", async () => {
    expect(await verify(["--version", "shop@1.4.2", "--deployed-at", "2024-05-01T00:00:00Z"])).toBe(EXIT["not-verified"]);
    expect(out[0]).toMatch(/^Not verified: the crash still occurs, 1 crash in 12,000 sessions of shop@1\.4\.2/);
    expect(out[1]).toBe("  before (shop@1.4.0, shop@1.4.1): 2 crashes in 38,000 sessions");
    expect(out[3]).toMatch(/counted 2024-05-01T00:00:00\.000Z to 2024-05-02T07:00:00\.000Z; test: exact conditional test of two Poisson rates/);
  });

  it("counts up to the lag measured from Sentry's recent events, and says so", async () => {
    await sentry.close();
    sentry = await startSentry({
      releases: [release("shop@1.4.0", 10, 20_000, 1), release("shop@1.4.2", 30, 12_000, 1)],
      token: "t",
      org: "acme",
      delaysMinutes: Array.from({ length: 40 }, (_, i) => (i === 0 ? 12.5 : 0.2)),
    });
    expect(await verify(["--version", "shop@1.4.2", "--deployed-at", "2024-05-01T00:00:00Z"])).toBe(EXIT["not-verified"]);
    expect(out[3]).toMatch(/counted 2024-05-01T00:00:00\.000Z to 2024-05-02T09:47:00\.000Z;/);
    expect(out[4]).toBe("  reports for checkout-web arrive within 13 minutes for 99% of events (the last 40 events); counted up to 13 minutes ago");
  });

  it("counts every Sentry issue joined on the hotfix issue, given by --issue-id repeated or with commas", async () => {
    sentry.setReleases([
      { ...release("shop@1.4.0", 10, 20_000, 1), joinedCrashes: 5 },
      { ...release("shop@1.4.1", 20, 18_000, 1), joinedCrashes: 4 },
      { ...release("shop@1.4.2", 30, 12_000, 1), joinedCrashes: 2 },
    ]);
    const args = ["--version", "shop@1.4.2", "--deployed-at", "2024-05-01T00:00:00Z"];
    expect(await verify([...args, "--issue-id", SENTRY_JOINED_ISSUE.id])).toBe(EXIT["not-verified"]);
    expect(out[0]).toMatch(/3 crashes in 12,000 sessions of shop@1\.4\.2/);
    expect(out[1]).toBe("  before (shop@1.4.0, shop@1.4.1): 11 crashes in 38,000 sessions");
    out.length = 0;
    expect(await verify([...args, "--issue-id", `${SENTRY_ISSUE.id}, ${SENTRY_JOINED_ISSUE.id}`])).toBe(EXIT["not-verified"]);
    expect(out[1]).toBe("  before (shop@1.4.0, shop@1.4.1): 11 crashes in 38,000 sessions");
  });

  it("exits 2 with the releases Sentry knows for a version spelled otherwise", async () => {
    expect(await verify(["--version", "1.4.2", "--deployed-at", "2024-05-01T00:00:00Z"])).toBe(EXIT.usage);
    expect(err[0]).toContain('Sentry has no release "1.4.2": it knows shop@1.4.2, shop@1.4.1, shop@1.4.0. Did you mean "shop@1.4.2"?');
  });

  it("exits 2 for a deployment in the future and for negative numbers, naming the flag", async () => {
    expect(await verify(["--version", "shop@1.4.2", "--deployed-at", "2024-06-01T00:00:00Z"])).toBe(EXIT.usage);
    expect(err[0]).toMatch(/--deployed-at 2024-06-01T00:00:00\.000Z is in the future/);
    expect(await verify(["--version", "shop@1.4.2", "--min-window-minutes=-5"])).toBe(EXIT.usage);
    expect(err[1]).toMatch(/--min-window-minutes must be a whole number of minutes ≥ 0, got -5/);
    expect(await verify(["--version", "shop@1.4.2", "--report-lag-minutes=-1"])).toBe(EXIT.usage);
    expect(await verify(["--version", "shop@1.4.2", "--confidence=-0.9"])).toBe(EXIT.usage);
  });

  it("exits 2 naming a missing token, and 4 when the reporter refuses it or cannot be reached", async () => {
    expect(await verify(["--version", "shop@1.4.2"], { SENTRY_URL: sentry.url })).toBe(EXIT.usage);
    expect(err[0]).toMatch(/SENTRY_AUTH_TOKEN in the environment: required to verify a Sentry crash/);
    expect(await verify(["--version", "shop@1.4.2"], { SENTRY_AUTH_TOKEN: "wrong", SENTRY_URL: sentry.url })).toBe(EXIT.reporter);
    expect(err[1]).toMatch(/answered 401 \(check the auth token/);
    expect(await verify(["--version", "shop@1.4.2"], { SENTRY_AUTH_TOKEN: "t", SENTRY_URL: "http://127.0.0.1:9" })).toBe(EXIT.reporter);
    expect(err[2]).toMatch(/Sentry API: GET \/api\/0\/organizations\/acme\/issues\/4509876543\/ failed 4 times/);
  });

  it("lists every exit code in its usage (what --help prints)", () => {
    expect(usage).toContain(
      "Exit: 0 verified, 1 not verified, 3 not enough data yet, 2 bad flags or unknown release, 4 the reporter could not be asked, 5 internal error.",
    );
  });
});
