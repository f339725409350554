import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunningApp } from "../../src/app/server.js";
import { CHECK_NAME } from "../../src/core/check-report.js";
import { verificationMarker } from "../../src/core/verify-report.js";
import { startGitHubStandin, type GitHubStandin, type StandinIssue } from "../../src/demo/github-standin.js";
import type { Store } from "../../src/store/store.js";
import { mermaidBlocks, parseMermaid } from "../mermaid.js";
import { deliverWebhook, fixture, githubExample, memoryStore, post, sentryHeaders, testApp, until } from "./harness.js";
import { storeCounts } from "../store/counts.js";

// The hotfix clock end to end: GitHub's webhooks of the loop (real payloads from @octokit/webhooks-examples,
// adjusted to the repository and the issue) become stage times in the store and a "Hotfix clock" in the issue.

const REPO = "acme/shop-android";
const INSTALLATION = 4242;
const CONFIG = "sources:\n  - provider: sentry\nissues:\n  refreshIntervalSeconds: 0\n";

const REPOSITORY = (payload: Record<string, any>) => ({
  ...payload.repository,
  name: "shop-android",
  full_name: REPO,
  owner: { ...payload.repository.owner, login: "acme" },
});

function inRepo(payload: Record<string, any>): Record<string, any> {
  payload.repository = REPOSITORY(payload);
  payload.installation = { id: INSTALLATION };
  return payload;
}

const iso = (offsetSeconds: number) => new Date(Date.now() + offsetSeconds * 1000).toISOString();

/** `crashedAt`: the event's own time, else the fixture's (2024), which starts the hotfix clock. */
function sentryAlert(release: string, crashedAt?: number): Buffer {
  const payload = JSON.parse(fixture("sentry/event_alert-android.json").toString());
  payload.data.event.release = release;
  if (crashedAt !== undefined) payload.data.event.timestamp = crashedAt / 1000;
  // Sentry deliveries are deduplicated by the signed event id: each alert is its own event.
  payload.data.event.event_id = randomUUID().replace(/-/g, "");
  return Buffer.from(JSON.stringify(payload));
}

function pullRequest(action: "opened" | "closed", number: number, body: string, times: { created: string; merged?: string }) {
  const payload = inRepo(githubExample("pull_request", action));
  Object.assign(payload.pull_request, { number, body, created_at: times.created });
  if (times.merged) Object.assign(payload.pull_request, { merged: true, merged_at: times.merged, state: "closed" });
  return payload;
}

function checkRun(name: string, conclusion: string, pr: number, completedAt: string) {
  const payload = inRepo(githubExample("check_run", "completed", (p) => p.check_run.conclusion === "success"));
  Object.assign(payload.check_run, { name, conclusion, completed_at: completedAt });
  payload.check_run.pull_requests[0].number = pr;
  return payload;
}

function deploymentStatus(version: string, createdAt: string) {
  const payload = inRepo(JSON.parse(fixture("github/deployment_status.success.json").toString()));
  payload.deployment.payload = { version };
  payload.deployment_status.created_at = createdAt;
  return payload;
}

/** Trusted verdicts come from the verify Action's identity (`verify.trustedAuthors`) or the App's own. */
function comment(issue: number, body: string, author: { login: string; type: "Bot" | "User"; association: string }, createdAt: string) {
  const payload = inRepo(githubExample("issue_comment", "created"));
  payload.issue.number = issue;
  delete payload.issue.pull_request;
  Object.assign(payload.comment, { body, created_at: createdAt, updated_at: createdAt, author_association: author.association });
  payload.comment.user = { ...payload.comment.user, login: author.login, type: author.type };
  return payload;
}

function issueClosed(number: number) {
  const payload = inRepo(githubExample("issues", "reopened"));
  payload.action = "closed";
  Object.assign(payload.issue, { number, state: "closed" });
  payload.sender.type = "User";
  return payload;
}

let github: GitHubStandin;
let store: Store;
let app: RunningApp;

beforeEach(async () => {
  github = await startGitHubStandin({ repos: { [REPO]: { installationId: INSTALLATION, files: { ".github/hotfix.yml": CONFIG } } } });
  store = await memoryStore();
  app = await testApp(store, github.url);
});

