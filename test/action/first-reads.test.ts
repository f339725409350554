import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createGitHub, findOwnComment, listPullRequestFiles, readConfigAndIssues } from "../../src/action/github.js";
import { dropFirstReads, firstReadsWritten, startFirstReads } from "../../src/action/first-reads.js";
import { fixture, hotfixMarker, inputVariable, prFile } from "./harness.js";
import { startPullRequestStandin, type PullRequestStandin } from "./pull-request-standin.js";

/** The check's first round of reads, sent by the Action's entry before the rest loads (issue 24, item 5). */

const REPO = { owner: "Codertocat", repo: "Hello-World" };
let api: PullRequestStandin | undefined;
let dir: string | undefined;

beforeEach(() => nock.enableNetConnect("127.0.0.1"));
afterEach(async () => {
  dropFirstReads();
  await api?.close();
  api = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** The runner's variables for a PR event, with `inputs` as action.yml names them. */
function runner(payload: unknown, inputs: Record<string, string>, extra: Record<string, string> = {}): Record<string, string> {
  dir = mkdtempSync(join(tmpdir(), "hotfix-first-reads-"));
  writeFileSync(join(dir, "event.json"), JSON.stringify(payload));
  return {
    GITHUB_EVENT_NAME: "pull_request",
    GITHUB_EVENT_PATH: join(dir, "event.json"),
    GITHUB_API_URL: api!.url,
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [inputVariable(k), v])),
    ...extra,
  };
}

const hotfixPr = (changedFiles: number) => {
  const payload = fixture("pull_request.opened.hotfix-branch.json");
  payload.pull_request.changed_files = changedFiles;
  return payload;
};

describe("startFirstReads", () => {
  it("sends the reads the check makes, and Octokit takes each answer once instead of asking again", async () => {
    const files = Array.from({ length: 150 }, (_, i) => prFile(`src/file-${i}.ts`));
    api = await startPullRequestStandin({ ...REPO, pullNumber: 2, files, issues: { 1: { state: "OPEN", body: hotfixMarker(["src/file-0.ts"]) } } });
    const env = runner(hotfixPr(150), { "github-token": "ghs_test", mode: "check" });
    // Two file pages, the sticky comment's listing and the GraphQL read.
    expect(await startFirstReads(env)).toBe(4);
    await firstReadsWritten();
    await vi.waitFor(() => expect(api!.calls).toHaveLength(4));

    const github = createGitHub("ghs_test", api.url);
    const payload = hotfixPr(150);
    const [listed, read, sticky] = await Promise.all([
      listPullRequestFiles(github, REPO, 2, 150),
      readConfigAndIssues(github, {
        repo: REPO,
        pullNumber: 2,
        baseSha: payload.pull_request.base.sha,
        configPath: ".github/hotfix.yml",
        links: [{ ...REPO, number: 1 }],
      }),
      findOwnComment(github, { repo: REPO, issueNumber: 2, marker: "<!-- hotfix-loop:check -->" }),
    ]);
    expect(listed.map((f) => f.path)).toEqual(files.map((f) => f.filename));
    expect(read.issues).toEqual([expect.objectContaining({ state: "open" })]);
    expect(sticky).toBeNull();
    expect(api.calls).toHaveLength(4);
  });

  it("sends nothing when the check would not run as asked: inputs it refuses, another mode or event, a proxy", async () => {
    api = await startPullRequestStandin({ ...REPO, pullNumber: 2, files: [prFile("src/a.ts")] });
    const valid = { "github-token": "ghs_test", mode: "check" };
    expect(await startFirstReads(runner(hotfixPr(1), { ...valid, comment: "maybe" }))).toBe(0);
    expect(await startFirstReads(runner(hotfixPr(1), { ...valid, "max-files": "0" }))).toBe(0);
    expect(await startFirstReads(runner(hotfixPr(1), { ...valid, "github-token": "" }))).toBe(0);
    expect(await startFirstReads(runner(hotfixPr(1), { ...valid, mode: "verify" }))).toBe(0);
    expect(await startFirstReads(runner(hotfixPr(1), valid, { GITHUB_EVENT_NAME: "deployment_status" }))).toBe(0);
    expect(await startFirstReads(runner({ ...hotfixPr(1), action: "closed" }, { ...valid, mode: "auto" }))).toBe(0);
    expect(await startFirstReads(runner(hotfixPr(1), valid, { HTTPS_PROXY: "http://127.0.0.1:9" }))).toBe(0);
    expect(await startFirstReads(runner({ pull_request: { number: "2" } }, valid))).toBe(0);
    expect(api.calls).toEqual([]);
  });

  it("reads no files of a PR the default rules do not call a hotfix, and no comments of one just opened", async () => {
    api = await startPullRequestStandin({ ...REPO, pullNumber: 2, files: [prFile("src/a.ts")] });
    const payload = fixture("pull_request.opened.json");
    expect(await startFirstReads(runner(payload, { "github-token": "ghs_test" }))).toBe(1);
    await firstReadsWritten();
    await vi.waitFor(() => expect(api!.calls.map((c) => `${c.method} ${c.path}`)).toEqual(["POST /graphql"]));
  });
});
