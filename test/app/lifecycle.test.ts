import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseIssueMarker } from "../../src/core/render.js";
import { verificationMarker } from "../../src/core/verify-report.js";
import type { RunningApp } from "../../src/app/server.js";
import { startGitHubStandin, type GitHubStandin, type StandinComment } from "../../src/demo/github-standin.js";
import type { Store } from "../../src/store/store.js";
import { deliverWebhook, fixture, githubExample, memoryStore, post, sentryHeaders, testApp, until } from "./harness.js";
import { storeCounts } from "../store/counts.js";

// The App against the loopback GitHub stand-in: storms, regressions, a lost store.

const REPO = "acme/shop-android";
const CONFIG = "sources:\n  - provider: sentry\nlinks:\n  root: app/src/main/java\n";

/** One occurrence: each has its own event id, which is what the App deduplicates Sentry deliveries on. */
function sentryAlert(release?: string): Buffer {
  const payload = JSON.parse(fixture("sentry/event_alert-android.json").toString());
  payload.data.event.event_id = randomUUID().replace(/-/g, "");
  if (release) payload.data.event.release = release;
  return Buffer.from(JSON.stringify(payload));
}

function issueEvent(action: "closed" | "reopened", number: number, senderType: "User" | "Bot") {
  const payload = githubExample("issues", "reopened");
  payload.action = action;
  Object.assign(payload.issue, { number, state: action === "closed" ? "closed" : "open" });
  Object.assign(payload.repository, { name: "shop-android", full_name: REPO, owner: { ...payload.repository.owner, login: "acme" } });
  payload.sender.type = senderType;
  payload.installation = { id: 4242 };
  return payload;
}

/** The verify Action's comment: the fix of the crash shipped in `version`. */
const actionVerified = (signature: string, version: string): StandinComment => ({
  id: 900,
  body: `Verified.\n${verificationMarker({ signature, version, verdict: "verified" })}`,
  user: { login: "github-actions[bot]", type: "Bot" },
  author_association: "NONE",
});

let github: GitHubStandin;
let store: Store;
let app: RunningApp;

beforeEach(async () => {
  github = await startGitHubStandin({ repos: { [REPO]: { installationId: 4242, files: { ".github/hotfix.yml": CONFIG } } } });
  store = await memoryStore();
  app = await testApp(store, github.url);
});

afterEach(async () => {
  await app.close();
  await store.close();
  await github.close();
});

const routeCount = (route: string) => github.calls.filter((c) => c.route === route && c.status < 300).length;

