import { describe, expect, it } from "vitest";
import { loginSet, sameLogin } from "../../src/github/bot-identity.js";

describe("bot-identity", () => {
  it("takes a bot's login with and without [bot] for one account, either way round", () => {
    expect(sameLogin("github-actions", "github-actions[bot]")).toBe(true);
    expect(sameLogin("github-actions[bot]", "github-actions")).toBe(true);
    expect(sameLogin("github-actions[bot]", "github-actions[bot]")).toBe(true);
  });

  it("compares without regard to case, as GitHub does", () => {
    expect(sameLogin("Hotfix-Loop[BOT]", "hotfix-loop[bot]")).toBe(true);
    expect(sameLogin("Dana", "dana")).toBe(true);
  });

  it("tells different accounts apart", () => {
    expect(sameLogin("github-actions", "github-actions-2[bot]")).toBe(false);
    expect(sameLogin("dependabot[bot]", "github-actions[bot]")).toBe(false);
    // Only a trailing [bot] is the suffix.
    expect(sameLogin("github[bot]-actions", "github-actions")).toBe(false);
  });

  it("a set of logins: a bare name trusts the account and its bot, a [bot] name the bot only, never an absent login", () => {
    const trusted = loginSet(["github-actions", "Release-Bot[bot]"]);
    expect(trusted.has("github-actions[bot]")).toBe(true);
    expect(trusted.has("GITHUB-ACTIONS")).toBe(true);
    expect(trusted.has("release-bot[BOT]")).toBe(true);
    // A person who took the bot's name without [bot] is another account.
    expect(trusted.has("release-bot")).toBe(false);
    expect(trusted.has("mallory")).toBe(false);
    expect(trusted.has("")).toBe(false);
    expect(trusted.has(undefined)).toBe(false);
    expect(trusted.has(null)).toBe(false);
  });
});
