import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createCheckRun, createGitHub, readConfigAndIssues } from "../../src/action/github.js";
import { startPullRequestStandin, type PullRequestScenario, type PullRequestStandin } from "./pull-request-standin.js";

/** What the stand-in answers the Action's check that no check test reaches on its own: GitHub's rules, not our code's. */

const REPO = { owner: "Codertocat", repo: "Hello-World" };
let api: PullRequestStandin | undefined;

beforeEach(() => nock.enableNetConnect("127.0.0.1"));
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const start = async (scenario: Partial<PullRequestScenario> = {}) =>
  (api = await startPullRequestStandin({ ...REPO, pullNumber: 2, files: [], ...scenario }));

const annotation = (line: number) => ({
  path: "src/a.ts",
  start_line: line,
  end_line: line,
  annotation_level: "failure" as const,
  title: "t",
  message: "m",
});

describe("the stand-in with the Action's pull request", () => {
  it("appends an update's annotations to the check run's, as GitHub does past 50 a request", async () => {
    const gh = await start();
    const annotations = Array.from({ length: 60 }, (_, i) => annotation(i + 1));
    const output = { title: "2 failures", summary: "s", text: "" };
    await createCheckRun(createGitHub("ghs_test", gh.url), {
      repo: REPO,
      name: "n",
      headSha: "a".repeat(40),
      conclusion: "failure",
      output,
      annotations,
    });
    expect(gh.calls.map((c) => c.route)).toEqual(["POST /repos/{owner}/{repo}/check-runs", "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}"]);
    expect(gh.checkRuns).toHaveLength(1);
    expect(gh.checkRuns[0].output.annotations.map((a: { start_line: number }) => a.start_line)).toEqual(annotations.map((a) => a.start_line));
    expect(gh.checkRuns[0]).toMatchObject({ conclusion: "failure", output: { title: "2 failures" } });
  });

  it("reads config, the organisation's, closing references and linked issues in one answer; what GitHub cannot resolve is null", async () => {
    const gh = await start({
      configText: "rules: {}\n",
      orgConfigText: "hotfix: {}\n",
      issues: { 1: { state: "OPEN", body: "marker", labels: ["hotfix"] }, 3: { state: "CLOSED", body: "old" } },
      closes: [3],
    });
    const links = [1, 2, 9].map((number) => ({ ...REPO, number }));
    const read = await readConfigAndIssues(createGitHub("ghs_test", gh.url), {
      repo: REPO,
      pullNumber: 2,
      baseSha: "a".repeat(40),
      configPath: ".github/hotfix.yml",
      links,
    });
    expect(read).toEqual({
      configText: "rules: {}\n",
      orgConfigText: "hotfix: {}\n",
      closing: [{ ref: { ...REPO, number: 3 }, state: "closed", body: "old", labels: [] }],
      // #2 is the pull request itself (GraphQL's `issue` resolves no PR), #9 does not exist.
      issues: [{ ref: links[0], state: "open", body: "marker", labels: ["hotfix"] }, null, null],
    });
  });

  it("with no `.github` repository in the organisation, the org config is null beside the rest", async () => {
    const gh = await start({ configText: "rules: {}\n" });
    const read = await readConfigAndIssues(createGitHub("ghs_test", gh.url), {
      repo: REPO,
      pullNumber: 2,
      baseSha: "a".repeat(40),
      configPath: ".github/hotfix.yml",
      links: [],
    });
    expect(read).toMatchObject({ configText: "rules: {}\n", orgConfigText: null });
  });

  it("answers every write of a fork's read-only token with 403, and still answers its reads", async () => {
    const gh = await start({ readOnly: true });
    const comment = await fetch(`${gh.url}/repos/Codertocat/Hello-World/issues/2/comments`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ body: "hi" }),
    });
    expect(comment.status).toBe(403);
    expect(((await comment.json()) as { message: string }).message).toBe("Resource not accessible by integration");
    expect((await fetch(`${gh.url}/repos/Codertocat/Hello-World/issues/2/comments`)).status).toBe(200);
    expect(gh.comments).toEqual([]);
  });
});
