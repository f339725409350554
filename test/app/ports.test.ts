import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunningApp } from "../../src/app/server.js";
import { portPullRequest } from "../../src/core/fast-lane.js";
import { startGitHubStandin, type GitHubStandin, type StandinIssue } from "../../src/demo/github-standin.js";
import type { Store } from "../../src/store/store.js";
import { deliverWebhook, fixture, githubExample, memoryStore, post, sentryHeaders, testApp, until } from "./harness.js";

// The fast lane's port PRs as the App sees them (issue 25): GitHub's pull_request webhooks (real payloads from
// @octokit/webhooks-examples, moved to the repository, its branches and the PRs of the loop) become the board's
// "Ports still open" and the hotfix clock's "Ported" stage.

const REPO = "acme/shop-android";
const INSTALLATION = 4242;
const CONFIG = "sources:\n  - provider: sentry\nissues:\n  refreshIntervalSeconds: 0\nboard:\n  enabled: true\n";
const MINUTE = 60_000;

let now = Date.parse("2026-03-01T12:00:00.000Z");
let github: GitHubStandin;
let store: Store;
let app: RunningApp;

beforeEach(async () => {
  now = Date.parse("2026-03-01T12:00:00.000Z");
  github = await startGitHubStandin({ repos: { [REPO]: { installationId: INSTALLATION, files: { ".github/hotfix.yml": CONFIG } } } });
  store = await memoryStore();
  app = await testApp(store, github.url, { now: () => new Date(now) });
});

afterEach(async () => {
  await app.close();
  await store.close();
  await github.close();
});

const at = () => new Date(now).toISOString();

interface Pr {
  number: number;
  body: string;
  base: string;
  head: string;
  /** The head's repository: a fork's PR comes from another one. */
  headRepo?: string;
}

/** GitHub's pull_request example, as the PR `pr` in the repository (default branch `main`). */
function pullRequest(action: "opened" | "closed", pr: Pr, times: { created: string; merged?: string }) {
  const payload = githubExample("pull_request", action);
  const [owner, name] = REPO.split("/") as [string, string];
  payload.repository = { ...payload.repository, name, full_name: REPO, default_branch: "main", owner: { ...payload.repository.owner, login: owner } };
  payload.installation = { id: INSTALLATION };
  const p = payload.pull_request;
  Object.assign(p, { number: pr.number, body: pr.body, created_at: times.created });
  p.base = { ...p.base, ref: pr.base, repo: payload.repository };
  p.head = { ...p.head, ref: pr.head, repo: { ...p.head.repo, full_name: pr.headRepo ?? REPO } };
  if (times.merged) Object.assign(p, { merged: true, merged_at: times.merged, state: "closed" });
  return payload;
}

async function deliver(event: string, payload: unknown): Promise<void> {
  expect(await deliverWebhook(app, event, payload)).toBe(200);
}

/** A Sentry alert at the App's now, once the App opened its issue (#1) and its board (#2). */
async function crashWithIssue(): Promise<{ groupId: number; issue: StandinIssue; board: StandinIssue }> {
  const payload = JSON.parse(fixture("sentry/event_alert-android.json").toString());
  payload.data.event.release = "com.example.shop@4.12.1";
  payload.data.event.timestamp = now / 1000;
  payload.data.event.event_id = randomUUID().replace(/-/g, "");
  const body = Buffer.from(JSON.stringify(payload));
  const signed = sentryHeaders(body, { "sentry-hook-timestamp": String(Math.floor(now / 1000)) });
  const { body: accepted } = await post(app, `/hotfix/alerts/sentry/${REPO}`, body, signed);
  const group = await until("the crash group to have its issue", async () => {
    const g = await store.findGroup(REPO, accepted.signature);
    return g?.issueNumber !== null && g;
  });
  const issue = github.issues.get(REPO)!.find((i) => i.number === group.issueNumber)!;
  const board = await until("the board issue", () => github.issues.get(REPO)?.find((i) => i.title === "Hotfix board"));
  return { groupId: group.id, issue, board };
}

/** The hotfix PR #3, fixing issue #1, opened and merged into release/4.12; the clock shows the merge. */
async function hotfixMergedIntoRelease(groupId: number) {
  const hotfix: Pr = { number: 3, body: "Guard the empty cart.\n\nFixes #1", base: "release/4.12", head: "hotfix/cart-total" };
  const created = at();
  await deliver("pull_request", pullRequest("opened", hotfix, { created }));
  now += 30 * MINUTE;
  await deliver("pull_request", pullRequest("closed", hotfix, { created, merged: at() }));
  await until("the merge on the clock", async () => (await store.clock.clockOf(groupId)).stages.some((s) => s.stage === "merged"));
  return hotfix;
}