describe("one crash, one issue", () => {
  it("200 concurrent alerts of one signature open exactly one issue and edit it at most a few times", async () => {
    const answers = await Promise.all(
      Array.from({ length: 200 }, () => {
        const body = sentryAlert();
        return post(app, `/hotfix/alerts/sentry/${REPO}`, body, sentryHeaders(body));
      }),
    );
    expect(answers.every((a) => a.status === 202)).toBe(true);
    expect(new Set(answers.map((a) => a.body.signature)).size).toBe(1);

    const group = await until("the crash group to have its issue", async () => {
      const g = await store.findGroup(REPO, answers[0]!.body.signature);
      return g?.issueNumber !== null && g;
    });
    await until("the outbox to drain", async () => (await storeCounts(store)).pendingJobs <= 1 && (await app.worker.runOnce()) === 0);
    expect(group.events).toBe(200);
    expect(github.issues.get(REPO)).toHaveLength(1);
    expect(routeCount("POST /repos/{owner}/{repo}/issues")).toBe(1);
    expect(routeCount("PATCH /repos/{owner}/{repo}/issues/{number}")).toBeLessThanOrEqual(2);
    // Concurrent first alerts for an unknown repository share one look-up.
    expect(routeCount("GET /repos/{owner}/{repo}/installation")).toBe(1);
  });

  it("looks for issues of a lost store once per repository, not once per new crash", async () => {
    const first = sentryAlert();
    const a = await post(app, `/hotfix/alerts/sentry/${REPO}`, first, sentryHeaders(first));
    await until("the first crash's issue", async () => (await store.findGroup(REPO, a.body.signature))?.issueNumber ?? null);
    const other = JSON.parse(first.toString());
    other.data.event.exception.values[0].type = "java.lang.IllegalStateException";
    // Another crash is another Sentry issue: under the first one's id it would join the first's hotfix issue.
    other.data.event.issue_id = `${other.data.event.issue_id}0`;
    other.data.event.event_id = randomUUID().replace(/-/g, "");
    const second = Buffer.from(JSON.stringify(other));
    const b = await post(app, `/hotfix/alerts/sentry/${REPO}`, second, sentryHeaders(second));
    expect(b.body.signature).not.toBe(a.body.signature);
    await until("the second crash's issue", async () => (await store.findGroup(REPO, b.body.signature))?.issueNumber ?? null);
    expect(github.issues.get(REPO)).toHaveLength(2);
    expect(routeCount("GET /repos/{owner}/{repo}/issues")).toBe(1);
  });

  it("a resolved crash seen again in a newer version reopens its issue once, as a regression", async () => {
    const first = sentryAlert("com.example.shop@4.12.1");
    const { body: accepted } = await post(app, `/hotfix/alerts/sentry/${REPO}`, first, sentryHeaders(first));
    const group = await until("the crash group to have its issue", async () => {
      const g = await store.findGroup(REPO, accepted.signature);
      return g?.issueNumber !== null && g;
    });
    const issue = github.issues.get(REPO)![0]!;

    // The Action's verification comment names the version the fix shipped in; then a person closes the issue.
    issue.comments.push(actionVerified(accepted.signature, "com.example.shop@4.12.2"));
    // A forged verdict from a passer-by, or a third-party bot echoing user text, naming a later version, must not move the fix version.
    issue.comments.push({
      id: 901,
      body: verificationMarker({ signature: accepted.signature, version: "com.example.shop@9.0.0", verdict: "verified" }),
      user: { login: "passer-by", type: "User" },
      author_association: "NONE",
    });
    issue.comments.push({
      id: 902,
      body: `Echo: ${verificationMarker({ signature: accepted.signature, version: "com.example.shop@999.0.0", verdict: "verified" })}`,
      user: { login: "echo-bot[bot]", type: "Bot" },
      author_association: "NONE",
    });
    issue.state = "closed";
    expect(await deliverWebhook(app, "issues", issueEvent("closed", issue.number, "User"))).toBe(200);
    expect(await store.getGroup(group.id)).toMatchObject({ state: "resolved", fixedIn: "com.example.shop@4.12.2" });

    // An old build still crashing is not news; the fixed version crashing is.
    const old = sentryAlert("com.example.shop@4.12.1");
    await post(app, `/hotfix/alerts/sentry/${REPO}`, old, sentryHeaders(old));
    expect((await store.getGroup(group.id))?.state).toBe("resolved");
    // Someone else's comment quoting the regression marker must not stand in for the App's.
    issue.comments.push({
      id: 903,
      body: `<!-- hotfix-loop:regression {"version":"com.example.shop@4.12.3"} -->`,
      user: { login: "passer-by", type: "User" },
      author_association: "NONE",
    });
    const again = sentryAlert("com.example.shop@4.12.3");
    expect((await post(app, `/hotfix/alerts/sentry/${REPO}`, again, sentryHeaders(again))).status).toBe(202);

    await until("the issue to be reopened with its fifth comment", () => issue.state === "open" && issue.comments.length === 5);
    await until("the group to be no longer regressed", async () => (await store.getGroup(group.id))?.regressedIn === null);
    expect(issue.labels).toContain("regression");
    // Reporter text is in code spans, where "@" mentions nobody. No history to compare: version order decided, and the comment says so.
    expect(issue.comments[4]!.user.login).toBe("hotfix-loop[bot]");
    expect(issue.comments[4]!.body).toMatch(
      /^\*\*Regressed in `com\.example\.shop@4\.12\.3`\*\*: this crash happened again, after the fix in `com\.example\.shop@4\.12\.2`\.\n\nJudged by version order/,
    );
    expect(await store.getGroup(group.id)).toMatchObject({ state: "open" });
    expect(github.issues.get(REPO)).toHaveLength(1);

    // Our own reopen comes back as an issues.reopened event from a bot: nothing changes.
    expect(await deliverWebhook(app, "issues", issueEvent("reopened", issue.number, "Bot"))).toBe(200);
    expect(issue.comments).toHaveLength(5);
  });

  it("a person reopening a closed hotfix issue reopens the crash group", async () => {
    const body = sentryAlert();
    const { body: accepted } = await post(app, `/hotfix/alerts/sentry/${REPO}`, body, sentryHeaders(body));
    const group = await until("the crash group to have its issue", async () => {
      const g = await store.findGroup(REPO, accepted.signature);
      return g?.issueNumber !== null && g;
    });
    await deliverWebhook(app, "issues", issueEvent("closed", group.issueNumber!, "User"));
    expect(await store.getGroup(group.id)).toMatchObject({ state: "resolved", fixedIn: null });
    await deliverWebhook(app, "issues", issueEvent("reopened", group.issueNumber!, "User"));
    expect((await store.getGroup(group.id))?.state).toBe("open");
  });

  it("store lost: the marker in the issue body lets the App find its issue instead of opening a second", async () => {
    const body = sentryAlert();
    const { body: accepted } = await post(app, `/hotfix/alerts/sentry/${REPO}`, body, sentryHeaders(body));
    await until("one issue on GitHub", () => github.issues.get(REPO)?.length === 1);
    await until("the store to record the issue", async () => (await store.findGroup(REPO, accepted.signature))?.issueNumber !== null);
    await app.close();
    await store.close();

    store = await memoryStore();
    app = await testApp(store, github.url);
    const repeat = sentryAlert();
    expect((await post(app, `/hotfix/alerts/sentry/${REPO}`, repeat, sentryHeaders(repeat))).status).toBe(202);
    const group = await until("the crash group to be rendered", async () => {
      const g = await store.findGroup(REPO, accepted.signature);
      return g?.renderedAt !== null && g;
    });
    expect(group.issueNumber).toBe(1);
    expect(github.issues.get(REPO)).toHaveLength(1);
    expect(routeCount("POST /repos/{owner}/{repo}/issues")).toBe(1);
    // The body is rewritten with what the new store knows.
    expect(routeCount("PATCH /repos/{owner}/{repo}/issues/{number}")).toBe(1);
    expect(parseIssueMarker(github.issues.get(REPO)![0]!.body)?.signature).toBe(accepted.signature);
  });
});