afterEach(async () => {
  await app.close();
  await store.close();
  await github.close();
});

/** The rows of the clock table: stage, since-previous and detail cells. */
function clockRows(issue: StandinIssue): string[][] {
  const section = /### Hotfix clock[\s\S]*?(?=\n###? |\n---\n)/.exec(issue.body)?.[0] ?? "";
  return section
    .split("\n")
    .filter((line) => /^\| (?!Stage|---)/.test(line))
    .map((line) =>
      line
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim()),
    )
    .map(([stage, , since, detail]) => [stage!, since!, detail!]);
}

async function deliver(event: string, payload: unknown): Promise<void> {
  expect(await deliverWebhook(app, event, payload)).toBe(200);
}

/** Probot acknowledges a webhook before its handler ends, and GitHub keeps no order either: wait for the stage. */
async function stageRecorded(groupId: number, stage: string, round = 1): Promise<void> {
  await until(`the ${stage} stage of round ${round}`, async () =>
    (await store.clock.clockOf(groupId)).stages.some((s) => s.stage === stage && s.round === round),
  );
}

/** A Sentry alert of 4.12.1, once the App has opened its issue. */
async function crashWithIssue() {
  const first = sentryAlert("com.example.shop@4.12.1");
  const { body: accepted } = await post(app, `/hotfix/alerts/sentry/${REPO}`, first, sentryHeaders(first));
  const group = await until("the crash group to have its issue", async () => {
    const g = await store.findGroup(REPO, accepted.signature);
    return g?.issueNumber !== null && g;
  });
  return { group, accepted };
}

