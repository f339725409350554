import { existsSync } from "node:fs";
import { join } from "node:path";
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run } from "../../src/action/main.js";
import { actionEnv, captureActionRuns, fixture, hotfixMarker, printed, prFile, type ActionEnv } from "./harness.js";
import { primaryRateLimit, secondaryRateLimit } from "../../src/demo/github-standin.js";
import { CHECK_ROUTES, startPullRequestStandin, type PullRequestScenario, type PullRequestStandin } from "./pull-request-standin.js";

/**
 * The check at GitHub's real limits and against hostile input (issue 14, items 1-6): the Action's
 * run() with a runner's environment against the loopback GitHub stand-in with the fault injected.
 */

const REPO = "/repos/Codertocat/Hello-World";
const NARROW_FILES = [prFile("src/checkout/cart.ts"), prFile("src/checkout/cart.test.ts", { status: "added", additions: 12, deletions: 0 })];
const HOTFIX_ISSUE = { 1: { state: "OPEN" as const, body: hotfixMarker(["src/checkout/cart.ts"]) } };
const MARKER = "<!-- hotfix-loop:check -->";

const failed = captureActionRuns();
let api: PullRequestStandin | undefined;
let env: ActionEnv;

beforeEach(() => nock.enableNetConnect("127.0.0.1"));
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function check(
  options: Partial<PullRequestScenario>,
  args: { event?: string; eventName?: string; inputs?: Record<string, string>; adjust?: (payload: any) => void } = {},
): Promise<PullRequestStandin> {
  api = await startPullRequestStandin({
    owner: "Codertocat",
    repo: "Hello-World",
    pullNumber: 2,
    files: NARROW_FILES,
    issues: HOTFIX_ISSUE,
    ...options,
  });
  const payload = fixture(args.event ?? "pull_request.opened.hotfix-branch.json");
  args.adjust?.(payload);
  env = actionEnv({ eventName: args.eventName ?? "pull_request", payload, inputs: { mode: "check", ...args.inputs }, apiUrl: api.url });
  await run();
  return api;
}

const fromFork = (p: any) => (p.pull_request.head.repo = { ...p.pull_request.head.repo, full_name: "mallory/Hello-World", fork: true });
const isGraphql = (method: string, path: string) => method === "POST" && path === "/graphql";
const isCheckRun = (method: string, path: string) => method === "POST" && path === `${REPO}/check-runs`;

describe("1. rate limits", () => {
  it("waits out a 403 secondary limit on the first read as retry-after asks, then decides the PR", async () => {
    const gh = await check({ inject: { [CHECK_ROUTES.graphql]: secondaryRateLimit(1, 1) } });
    const reads = gh.calls.filter((c) => isGraphql(c.method, c.path));
    expect(reads).toHaveLength(2);
    expect(reads[1]!.at - reads[0]!.at).toBeGreaterThanOrEqual(950);
    expect(env.outputs()).toMatchObject({ "is-hotfix": "true", verdict: "pass" });
    expect(gh.checkRuns).toHaveLength(1);
    expect(printed()).toMatch(/::warning::GitHub rate limited POST \/graphql \(secondary rate limit\): waiting 1 s/);
    expect(failed()).toBe("");
  });

  it("waits for x-ratelimit-reset when no requests are left, and for retry-after on a 429", async () => {
    const gh = await check({
      inject: { [CHECK_ROUTES.files]: primaryRateLimit(1, 1), [CHECK_ROUTES.createCheckRun]: secondaryRateLimit(1, 2, 429) },
    });
    const writes = gh.calls.filter((c) => isCheckRun(c.method, c.path));
    expect(writes).toHaveLength(2);
    expect(writes[1]!.at - writes[0]!.at).toBeGreaterThanOrEqual(1950);
    expect(gh.checkRuns).toEqual([expect.objectContaining({ conclusion: "success" })]);
    expect(printed()).toContain("(rate limit exhausted): waiting");
    expect(failed()).toBe("");
  });

  it("fails the step saying rate limited, and how long it waited, when the check-run write never gets through", async () => {
    const gh = await check({ inject: { [CHECK_ROUTES.createCheckRun]: secondaryRateLimit(10, 1) } });
    expect(gh.calls.filter((c) => isCheckRun(c.method, c.path))).toHaveLength(5);
    expect(gh.checkRuns).toEqual([]);
    expect(process.exitCode).toBe(1);
    expect(failed()).toContain("Could not create the check run: GitHub rate limited this run (HTTP 403");
    expect(failed()).toContain("it waited 4 s over 4 retries");
    expect(failed()).not.toContain("checks: write");
    // The verdict itself still reaches the outputs and the job summary.
    expect(env.outputs().verdict).toBe("pass");
    expect(env.summary()).toContain("GitHub rate limited this run");
  });
});

