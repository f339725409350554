import { afterEach, describe, expect, it } from "vitest";
import { genericCountSource } from "../../src/providers/generic-query.js";
import { startCountsApi, type Standin, type StandinRelease } from "./reporter-standins.js";

const SIGNATURE = "00ff00ff00ff00ff";
const release = (version: string, day: number, crashes: number, events: number): StandinRelease => ({
  version,
  firstSeen: new Date(Date.UTC(2024, 3, day)).toISOString(),
  sessions: 0,
  events,
  crashes,
});
const RELEASES = [release("2.8.0", 1, 0, 200), release("2.9.0", 5, 30, 400), release("3.0.0", 10, 50, 600), release("3.0.1", 20, 0, 900)];

let app: Standin | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function source(token = "hf_api") {
  app = await startCountsApi({ releases: RELEASES, token: "hf_api", repo: "acme/shop", signature: SIGNATURE });
  return genericCountSource({ token, appUrl: app.url, repo: "acme/shop", sleep: async () => {} });
}

describe("generic crash counts from the App", () => {
  const query = { signature: SIGNATURE, version: "3.0.1", exposure: "sessions" as const };

  it("reads the signature's counts per version and the repository's as exposure, since the crash first appeared", async () => {
    expect(await (await source()).count(query)).toEqual({
      provider: "generic",
      signature: SIGNATURE,
      version: "3.0.1",
      occurrences: 0,
      exposure: 900,
      exposureUnit: "events",
      before: { occurrences: 80, exposure: 1000, versions: ["2.9.0", "3.0.0"] },
      notes: [],
    });
  });

  it("says the App's totals cannot be cut off at the report lag", async () => {
    expect((await (await source()).count({ ...query, until: new Date("2024-05-01T09:00:00Z") })).notes).toEqual([{ kind: "no-cutoff" }]);
  });

  it("lists the versions the App knows for an unknown one", async () => {
    await expect((await source()).count({ ...query, version: "3.0.2" })).rejects.toThrow(
      /The hotfix-loop App has no release "3\.0\.2": it knows 3\.0\.1, 3\.0\.0, 2\.9\.0, 2\.8\.0\./,
    );
  });

  it("passes on the App's refusal", async () => {
    await expect((await source("wrong")).count(query)).rejects.toThrow(/hotfix-loop App API: GET .* answered 401 \(check the auth token/);
  });

  it("rejects a repo that is not owner/name", () => {
    expect(() => genericCountSource({ token: "t", appUrl: "http://127.0.0.1:1", repo: "shop" })).toThrow(/repo must be "owner\/name"/);
  });
});
