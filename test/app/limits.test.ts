import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { parseIssueMarker } from "../../src/core/render.js";
import { registry } from "../../src/app/metrics.js";
import type { RunningApp } from "../../src/app/server.js";
import { ROLLUP_MARKER } from "../../src/app/rollup.js";
import { startGitHubStandin, type GitHubStandin } from "../../src/demo/github-standin.js";
import type { Store } from "../../src/store/store.js";
import { deliverWebhook, fixture, githubExample, memoryStore, post, sentryHeaders, testApp, until } from "./harness.js";
import { storeCounts } from "../store/counts.js";

// The App's own limits against a hostile or broken stream of alerts: a budget of new issues per
// repository and hour, and jobs that can never succeed.

const REPO = "acme/shop-android";

let github: GitHubStandin;
let store: Store;
let app: RunningApp;

let rolledUp: string[];

async function rolledUpCount(): Promise<number> {
  const metric = await registry.getSingleMetric("hotfix_crashes_rolled_up_total")!.get();
  return metric.values.reduce((sum, v) => sum + v.value, 0);
}

async function start(config: string, worker: { maxAttempts?: number } = {}) {
  github = await startGitHubStandin({ repos: { [REPO]: { installationId: 4242, files: { ".github/hotfix.yml": config } } } });
  store = await memoryStore();
  rolledUp = [];
  app = await testApp(store, github.url, { worker: { pollIntervalMs: 20, retryBaseMs: 10, ...worker }, onRolledUp: (repo) => rolledUp.push(repo) });
}

afterEach(async () => {
  await app.close();
  await store.close();
  await github.close();
});

/** A crash with a message of the sender's choosing: each message is a new signature and a Sentry issue of its own. */
function crash(message: string): Buffer {
  const payload = JSON.parse(fixture("sentry/event_alert-android.json").toString());
  payload.data.event.event_id = randomUUID().replace(/-/g, "");
  payload.data.event.issue_id = `${payload.data.event.issue_id}${[...message].map((c) => c.charCodeAt(0)).join("")}`;
  payload.data.event.exception.values[0].type = `java.lang.Spam${message}Exception`;
  return Buffer.from(JSON.stringify(payload));
}

async function send(body: Buffer): Promise<string> {
  const res = await post(app, `/hotfix/alerts/sentry/${REPO}`, body, sentryHeaders(body));
  expect(res.status).toBe(202);
  return res.body.signature as string;
}

describe("the new-issue budget", () => {
  it("past issues.maxNewPerHour, new crashes are counted in one roll-up issue", async () => {
    await start("sources:\n  - provider: sentry\nissues:\n  maxNewPerHour: 2\n  codeowners: false\n  refreshIntervalSeconds: 0\n");
    const countedBefore = await rolledUpCount();
    const signatures: string[] = [];
    for (let i = 0; i < 6; i++) signatures.push(await send(crash(`N${i}`)));
    await until(
      "four rolled-up groups and an empty outbox",
      async () => (await storeCounts(store)).pendingJobs === 0 && (await store.rolledUpGroups(REPO)).length === 4,
    );
    // A repeat of a rolled-up crash updates its count in the roll-up, no new issue.
    await send(crash("N5"));
    await until(
      "the sixth crash rendered twice and an empty outbox",
      async () => (await storeCounts(store)).pendingJobs === 0 && (await store.findGroup(REPO, signatures[5]!))?.renderedEvents === 2,
    );

    const issues = github.issues.get(REPO)!;
    expect(issues).toHaveLength(3);
    const own = issues.filter((i) => parseIssueMarker(i.body) !== null);
    expect(own).toHaveLength(2);
    const rollUp = issues.find((i) => i.body.includes(ROLLUP_MARKER))!;
    const rolled = signatures.filter((s) => !own.some((i) => parseIssueMarker(i.body)?.signature === s));
    expect(rolled).toHaveLength(4);
    for (const signature of rolled) expect(rollUp.body).toContain(signature);
    expect(rollUp.body).toMatch(new RegExp(`${signatures[5]}\` \\| [^|]+ \\| 2 \\|`));
    expect(github.calls.filter((c) => c.route === "POST /repos/{owner}/{repo}/issues")).toHaveLength(3);
    // The metric's hook heard of each crash rolled up.
    expect(rolledUp).toEqual([REPO, REPO, REPO, REPO]);
    // The process's registry is shared with the other tests: compare before and after.
    expect((await rolledUpCount()) - countedBefore).toBe(4);

    // Closing the roll-up issue resolves every crash it lists, and only those.
    const closed = githubExample("issues", "reopened");
    closed.action = "closed";
    Object.assign(closed.issue, { number: rollUp.number, state: "closed" });
    Object.assign(closed.repository, { name: "shop-android", full_name: REPO, owner: { ...closed.repository.owner, login: "acme" } });
    closed.installation = { id: 4242 };
    expect(await deliverWebhook(app, "issues", closed)).toBe(200);
    for (const signature of signatures) {
      expect((await store.findGroup(REPO, signature))?.state).toBe(rolled.includes(signature) ? "resolved" : "open");
    }
  });
});

describe("poison jobs", () => {
  it("a job that fails its last attempt is parked with its reason, and later alerts leave it parked", async () => {
    await start("sources:\n  - provider: sentry\nissues:\n  codeowners: false\n", { maxAttempts: 3 });
    github.inject("POST /repos/{owner}/{repo}/issues", { status: 502, times: 100 });
    const body = crash("Poison");
    const signature = await send(body);
    const [parked] = await until("a parked job", async () => {
      const jobs = await store.parkedJobs();
      return jobs.length > 0 && jobs;
    });
    expect(parked).toMatchObject({ repo: REPO, signature, attempts: 3, lastError: expect.stringMatching(/Server Error/) });
    expect(github.calls.filter((c) => c.route === "POST /repos/{owner}/{repo}/issues")).toHaveLength(3);

    await send(crash("Poison"));
    expect((await store.findGroup(REPO, signature))?.events).toBe(2);
    expect(await app.worker.runOnce()).toBe(0);
    expect(await storeCounts(store)).toMatchObject({ pendingJobs: 0, parkedJobs: 1 });
  });
});