describe("2. fork PRs", () => {
  it("says the fork's token is read-only, keeps the verdict in the job summary and fails the step on a failing hotfix", async () => {
    const gh = await check({ readOnly: true, files: [prFile("src/checkout/cart.ts")] }, { adjust: fromFork });
    expect(gh.checkRuns).toEqual([]);
    expect(printed()).toContain("::notice::This PR comes from mallory/Hello-World: GitHub gives a fork's `pull_request` workflow a read-only token");
    expect(printed()).not.toContain("checks: write");
    expect(env.summary()).toContain("no regression test added or changed");
    expect(env.summary()).toContain("read-only token");
    expect(failed()).toContain("Hotfix narrow-diff rules failed");
    expect(failed()).not.toContain("Could not");
    expect(process.exitCode).toBe(1);
  });

  it("passes a good fork hotfix without any write", async () => {
    await check({ readOnly: true }, { adjust: fromFork });
    expect(env.outputs().verdict).toBe("pass");
    expect(process.exitCode).toBeUndefined();
  });
});

describe("3. a typo in .github/hotfix.yml", () => {
  const TYPO = 'hotfix:\n  branches: ["hotfix/**"]\nrules:\n  maxFiles:\n    limt: 5\n';

  it("leaves a PR that is not a hotfix neutral, with the key, line and column in the check run and the summary", async () => {
    const gh = await check({ configText: TYPO }, { event: "pull_request.opened.json" });
    expect(gh.checkRuns).toEqual([expect.objectContaining({ conclusion: "neutral", output: expect.objectContaining({ title: "Not a hotfix PR" }) })]);
    expect(gh.checkRuns[0].output.summary).toContain("| `rules.maxFiles.limt` | unknown key (check its spelling) | line 5, column 5 |");
    expect(env.summary()).toContain("`rules.maxFiles.limt`");
    expect(printed()).toContain(
      "::warning title=.github/hotfix.yml is not valid,file=.github/hotfix.yml,line=5,col=5::rules.maxFiles.limt: unknown key",
    );
    expect(failed()).toBe("");
    expect(process.exitCode).toBeUndefined();
    expect(env.outputs().verdict).toBe("skipped");
  });

  it("fails a hotfix PR with the same table in the check run", async () => {
    const gh = await check({ configText: TYPO });
    expect(gh.checkRuns[0]).toMatchObject({ conclusion: "failure", output: { title: ".github/hotfix.yml is not valid" } });
    expect(gh.checkRuns[0].output.summary).toContain("line 5, column 5");
    expect(gh.comments[0]?.body).toContain("`rules.maxFiles.limt`");
    expect(failed()).toContain("rules.maxFiles.limt: unknown key (check its spelling) (line 5, column 5)");
  });

  it("still knows the file's own hotfix labels when only another part of it is wrong", async () => {
    const gh = await check(
      { configText: "hotfix:\n  labels: [urgent]\nrules:\n  maxLines: { limit: lots }\n" },
      { event: "pull_request.labeled.hotfix.json", adjust: (p) => (p.pull_request.labels = [{ name: "urgent" }]) },
    );
    expect(gh.checkRuns[0]).toMatchObject({ conclusion: "failure", output: { title: ".github/hotfix.yml is not valid" } });
    expect(gh.checkRuns[0].output.summary).toContain("Hotfix PR: label `urgent`.");
  });
});

