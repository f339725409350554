import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FILE_PAGES_IN_FLIGHT } from "../../src/action/first-reads.js";
import { createGitHub, listPullRequestFiles } from "../../src/action/github.js";
import { prFile } from "./harness.js";
import { startPullRequestStandin, type PullRequestStandin } from "./pull-request-standin.js";

/** The check's listing of a PR's files (issue 12, item 1): pages read all at once, in order, GitHub's cap, the `Link` fallback. */

const REPO = { owner: "Codertocat", repo: "Hello-World" };
let api: PullRequestStandin | undefined;

beforeEach(() => nock.enableNetConnect("127.0.0.1"));
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const filesOf = (count: number) => Array.from({ length: count }, (_, i) => prFile(`src/module-${Math.floor(i / 100)}/file-${i}.ts`));

async function list(count: number, changedFiles: number | undefined) {
  const files = filesOf(count);
  // The latency keeps each request open long enough for the ones sent beside it to arrive.
  api = await startPullRequestStandin({ ...REPO, pullNumber: 2, files, latencyMs: 100 });
  const listed = await listPullRequestFiles(createGitHub("ghs_test", api.url), REPO, 2, changedFiles);
  const pages = api.calls.filter((c) => c.path.endsWith("/pulls/2/files"));
  return { files, listed: listed.map((f) => f.path), pages: pages.length, maxInFlight: api.maxInFlight };
}

describe("listPullRequestFiles", () => {
  it("reads every page that changed_files announces at once (GitHub's cap is 30 pages), in the PR's file order", async () => {
    const { files, listed, pages, maxInFlight } = await list(2_950, 2_950);
    expect(listed).toEqual(files.map((f) => f.filename));
    expect(pages).toBe(30);
    expect(maxInFlight).toBeGreaterThan(1);
    expect(maxInFlight).toBeLessThanOrEqual(FILE_PAGES_IN_FLIGHT);
  });

  it("stops at GitHub's cap of 3,000 files however many the PR has", async () => {
    const { files, listed, pages } = await list(3_412, 3_412);
    expect(listed).toEqual(files.slice(0, 3_000).map((f) => f.filename));
    expect(pages).toBe(30);
  });

  it("follows the Link headers one page after another when the payload has no changed_files", async () => {
    const { files, listed, pages, maxInFlight } = await list(250, undefined);
    expect(listed).toEqual(files.map((f) => f.filename));
    expect(pages).toBe(3);
    expect(maxInFlight).toBe(1);
  });

  it("follows the Link headers past the expected pages when the PR grew since the event, up to the cap", async () => {
    const { files, listed, pages } = await list(3_500, 250);
    expect(listed).toEqual(files.slice(0, 3_000).map((f) => f.filename));
    expect(pages).toBe(30);
  });

  it("reads no more pages than there are when the PR shrank since the event", async () => {
    const { files, listed } = await list(120, 900);
    expect(listed).toEqual(files.map((f) => f.filename));
  });

  it("reads a file page's entries as the schema does, and names the field of an entry the schema refuses", async () => {
    const renamed = {
      ...prFile("src/cart/total.ts", { status: "renamed", patch: "@@ -3,2 +3,2 @@\n ctx\n-a\n+b" }),
      previous_filename: "src/cart.ts",
    };
    // A binary file: GitHub gives no patch.
    const binary = Object.fromEntries(Object.entries(prFile("src/a.ts")).filter(([key]) => key !== "patch"));
    api = await startPullRequestStandin({ ...REPO, pullNumber: 2, files: [binary, renamed] });
    const github = createGitHub("ghs_test", api.url);
    expect(await listPullRequestFiles(github, REPO, 2, 2)).toEqual([
      { path: "src/a.ts", status: "modified", additions: 3, deletions: 1 },
      { path: "src/cart/total.ts", previousPath: "src/cart.ts", status: "renamed", additions: 3, deletions: 1, firstChangedLine: 4 },
    ]);
    await api.close();
    api = await startPullRequestStandin({ ...REPO, pullNumber: 2, files: [prFile("src/a.ts"), prFile("src/b.ts", { additions: 1.5 })] });
    await expect(listPullRequestFiles(createGitHub("ghs_test", api.url), REPO, 2, 2)).rejects.toThrow(/additions/);
  });
});
