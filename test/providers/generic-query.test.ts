import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { genericCountSource } from "../../src/providers/generic-query.js";

const APP = "https://hotfix.example.com";

afterEach(() => {
  nock.cleanAll();
});

describe("generic crash counts from the App", () => {
  const source = genericCountSource({ token: "hf_api", appUrl: APP, repo: "acme/shop", sleep: async () => {} });
  const query = { signature: "00ff00ff00ff00ff", version: "3.0.1", knownVersions: [], exposure: "sessions" as const };

  it("reads the signature's counts per version and the repository's as exposure", async () => {
    const scope = nock(APP, { reqheaders: { authorization: "Bearer hf_api" } })
      .get("/hotfix/api/repos/acme/shop/signatures/00ff00ff00ff00ff")
      .reply(200, {
        repo: "acme/shop",
        signature: "00ff00ff00ff00ff",
        issueNumber: 42,
        state: "open",
        fixedIn: null,
        versions: [
          { version: "2.9.0", count: 30, firstSeen: "2024-04-01T00:00:00Z", lastSeen: "2024-04-10T00:00:00Z" },
          { version: "3.0.0", count: 50, firstSeen: "2024-04-10T00:00:00Z", lastSeen: "2024-04-30T00:00:00Z" },
        ],
        repoVersions: [
          { version: "2.9.0", count: 400, firstSeen: "2024-04-01T00:00:00Z", lastSeen: "2024-04-10T00:00:00Z" },
          { version: "3.0.0", count: 600, firstSeen: "2024-04-10T00:00:00Z", lastSeen: "2024-04-30T00:00:00Z" },
          { version: "3.0.1", count: 900, firstSeen: "2024-05-01T00:00:00Z", lastSeen: "2024-05-01T12:00:00Z" },
        ],
      });
    expect(await source.count(query)).toEqual({
      provider: "generic",
      signature: "00ff00ff00ff00ff",
      version: "3.0.1",
      occurrences: 0,
      exposure: 900,
      exposureUnit: "events",
      before: { occurrences: 80, exposure: 1000, versions: ["2.9.0", "3.0.0"] },
    });
    expect(scope.isDone()).toBe(true);
  });

  it("passes on the App's refusal", async () => {
    nock(APP).get("/hotfix/api/repos/acme/shop/signatures/00ff00ff00ff00ff").reply(401, { error: "bad token" });
    await expect(source.count(query)).rejects.toThrow(/hotfix-loop App API: GET .* answered 401 \(check the auth token/);
  });

  it("rejects a repo that is not owner/name", () => {
    expect(() => genericCountSource({ token: "t", appUrl: APP, repo: "shop" })).toThrow(/repo must be "owner\/name"/);
  });
});