describe("4. a PR that stops being a hotfix", () => {
  it("edits the sticky comment and the check to say the earlier verdict no longer holds", async () => {
    const comments = [
      { id: 9, body: `${MARKER}\n### hotfix / narrow diff\n\n**1 failure** ❌ fail`, user: { login: "github-actions[bot]", type: "Bot" as const } },
    ];
    const gh = await check(
      { comments },
      { event: "pull_request.labeled.hotfix.json", adjust: (p) => ((p.action = "unlabeled"), (p.pull_request.labels = [])) },
    );
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]?.body).toContain("No longer a hotfix PR");
    expect(gh.comments[0]?.body).not.toContain("❌");
    expect(gh.checkRuns).toEqual([
      expect.objectContaining({ conclusion: "neutral", output: expect.objectContaining({ title: "No longer a hotfix PR" }) }),
    ]);
  });
});

describe("5. the verdict line and the sticky comment's owner", () => {
  it("logs a passing verdict in one line and never edits someone else's comment that quotes the marker", async () => {
    const quoting = { id: 3, body: `Why does the bot write ${MARKER}?`, user: { login: "octocat", type: "User" as const } };
    const gh = await check({ comments: [quoting] });
    expect(printed()).toContain("hotfix / narrow diff: pass: Narrow hotfix: 2 files, 16 lines changed\n");
    expect(gh.comments[0]).toEqual(quoting);
    expect(gh.comments).toHaveLength(2);
    expect(gh.comments[1]?.user.login).toBe("github-actions[bot]");
    expect(gh.calls.filter((c) => c.method === "PATCH")).toEqual([]);
  });
});

describe("6. untrusted code with a write token", () => {
  it("refuses to run test-command on pull_request_target for a PR from a fork", async () => {
    const gh = await check({}, { eventName: "pull_request_target", adjust: fromFork, inputs: { "test-command": "touch pwned" } });
    expect(existsSync(join(env.dir, "pwned"))).toBe(false);
    expect(printed()).toContain("::warning::test-command was not run: on `pull_request_target` the job holds a write token and secrets");
    expect(gh.checkRuns[0]).toMatchObject({ conclusion: "failure" });
    expect(JSON.parse(env.outputs().violations ?? "[]")).toEqual([
      expect.objectContaining({ rule: "testCommand", message: expect.stringContaining("`touch pwned` was not run") }),
    ]);
  });

  it("still runs it on pull_request_target for a branch of the repository itself", async () => {
    await check({}, { eventName: "pull_request_target", inputs: { "test-command": "touch ran" } });
    expect(existsSync(join(env.dir, "ran"))).toBe(true);
    expect(env.outputs().verdict).toBe("pass");
  });
});

describe("organisation-wide config (issue 13, item 5)", () => {
  it("takes the organisation's .github defaults when the repository has no config, in the same single read", async () => {
    const gh = await check({ configText: null, orgConfigText: "rules:\n  maxFiles: { limit: 1 }\n" });
    expect(gh.calls.filter((c) => isGraphql(c.method, c.path))).toHaveLength(1);
    expect(JSON.parse(env.outputs().violations ?? "[]")).toEqual([
      { rule: "maxFiles", level: "fail", message: "2 files changed; a hotfix changes at most 1" },
    ]);
  });

  it("follows _extends through the contents API and names an extended file's error with its line", async () => {
    const gh = await check({
      configText: "_extends: policies\n",
      repoFiles: { "Codertocat/policies:.github/hotfix.yml": "rules:\n  maxLines:\n    limit: zero\n" },
    });
    expect(gh.calls.map((c) => `${c.method} ${c.path}`)).toContain("GET /repos/Codertocat/policies/contents/.github%2Fhotfix.yml");
    expect(gh.checkRuns[0].output.summary).toContain("| `rules.maxLines.limit` |");
    expect(gh.checkRuns[0].output.summary).toContain("`Codertocat/policies:.github/hotfix.yml` line 3, column 5");
  });
});
