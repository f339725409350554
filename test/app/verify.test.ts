import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runVerify } from "../../src/action/verify/run.js";
import type { RunningApp } from "../../src/app/server.js";
import { parseVerificationMarker } from "../../src/core/verify-report.js";
import { startGitHubStandin, type GitHubStandin, type StandinIssue } from "../../src/demo/github-standin.js";
import type { Store } from "../../src/store/store.js";
import { actionEnv } from "../action/harness.js";
import { SENTRY_ISSUE, startSentry, type Standin } from "../providers/reporter-standins.js";
import { deliverWebhook, fixture, githubExample, memoryStore, post, sentryHeaders, testApp, until } from "./harness.js";
import { settingsOf } from "../../src/app/settings.js";
import { readActionContext } from "../../src/action/context.js";

// The App verifies by itself: a successful deployment of a hotfix (real deployment_status and pull_request payloads,
// adjusted to the repository) leads to one verdict comment when the minimum window has passed on the App's injected
// clock, asked of the Sentry stand-in with the token from the App's environment; the verify Action run afterwards for
// the same deployment edits that comment instead of adding one.

const REPO = "acme/shop-android";
const INSTALLATION = 4242;
const CONFIG = "sources:\n  - provider: sentry\nissues:\n  refreshIntervalSeconds: 0\n";
const SHA = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e";
const FIXED = "com.example.shop@4.12.2";
const MINUTE = 60_000;
const SENTRY_ENV = { SENTRY_AUTH_TOKEN: "sntrys_app", SENTRY_ORG: "acme" };

function inRepo(payload: Record<string, any>): Record<string, any> {
  payload.repository = { ...payload.repository, name: "shop-android", full_name: REPO, owner: { ...payload.repository.owner, login: "acme" } };
  payload.installation = { id: INSTALLATION };
  return payload;
}

function sentryAlert(): Buffer {
  const payload = JSON.parse(fixture("sentry/event_alert-android.json").toString());
  payload.data.event.event_id = randomUUID().replace(/-/g, "");
  // The issue the Sentry stand-in serves.
  payload.data.event.issue_id = SENTRY_ISSUE.id;
  return Buffer.from(JSON.stringify(payload));
}

let clock: number;
let github: GitHubStandin;
let sentry: Standin;
let store: Store;
let app: RunningApp;

async function startWith(env: Record<string, string>) {
  app = await testApp(store, github.url, { settings: settingsOf({ ...env, SENTRY_URL: sentry.url }), now: () => new Date(clock) });
}

beforeEach(async () => {
  clock = Date.now();
  github = await startGitHubStandin({ repos: { [REPO]: { installationId: INSTALLATION, files: { ".github/hotfix.yml": CONFIG } } } });
  const day = 24 * 60 * MINUTE;
  sentry = await startSentry({
    token: SENTRY_ENV.SENTRY_AUTH_TOKEN,
    org: SENTRY_ENV.SENTRY_ORG,
    releases: [
      { version: "com.example.shop@4.12.1", firstSeen: new Date(clock - 2 * day).toISOString(), sessions: 40_000, events: 900, crashes: 400 },
      { version: FIXED, firstSeen: new Date(clock).toISOString(), sessions: 20_000, events: 100, crashes: 0 },
    ],
    // Web-like: reports arrive within a minute.
    delaysMinutes: Array.from({ length: 30 }, () => 1),
  });
  store = await memoryStore();
});

afterEach(async () => {
  await app.close();
  await store.close();
  await github.close();
  await sentry.close();
});

const deliver = async (event: string, payload: unknown) => expect(await deliverWebhook(app, event, payload)).toBe(200);

/** A crash with its issue (#1), fixed by PR #7 (merged), then deployed in FIXED now. */
async function shipFix(): Promise<StandinIssue> {
  const alert = sentryAlert();
  const { body: accepted } = await post(app, `/hotfix/alerts/sentry/${REPO}`, alert, sentryHeaders(alert));
  const group = await until("the crash group to have its issue", async () => {
    const g = await store.findGroup(REPO, accepted.signature);
    return g?.issueNumber !== null && g;
  });
  const issue = await until("the hotfix issue on GitHub", () => github.issues.get(REPO)?.[0]);
  // A pull request is an issue to GitHub's comments API.
  github.issues.get(REPO)?.push({ ...issue, number: 7, title: "Null check", body: "Fixes #1", labels: [], comments: [] });
  const merged = inRepo(githubExample("pull_request", "closed"));
  Object.assign(merged.pull_request, {
    number: 7,
    body: "Null check.\n\nFixes #1",
    created_at: new Date(clock - 60 * MINUTE).toISOString(),
    merged: true,
    merged_at: new Date(clock - 30 * MINUTE).toISOString(),
  });
  await deliver("pull_request", merged);
  await until("the merged stage", async () => (await store.clock.clockOf(group.id)).stages.some((s) => s.stage === "merged"));
  const deployment = inRepo(JSON.parse(fixture("github/deployment_status.success.json").toString()));
  deployment.deployment.payload = { version: FIXED };
  deployment.deployment.sha = SHA;
  deployment.deployment_status.created_at = new Date(clock).toISOString();
  await deliver("deployment_status", deployment);
  await until("the deployed stage", async () => (await store.clock.clockOf(group.id)).stages.some((s) => s.stage === "deployed"));
  return issue;
}

