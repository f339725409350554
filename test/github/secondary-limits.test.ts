import { describe, expect, it } from "vitest";
import { GITHUB_SECONDARY_LIMITS, isContentCreating, secondaryLimitsFromEnv } from "../../src/github/secondary-limits.js";

describe("GitHub's secondary limits", () => {
  it("are GitHub's documented values unless HOTFIX_GITHUB_CONTENT_LIMITS says otherwise", () => {
    expect(secondaryLimitsFromEnv({})).toEqual(GITHUB_SECONDARY_LIMITS);
    expect(GITHUB_SECONDARY_LIMITS.contentCreation).toEqual([
      { limit: 80, ms: 60_000 },
      { limit: 500, ms: 3_600_000 },
    ]);
    expect(secondaryLimitsFromEnv({ HOTFIX_GITHUB_CONTENT_LIMITS: "120/1m, 2000/1h" }).contentCreation).toEqual([
      { limit: 120, ms: 60_000 },
      { limit: 2_000, ms: 3_600_000 },
    ]);
    expect(secondaryLimitsFromEnv({ HOTFIX_GITHUB_CONTENT_LIMITS: "8/6s" })).toEqual({
      ...GITHUB_SECONDARY_LIMITS,
      contentCreation: [{ limit: 8, ms: 6_000 }],
    });
  });

  it("refuses a value it cannot read, saying what it expected", () => {
    expect(() => secondaryLimitsFromEnv({ HOTFIX_GITHUB_CONTENT_LIMITS: "80 a minute" })).toThrow(
      /HOTFIX_GITHUB_CONTENT_LIMITS: expected "<requests>\/<length><s\|m\|h>"/,
    );
    expect(() => secondaryLimitsFromEnv({ HOTFIX_GITHUB_CONTENT_LIMITS: "0/1m" })).toThrow(/positive/);
  });

  it("counts writes as content creation, but not token requests or GraphQL queries", () => {
    expect(isContentCreating("POST", "/repos/acme/game/issues")).toBe(true);
    expect(isContentCreating("patch", "/api/v3/repos/acme/game/issues/3")).toBe(true);
    expect(isContentCreating("GET", "/repos/acme/game/issues")).toBe(false);
    expect(isContentCreating("POST", "/app/installations/7/access_tokens")).toBe(false);
    expect(isContentCreating("POST", "/graphql")).toBe(false);
  });
});