describe("a lost store and a closed issue", () => {
  /** The issue of a crash in 4.12.1, verified fixed in 4.12.2 by the Action and closed; then the store is lost. */
  async function closedThenStoreLost(): Promise<string> {
    const first = sentryAlert("com.example.shop@4.12.1");
    const { body: accepted } = await post(app, `/hotfix/alerts/sentry/${REPO}`, first, sentryHeaders(first));
    await until("the first alert's issue", async () => (await store.findGroup(REPO, accepted.signature))?.issueNumber ?? null);
    const issue = github.issues.get(REPO)![0]!;
    issue.comments.push(actionVerified(accepted.signature, "com.example.shop@4.12.2"));
    issue.state = "closed";
    await app.close();
    await store.close();
    store = await memoryStore();
    app = await testApp(store, github.url);
    return accepted.signature;
  }

  async function alertIn(release: string, signature: string) {
    const body = sentryAlert(release);
    expect((await post(app, `/hotfix/alerts/sentry/${REPO}`, body, sentryHeaders(body))).status).toBe(202);
    return until(`the alert in ${release} rendered`, async () => {
      const g = await store.findGroup(REPO, signature);
      return g?.renderedAt !== null && g;
    });
  }

  it("a crash in a build without the fix leaves it closed: the new store learns the close and the fix's version", async () => {
    const signature = await closedThenStoreLost();
    const group = await alertIn("com.example.shop@4.12.1", signature);
    expect(group).toMatchObject({ issueNumber: 1, state: "resolved", fixedIn: "com.example.shop@4.12.2" });
    const [issue] = github.issues.get(REPO)!;
    expect(issue).toMatchObject({ state: "closed" });
    expect(issue!.labels).not.toContain("regression");
    expect(issue!.comments).toHaveLength(1);
    expect(routeCount("POST /repos/{owner}/{repo}/issues")).toBe(1);
  });

  it("a crash in the fixed version reopens it once, as a regression judged by version order", async () => {
    const signature = await closedThenStoreLost();
    const group = await alertIn("com.example.shop@4.12.3", signature);
    expect(group).toMatchObject({ issueNumber: 1, state: "open", regressedIn: null });
    const [issue] = github.issues.get(REPO)!;
    expect(issue).toMatchObject({ state: "open" });
    expect(issue!.labels).toContain("regression");
    expect(issue!.comments.map((c) => c.body)).toEqual([
      expect.stringContaining("Verified."),
      expect.stringContaining("**Regressed in `com.example.shop@4.12.3`**: this crash happened again."),
    ]);
    expect(routeCount("POST /repos/{owner}/{repo}/issues")).toBe(1);
  });
});

