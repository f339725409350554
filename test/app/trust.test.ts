import nock from "nock";
import { ProbotOctokit } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { fixedInFromComments, trustedAuthors, writtenBy } from "../../src/app/trust.js";
import { HotfixConfig } from "../../src/core/config.js";
import { verificationMarker } from "../../src/core/verify-report.js";

/** The App believes a verification comment by the identities in `verify.trustedAuthors`, written with or without `[bot]`. */

const API = "https://api.github.com";
const APP_LOGIN = "hotfix-loop[bot]";
const octokit = new ProbotOctokit({ auth: { token: "installation-token" }, retry: { enabled: false }, throttle: { enabled: false } });
const configTrusting = (...logins: string[]) => HotfixConfig.parse({ verify: { trustedAuthors: logins } });
const by = (login: string) => ({ user: { login } });

afterEach(() => nock.cleanAll());

describe("the App's trusted authors", () => {
  it("trustedAuthors: [github-actions] trusts github-actions[bot]; [github-actions[bot]] trusts the bot, not a person named github-actions", () => {
    expect(writtenBy(by("github-actions[bot]"), trustedAuthors(APP_LOGIN, configTrusting("github-actions")))).toBe(true);
    expect(writtenBy(by("github-actions[bot]"), trustedAuthors(APP_LOGIN, configTrusting("github-actions[bot]")))).toBe(true);
    expect(writtenBy(by("github-actions"), trustedAuthors(APP_LOGIN, configTrusting("github-actions[bot]")))).toBe(false);
  });

  it("trusts the App itself and no one else", () => {
    const trusted = trustedAuthors(APP_LOGIN, configTrusting("github-actions"));
    expect(writtenBy(by("Hotfix-Loop[bot]"), trusted)).toBe(true);
    expect(writtenBy(by("mallory"), trusted)).toBe(false);
    expect(writtenBy({ user: null }, trusted)).toBe(false);
  });

  it("learns the fixed version from a verification by github-actions[bot] when trustedAuthors says github-actions", async () => {
    const verified = (version: string) => verificationMarker({ signature: "0123456789abcdef", version, verdict: "verified" });
    const comment = (id: number, login: string, body: string) => ({
      id,
      body,
      user: { login, id, type: login.endsWith("[bot]") ? "Bot" : "User" },
      created_at: "2026-01-01T00:00:00Z",
      updated_at: "2026-01-01T00:00:00Z",
    });
    const comments = [comment(1, "github-actions[bot]", verified("1.4.2")), comment(2, "mallory", verified("9.9.9"))];
    nock(API).get("/repos/acme/shop/issues/12/comments").query({ per_page: 100 }).twice().reply(200, comments);
    const ref = { owner: "acme", repo: "shop", number: 12 };
    expect(await fixedInFromComments(octokit, ref, "0123456789abcdef", trustedAuthors(APP_LOGIN, configTrusting("github-actions")))).toBe("1.4.2");
    // Nobody trusted but the App: the Action's verdict is only text.
    expect(await fixedInFromComments(octokit, ref, "0123456789abcdef", trustedAuthors(APP_LOGIN, configTrusting()))).toBeNull();
    expect(nock.pendingMocks()).toEqual([]);
  });
});