const verdictComments = (issue: StandinIssue) => issue.comments.filter((c) => parseVerificationMarker(c.body) !== null);
const countRequests = () => sentry.requests.filter((r) => r.includes("/events/?") && !r.includes("field=received"));

describe("the App verifies a deployed hotfix by itself", () => {
  it("posts one verdict when the minimum window has passed, and the Action's later run edits that comment", async () => {
    await startWith(SENTRY_ENV);
    const deployedAt = clock;
    const issue = await shipFix();

    // Before the 30-minute window ends the reporter is not even asked.
    clock = deployedAt + 29 * MINUTE;
    await new Promise((r) => setTimeout(r, 200));
    expect(countRequests()).toEqual([]);
    expect(verdictComments(issue)).toEqual([]);

    clock = deployedAt + 31 * MINUTE;
    const [posted] = await until("a verdict comment", () => verdictComments(issue).length > 0 && verdictComments(issue));
    expect(parseVerificationMarker(posted!.body)).toMatchObject({ version: FIXED, verdict: "verified" });
    expect(posted!.body).toContain("arrive within 1 minute");
    const pr = github.issues.get(REPO)!.find((i) => i.number === 7)!;
    await until("a commit status", () => (github.statuses.get(REPO) ?? []).length > 0);
    expect(verdictComments(pr)).toHaveLength(1);
    expect(issue.labels).toContain("hotfix:verified");
    expect(github.statuses.get(REPO)).toEqual([expect.objectContaining({ sha: SHA, state: "success", context: "hotfix / verification" })]);
    // Done: later rounds ask nothing more.
    const asked = sentry.requests.length;
    clock = deployedAt + 24 * 60 * MINUTE;
    await new Promise((r) => setTimeout(r, 200));
    expect(sentry.requests.length).toBe(asked);

    // The verify Action for the same deployment, an hour later, with its own reporter token: the same comment, edited.
    sentry.setReleases([
      { version: "com.example.shop@4.12.1", firstSeen: new Date(deployedAt - 86_400_000).toISOString(), sessions: 40_000, events: 900, crashes: 400 },
      { version: FIXED, firstSeen: new Date(deployedAt).toISOString(), sessions: 30_000, events: 100, crashes: 0 },
    ]);
    const env = actionEnv({
      eventName: "workflow_dispatch",
      payload: {},
      inputs: {
        version: FIXED,
        issue: "1",
        "deployed-at": new Date(deployedAt).toISOString(),
        "sentry-auth-token": SENTRY_ENV.SENTRY_AUTH_TOKEN,
        "sentry-org": SENTRY_ENV.SENTRY_ORG,
        "sentry-url": sentry.url,
      },
      apiUrl: github.url,
    });
    try {
      process.env.GITHUB_REPOSITORY = REPO;
      process.env.GITHUB_SHA = SHA;
      const before = posted!.body;
      await runVerify(readActionContext(process.env), { now: () => new Date(deployedAt + 90 * MINUTE) });
      expect(verdictComments(issue)).toHaveLength(1);
      expect(verdictComments(issue)[0]!.id).toBe(posted!.id);
      expect(verdictComments(issue)[0]!.body).not.toBe(before);
      expect(verdictComments(issue)[0]!.body).toContain("30,000");
      expect(
        github.calls.filter((c) => c.route === "POST /repos/{owner}/{repo}/issues/{number}/comments" && c.path.endsWith("/1/comments")),
      ).toHaveLength(1);
    } finally {
      env.restore();
    }
  });

  it("looks again when there is not enough data yet, and posts once there is", async () => {
    await startWith(SENTRY_ENV);
    const deployedAt = clock;
    const quiet = (sessions: number) => [
      { version: "com.example.shop@4.12.1", firstSeen: new Date(deployedAt - 86_400_000).toISOString(), sessions: 40_000, events: 900, crashes: 400 },
      { version: FIXED, firstSeen: new Date(deployedAt).toISOString(), sessions, events: 1, crashes: 0 },
    ];
    sentry.setReleases(quiet(50));
    const issue = await shipFix();
    clock = deployedAt + 31 * MINUTE;
    await until("a count request to the reporter", () => countRequests().length > 0);
    await new Promise((r) => setTimeout(r, 200));
    const firstLook = countRequests().length;
    expect(verdictComments(issue)).toEqual([]);
    // Not due again within the next half hour at least.
    clock = deployedAt + 45 * MINUTE;
    await new Promise((r) => setTimeout(r, 200));
    expect(countRequests().length).toBe(firstLook);

    sentry.setReleases(quiet(20_000));
    clock = deployedAt + 24 * 60 * MINUTE;
    const [posted] = await until("a verdict comment", () => verdictComments(issue).length > 0 && verdictComments(issue));
    expect(parseVerificationMarker(posted!.body)).toMatchObject({ version: FIXED, verdict: "verified" });
  });

  it("does nothing without the reporter's token", async () => {
    await startWith({});
    const deployedAt = clock;
    const issue = await shipFix();
    clock = deployedAt + 24 * 60 * MINUTE;
    await new Promise((r) => setTimeout(r, 200));
    expect(sentry.requests).toEqual([]);
    expect(verdictComments(issue)).toEqual([]);
  });
});
