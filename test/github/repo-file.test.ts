import nock from "nock";
import { ProbotOctokit } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { readRepoFile } from "../../src/github/repo-file.js";

const API = "https://api.github.com";
const octokit = new ProbotOctokit({ auth: { token: "installation-token" }, retry: { enabled: false }, throttle: { enabled: false } });
const contents = (text: string) => ({
  type: "file",
  encoding: "base64",
  content: Buffer.from(text).toString("base64"),
  name: "CODEOWNERS",
  path: ".github/CODEOWNERS",
  sha: "3d21ec53a331a6f037a91c368710b99387d012c1",
  size: text.length,
  url: `${API}/repos/acme/shop/contents/.github/CODEOWNERS`,
  git_url: null,
  html_url: null,
  download_url: null,
  _links: { self: `${API}/repos/acme/shop/contents/.github/CODEOWNERS`, git: null, html: null },
});

afterEach(() => nock.cleanAll());

describe("readRepoFile", () => {
  it("reads a file's text at a ref", async () => {
    nock(API).get("/repos/acme/shop/contents/.github%2FCODEOWNERS").query({ ref: "abc123" }).reply(200, contents("* @acme/web\n"));
    expect(await readRepoFile(octokit, { owner: "acme", repo: "shop", path: ".github/CODEOWNERS", ref: "abc123" })).toBe("* @acme/web\n");
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("is null when there is no such file, or the path is a directory", async () => {
    nock(API).get("/repos/acme/shop/contents/.github%2FCODEOWNERS").reply(404, { message: "Not Found" });
    expect(await readRepoFile(octokit, { owner: "acme", repo: "shop", path: ".github/CODEOWNERS" })).toBeNull();
    nock(API).get("/repos/acme/shop/contents/docs").reply(200, []);
    expect(await readRepoFile(octokit, { owner: "acme", repo: "shop", path: "docs" })).toBeNull();
  });

  it("passes on any other refusal", async () => {
    nock(API).get("/repos/acme/shop/contents/.github%2FCODEOWNERS").reply(403, { message: "Resource not accessible by integration" });
    await expect(readRepoFile(octokit, { owner: "acme", repo: "shop", path: ".github/CODEOWNERS" })).rejects.toMatchObject({ status: 403 });
  });
});
