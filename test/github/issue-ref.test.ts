import { describe, expect, it } from "vitest";
import { issueParams, issueRef } from "../../src/github/issue-ref.js";

describe("issue-ref", () => {
  it("names an issue of an owner/name repository", () => {
    expect(issueRef("acme/shop", 12)).toEqual({ owner: "acme", repo: "shop", number: 12 });
    expect(() => issueRef("shop", 12)).toThrow(/must be "owner\/name"/);
  });

  it("gives octokit's parameters for it", () => {
    expect(issueParams({ owner: "acme", repo: "shop", number: 12 })).toEqual({ owner: "acme", repo: "shop", issue_number: 12 });
  });
});
