import { describe, expect, it } from "vitest";
import { formatRepoName, isRepoName, parseRepoName } from "../../src/github/repo-name.js";

describe("repo-name", () => {
  it("splits owner/name as GitHub writes it, dots, dashes and underscores included", () => {
    expect(parseRepoName("acme/shop")).toEqual({ owner: "acme", repo: "shop" });
    expect(parseRepoName("Acme-Co/my_site.github.io")).toEqual({ owner: "Acme-Co", repo: "my_site.github.io" });
    expect(parseRepoName("acme/.github")).toEqual({ owner: "acme", repo: ".github" });
  });

  it("refuses what is not owner/name, naming where it came from and what it was", () => {
    expect(() => parseRepoName("shop")).toThrow('repository must be "owner/name", got "shop"');
    expect(() => parseRepoName("acme/shop/extra", "GITHUB_REPOSITORY")).toThrow('GITHUB_REPOSITORY must be "owner/name", got "acme/shop/extra"');
    for (const wrong of ["", "/shop", "acme/", "acme /shop", "acme/shop\n"]) expect(() => parseRepoName(wrong)).toThrow(/must be "owner\/name"/);
  });

  it("says whether a text is one", () => {
    expect(isRepoName("acme/shop")).toBe(true);
    expect(isRepoName("acme")).toBe(false);
  });

  it("formats back what it parsed", () => {
    expect(formatRepoName(parseRepoName("acme/shop"))).toBe("acme/shop");
  });
});