describe("GitHub faults", () => {
  it("GitHub stores the issue but answers 502: the create is not repeated in the request, and the job's retry finds the issue by its marker", async () => {
    github.inject("POST /repos/{owner}/{repo}/issues", { status: 502, afterWrite: true });
    const body = sentryAlert();
    const { body: accepted } = await post(app, `/hotfix/alerts/sentry/${REPO}`, body, sentryHeaders(body));
    await until("the crash group to have its issue", async () => (await store.findGroup(REPO, accepted.signature))?.issueNumber ?? null);
    await until("the outbox to drain", async () => (await storeCounts(store)).pendingJobs === 0);
    expect(github.issues.get(REPO)).toHaveLength(1);
    expect(github.calls.filter((c) => c.route === "POST /repos/{owner}/{repo}/issues").map((c) => c.status)).toEqual([502]);
  });
});

describe("repository settings follow GitHub's events", () => {
  it("a push to the default branch that changes .github/hotfix.yml refreshes the cached config", async () => {
    const body = sentryAlert();
    const { body: accepted } = await post(app, `/hotfix/alerts/sentry/${REPO}`, body, sentryHeaders(body));
    await until("the crash group to be rendered", async () => (await store.findGroup(REPO, accepted.signature))?.renderedAt);
    github.calls.length = 0;

    const push = githubExample("push", undefined, (p) => p.ref === "refs/heads/master" && p.installation);
    Object.assign(push.repository, {
      name: "shop-android",
      full_name: REPO,
      default_branch: "master",
      owner: { ...push.repository.owner, login: "acme", name: "acme" },
    });
    push.installation = { id: 4242 };
    push.commits = [{ ...push.commits[0], added: [], removed: [], modified: [".github/hotfix.yml"] }];
    expect(await deliverWebhook(app, "push", push)).toBe(200);
    expect(github.calls.map((c) => c.route)).toContain("GET /repos/{owner}/{repo}/contents/{path}");

    // A push elsewhere costs nothing.
    github.calls.length = 0;
    push.ref = "refs/heads/feature";
    expect(await deliverWebhook(app, "push", push)).toBe(200);
    expect(github.calls).toEqual([]);
  });
});