describe("the hotfix clock", () => {
  it("follows a crash from detection to verified, then starts a second round on a regression", async () => {
    const { group, accepted } = await crashWithIssue();
    const issue = await until("the hotfix issue on GitHub", () => github.issues.get(REPO)?.[0]);
    // The issue is opened with its clock: no edit just to add the "issue opened" time.
    expect(clockRows(issue).map((r) => r[0])).toEqual(["First occurrence", "Issue opened"]);
    expect(issue.body).toContain("**Not verified yet**");

    // A PR linking the issue; another PR that links nothing, and a check of another name, change nothing.
    await deliver("pull_request", pullRequest("opened", 7, "Null check in the checkout.\n\nFixes #1", { created: iso(60) }));
    await deliver("pull_request", pullRequest("opened", 8, "Unrelated refactor", { created: iso(61) }));
    await stageRecorded(group.id, "fix-pr-opened");
    await deliver("check_run", checkRun("lint", "success", 7, iso(100)));
    await deliver("check_run", checkRun(CHECK_NAME, "failure", 7, iso(110)));
    await deliver("check_run", checkRun(CHECK_NAME, "success", 7, iso(120)));
    await stageRecorded(group.id, "check-passed");
    await deliver("pull_request", pullRequest("closed", 7, "Null check in the checkout.\n\nFixes #1", { created: iso(60), merged: iso(600) }));
    await stageRecorded(group.id, "merged");
    await deliver("deployment_status", deploymentStatus("com.example.shop@4.12.2", iso(1800)));
    await stageRecorded(group.id, "deployed");
    const verdict = `### ✅ Verified\n${verificationMarker({ signature: accepted.signature, version: "com.example.shop@4.12.2", verdict: "verified" })}`;
    // A passer-by's forged verdict is not the Action's.
    await deliver("issue_comment", comment(1, verdict, { login: "mallory", type: "User", association: "NONE" }, iso(3000)));
    await deliver(
      "issue_comment",
      comment(1, verdict.replace('verified"', 'not-enough-data"'), { login: "github-actions[bot]", type: "Bot", association: "NONE" }, iso(3100)),
    );
    issue.comments.push({ id: 900, body: verdict, user: { login: "github-actions[bot]", type: "Bot" }, author_association: "NONE" });
    await deliver("issue_comment", comment(1, verdict, { login: "github-actions[bot]", type: "Bot", association: "NONE" }, iso(3600)));

    await until("the issue body to show detection to verified", () => issue.body.includes("**Detection → verified:"));
    const stages = (await store.clock.clockOf(group.id)).stages;
    expect(stages.map((s) => [s.round, s.stage, s.detail])).toEqual([
      [1, "first-occurrence", {}],
      [1, "issue-opened", {}],
      [1, "fix-pr-opened", { pr: 7 }],
      [1, "check-passed", { pr: 7 }],
      [1, "merged", { pr: 7 }],
      [1, "deployed", { environment: "production", version: "com.example.shop@4.12.2" }],
      [1, "verified", { version: "com.example.shop@4.12.2" }],
    ]);
    const rows = clockRows(issue);
    expect(rows.map((r) => r[0])).toEqual([
      "First occurrence",
      "Issue opened",
      "Fix PR opened",
      "Hotfix check passed",
      "Merged",
      "Deployed",
      "Verified",
    ]);
    expect(rows.slice(3).map((r) => r[1])).toEqual(["1 min", "8 min", "20 min", "30 min"]);
    // Webhook text is neutralised; the version, in a code span, mentions nobody and copies as sent.
    expect(rows[5]![2]).toBe("production, version `com.example.shop@4.12.2`");

    // The gantt is Mermaid's, with one bar per stage, ending at the stage's time.
    const [gantt] = mermaidBlocks(issue.body);
    const { type, tasks } = await parseMermaid(gantt!);
    expect(type).toBe("gantt");
    expect(tasks.map((t) => t.endTime.toISOString())).toEqual(stages.map((s) => s.at));

    // Closed with the fix verified; the fixed version crashes again: a second round in the same issue.
    issue.state = "closed";
    await deliver("issues", issueClosed(1));
    expect(await store.getGroup(group.id)).toMatchObject({ state: "resolved", fixedIn: "com.example.shop@4.12.2" });
    const again = sentryAlert("com.example.shop@4.12.3");
    expect((await post(app, `/hotfix/alerts/sentry/${REPO}`, again, sentryHeaders(again))).status).toBe(202);
    const round2 = await until("two stages of round 2", async () => {
      const stages = (await store.clock.clockOf(group.id)).stages.filter((s) => s.round === 2);
      return stages.length === 2 && stages;
    });
    expect(round2.map((s) => s.stage)).toEqual(["first-occurrence", "issue-opened"]);
    // The reopening write carried the second round's clock.
    expect(issue.state).toBe("open");
    expect(issue.body).toContain("**Round 2**");
    expect(issue.body).toMatch(/Round 2: this crash regressed after a fix \(round 1: \d+ (min|h|d)/);
    expect(github.issues.get(REPO)).toHaveLength(1);
    for (const block of mermaidBlocks(issue.body)) await parseMermaid(block);
  });

  it("a stage that arrives within the refresh interval waits for it: one edit per interval", async () => {
    let now = Date.parse("2026-03-01T12:00:00.000Z");
    await app.close();
    await github.close();
    github = await startGitHubStandin({
      repos: {
        [REPO]: {
          installationId: INSTALLATION,
          files: { ".github/hotfix.yml": "sources:\n  - provider: sentry\nissues:\n  refreshIntervalSeconds: 600\n" },
        },
      },
    });
    app = await testApp(store, github.url, { now: () => new Date(now) });
    const first = sentryAlert("com.example.shop@4.12.1");
    const signed = sentryHeaders(first, { "sentry-hook-timestamp": String(Math.floor(now / 1000)) });
    expect((await post(app, `/hotfix/alerts/sentry/${REPO}`, first, signed)).status).toBe(202);
    const issue = await until("the hotfix issue on GitHub", () => github.issues.get(REPO)?.[0]);
    await until("the outbox to drain", async () => (await storeCounts(store)).pendingJobs === 0);

    now += 60_000;
    await deliver("pull_request", pullRequest("opened", 7, "Fixes #1", { created: new Date(now).toISOString() }));
    expect((await storeCounts(store)).pendingJobs).toBe(1);
    expect(await app.worker.runOnce()).toBe(0);
    expect(issue.body).not.toContain("Fix PR opened");

    now += 600_000;
    await until("the clock table to show the fix PR", () => issue.body.includes("| Fix PR opened |"));
    expect(github.writes().filter((c) => c.route === "PATCH /repos/{owner}/{repo}/issues/{number}")).toHaveLength(1);
  });
});

describe("the hotfix board", () => {
  it("opts in with board.enabled: one board issue, refreshed at most once a minute as the loop moves", async () => {
    let now = Date.parse("2026-03-01T12:00:00.000Z");
    await app.close();
    await github.close();
    const config = "sources:\n  - provider: sentry\nissues:\n  refreshIntervalSeconds: 0\nboard:\n  enabled: true\n";
    github = await startGitHubStandin({ repos: { [REPO]: { installationId: INSTALLATION, files: { ".github/hotfix.yml": config } } } });
    app = await testApp(store, github.url, { now: () => new Date(now) });
    const boardEdits = () =>
      github.writes().filter((c) => c.route === "PATCH /repos/{owner}/{repo}/issues/{number}" && c.path.endsWith("/issues/2")).length;

    const first = sentryAlert("com.example.shop@4.12.1", now);
    const signed = sentryHeaders(first, { "sentry-hook-timestamp": String(Math.floor(now / 1000)) });
    expect((await post(app, `/hotfix/alerts/sentry/${REPO}`, first, signed)).status).toBe(202);
    const board = await until("the board issue", () => github.issues.get(REPO)?.find((i) => i.title === "Hotfix board"));
    expect(board.number).toBe(2);
    expect(board.body).toContain("| #1 | Issue opened | ");
    expect(board.body).toContain("| Hotfixes verified | 0 | 0 |");

    // Ten seconds later a fix PR: the hotfix issue shows it at once, the board at the end of its minute.
    now += 10_000;
    await deliver("pull_request", pullRequest("opened", 7, "Fixes #1", { created: new Date(now).toISOString() }));
    const issue = github.issues.get(REPO)![0]!;
    await until("the clock table to show the fix PR", () => issue.body.includes("| Fix PR opened |"));
    await until(
      "one pending job that the worker then runs",
      async () => (await storeCounts(store)).pendingJobs === 1 && (await app.worker.runOnce()) === 0,
    );
    expect(board.body).toContain("| #1 | Issue opened | ");
    expect(boardEdits()).toBe(0);

    now += 50_000;
    await until("the board to show the fix PR's row", () => board.body.includes("| #1 | Fix PR opened | 1 min |"));
    expect(boardEdits()).toBe(1);
    expect(github.issues.get(REPO)!.filter((i) => i.title === "Hotfix board")).toHaveLength(1);
    expect(mermaidBlocks(board.body)).toEqual([]);
  });
});

describe("webhooks out of order", () => {
  it("a check that arrives before its PR's opened event reads the PR once to find the issue it fixes", async () => {
    const { group } = await crashWithIssue();
    github.pulls.set(REPO, [{ number: 9, body: "Closes acme/shop-android#1", state: "open" }]);
    await deliver("check_run", checkRun(CHECK_NAME, "success", 9, iso(30)));
    await stageRecorded(group.id, "check-passed");
    expect(await store.clock.groupsOfPullRequest(REPO, 9)).toEqual([group.id]);
    expect(github.calls.filter((c) => c.route === "GET /repos/{owner}/{repo}/pulls/{number}")).toHaveLength(1);

    // A PR whose body names no issue, linked in GitHub's "Development" sidebar instead: its closing references tell.
    github.pulls.get(REPO)!.push({ number: 11, body: "Null check", state: "open", closes: [1] });
    await deliver("pull_request", pullRequest("opened", 11, "Null check", { created: iso(50) }));
    await until("the pull request to be linked to one group", async () => (await store.clock.groupsOfPullRequest(REPO, 11)).length === 1);

    // A check of a PR that links nothing, or that GitHub no longer has, records nothing.
    await deliver("check_run", checkRun(CHECK_NAME, "success", 10, iso(40)));
    await until(
      "two reads of the pull request",
      () => github.calls.filter((c) => c.route === "GET /repos/{owner}/{repo}/pulls/{number}").length === 2,
    );
    expect(await store.clock.groupsOfPullRequest(REPO, 10)).toEqual([]);
    // GraphQL was asked only for the PR whose body named no issue.
    expect(github.calls.filter((c) => c.route === "POST /graphql")).toHaveLength(1);
  });
});
