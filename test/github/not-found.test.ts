import { RequestError } from "@octokit/request-error";
import { describe, expect, it } from "vitest";
import { answered, isNotFound } from "../../src/github/not-found.js";

const githubSaid = (status: number) =>
  new RequestError(`GitHub said ${status}`, status, { request: { method: "GET", url: "https://api.github.com/repos/acme/shop", headers: {} } });

describe("not-found", () => {
  it("is GitHub's 404 and nothing else", () => {
    expect(isNotFound(githubSaid(404))).toBe(true);
    expect(isNotFound(githubSaid(403))).toBe(false);
    expect(isNotFound(githubSaid(410))).toBe(false);
  });

  it("takes no other failure for GitHub's answer, even one that looks like it", () => {
    // A network failure, our own bug or a reporter's error carrying a status is not GitHub saying "no such thing".
    expect(isNotFound(Object.assign(new Error("fetch failed"), { status: 404 }))).toBe(false);
    expect(isNotFound({ status: 404 })).toBe(false);
    expect(isNotFound(new Error("boom"))).toBe(false);
    expect(isNotFound(undefined)).toBe(false);
  });

  it("answers for any status GitHub gave", () => {
    expect(answered(githubSaid(422), 422)).toBe(true);
    expect(answered(githubSaid(422), 404)).toBe(false);
  });
});