/** The fast lane's port of #3 onto `target`, as action/fast-lane.ts opens it. */
function portOf3(number: number, target: string): Pr {
  const wanted = portPullRequest(
    {
      number: 3,
      title: "Guard the empty cart",
      base: "release/4.12",
      mergeCommitSha: "9f3c",
      mergeCommitParents: 2,
      commits: 1,
      issues: [{ number: 1, open: true }],
    },
    target,
  );
  return { number, body: wanted.body, base: wanted.base, head: wanted.head };
}

const clockRow = (issue: StandinIssue, stage: string) => issue.body.split("\n").find((l) => l.startsWith(`| ${stage} |`));
const portsSection = (board: StandinIssue) => /### Ports still open[\s\S]*?(?=\n### )/.exec(board.body)?.[0];

describe("port PRs of a merged hotfix", () => {
  it("an open port is listed on the board until it merges; its merge into the default branch is the clock's Ported stage", async () => {
    const { groupId, issue, board } = await crashWithIssue();
    await hotfixMergedIntoRelease(groupId);

    now += 2 * MINUTE;
    const opened = at();
    const toMain = portOf3(4, "main");
    const toNext = portOf3(5, "release/4.13");
    await deliver("pull_request", pullRequest("opened", toMain, { created: opened }));
    await deliver("pull_request", pullRequest("opened", toNext, { created: opened }));
    await until("the store to hold both ports", async () => (await store.clock.waitingPorts(REPO)).length === 2);
    now += 2 * MINUTE;
    await until("the board to list both ports", () => (portsSection(board)?.match(/^\| #1 \| #3 \|/gm) ?? []).length === 2);
    // How long each has been open depends on when the worker rendered the board (core's tests hold the durations).
    expect(portsSection(board)).toMatch(/^\| #1 \| #3 \| #4 \| `main` \| \d+ (s|min) \| .*2026-03-01 12:32 UTC.* \|$/m);
    expect(portsSection(board)).toMatch(/^\| #1 \| #3 \| #5 \| `release\/4\.13` \| \d+ (s|min) \| .*2026-03-01 12:32 UTC.* \|$/m);
    // An open port is no stage: the clock waits for its merge.
    expect(clockRow(issue, "Ported")).toBeUndefined();

    now += 40 * MINUTE;
    const merged = at();
    await deliver("pull_request", pullRequest("closed", toMain, { created: opened, merged }));
    await until("the clock to show the port", () => clockRow(issue, "Ported"));
    // Timed from the hotfix's merge (2 + 2 + 40 min before), with the port PR's number.
    expect(clockRow(issue, "Ported")).toMatch(/^\| Ported \| .* \| 44 min \| PR #4 \|$/);
    expect((await store.clock.clockOf(groupId)).stages.find((s) => s.stage === "ported")).toEqual({
      round: 1,
      stage: "ported",
      at: merged,
      detail: { pr: 4 },
    });
    now += 2 * MINUTE;
    await until("the board to drop the merged port", () => !portsSection(board)?.includes("| #4 |"));
    expect(portsSection(board)).toContain("| #1 | #3 | #5 | `release/4.13` |");
    await until("the board's figures to time merged → ported", () => board.body.includes("| Merged → Ported | 44 min (p90 44 min) |"));

    // The release port merging too is no Ported stage (the default branch is), and the section goes.
    await deliver("pull_request", pullRequest("closed", toNext, { created: opened, merged: at() }));
    now += 2 * MINUTE;
    await until("the board to list no port", () => portsSection(board) === undefined && board.body.includes("### Open hotfixes"));
    expect((await store.clock.clockOf(groupId)).stages.filter((s) => s.stage === "ported")).toHaveLength(1);
  });

  it("an ordinary PR, or a port-shaped one from a fork, is no port: no Ported stage, nothing on the board", async () => {
    const { groupId, issue, board } = await crashWithIssue();
    await hotfixMergedIntoRelease(groupId);
    const ordinary: Pr = { number: 6, body: "Also guard the total.\n\nFixes #1", base: "main", head: "fix/total" };
    const fork: Pr = { ...portOf3(7, "main"), headRepo: "mallory/shop-android" };
    for (const pr of [ordinary, fork]) {
      const created = at();
      await deliver("pull_request", pullRequest("opened", pr, { created }));
      now += MINUTE;
      await deliver("pull_request", pullRequest("closed", pr, { created, merged: at() }));
    }
    // Both were read (the ordinary one is a fix PR of the group): only then does an absence mean something.
    await until("both PRs linked to the group", async () => {
      const linked = await Promise.all([6, 7].map((n) => store.clock.groupsOfPullRequest(REPO, n)));
      return linked.every((g) => g.includes(groupId));
    });
    now += 2 * MINUTE;
    await until("no job pending", async () => (await app.worker.runOnce()) === 0);
    expect((await store.clock.clockOf(groupId)).stages.map((s) => s.stage)).not.toContain("ported");
    expect(await store.clock.waitingPorts(REPO)).toEqual([]);
    expect(clockRow(issue, "Ported")).toBeUndefined();
    expect(portsSection(board)).toBeUndefined();
  });
});
