import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { createGitHub } from "../../src/action/github.js";
import { writerOf } from "../../src/action/verify/report.js";
import { HotfixConfig } from "../../src/core/config.js";

/** Whose verdict comment the Action edits: `verify.trustedAuthors`, with or without `[bot]`, and its own identity. */

const API = "https://api.github.com";
const configTrusting = (...logins: string[]) => HotfixConfig.parse({ verify: { trustedAuthors: logins } });

/** A token that is not the workflow's: it writes as release-bot, so only trustedAuthors can make github-actions a writer. */
function otherToken() {
  nock(API)
    .post("/graphql")
    .reply(200, { data: { viewer: { login: "release-bot" } } });
  return createGitHub("ghp_release_bot", API);
}

afterEach(() => nock.cleanAll());

describe("the Action's trusted authors", () => {
  it("trustedAuthors: [github-actions] trusts comments by github-actions[bot]", async () => {
    const isWriter = writerOf(otherToken(), configTrusting("github-actions"));
    expect(await isWriter("github-actions[bot]")).toBe(true);
    expect(await isWriter("mallory")).toBe(false);
  });

  it("trustedAuthors: [github-actions[bot]] trusts comments by github-actions[bot], not by a person named github-actions", async () => {
    const isWriter = writerOf(otherToken(), configTrusting("github-actions[bot]"));
    expect(await isWriter("github-actions[bot]")).toBe(true);
    expect(await isWriter("github-actions")).toBe(false);
  });

  it("its own identity is a writer, as GraphQL names it or as REST does", async () => {
    const isWriter = writerOf(otherToken(), configTrusting());
    expect(await isWriter("release-bot[bot]")).toBe(true);
    expect(await isWriter("github-actions[bot]")).toBe(false);
  });
});
