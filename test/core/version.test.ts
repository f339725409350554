import { describe, expect, it } from "vitest";
import { compareVersions, isNewer, isSameOrNewer, isVersion, newestVersion } from "../../src/core/version.js";

describe("versions as reporters spell them", () => {
  it.each([
    ["1.4.1", "1.4.2"],
    ["v1.4.2", "1.4.10"],
    ["1.4.2-beta.2", "1.4.2"],
    ["1.4.2-beta.2", "1.4.2-beta.10"],
    ["shop@1.4.2+305", "shop@1.4.2+306"],
    ["1.4.2 (305)", "1.4.2 (1200)"],
    ["2.3", "2.3.1"],
    ["305", "1200"],
    ["1.2.3.4", "1.2.3.5"],
  ])("%s is older than %s", (older, newer) => {
    expect(compareVersions(older, newer)).toBeLessThan(0);
    expect(compareVersions(newer, older)).toBeGreaterThan(0);
    expect(isNewer(newer, older)).toBe(true);
  });

  it("treats spellings of one release as the same", () => {
    expect(compareVersions("v1.4.2", "shop@1.4.2")).toBe(0);
    expect(isSameOrNewer("shop@1.4.2", "1.4.2")).toBe(true);
  });

  it("never orders names that are not versions by their text", () => {
    expect(isVersion("shop@octocat")).toBe(false);
    expect(isVersion("f95f852bd8fc")).toBe(false);
    expect(isNewer("shop@octocat", "shop@1.4.2")).toBe(false);
    expect(isSameOrNewer("zzz", "1.0.0")).toBe(false);
    expect(isSameOrNewer("f95f852", "f95f852")).toBe(true);
    expect(newestVersion(["1.4.2", "octocat", "1.4.10"])).toBe("1.4.10");
    expect(newestVersion(["octocat"])).toBeNull();
  });
});
