import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { RunningApp } from "../../src/app/server.js";
import { startGitHubStandin, type GitHubStandin, type StandinRepo } from "../../src/demo/github-standin.js";
import type { Store } from "../../src/store/store.js";
import { deliverWebhook, fixture, githubExample, memoryStore, post, sentryHeaders, testApp, until } from "./harness.js";
import { storeCounts } from "../store/counts.js";

// GitHub's refusals that no retry changes: the job is parked on the first answer, said once per
// repository and counted; the App takes it back itself when GitHub's webhook says the cause is gone.

const REPO = "acme/shop-android";
const CREATE = "POST /repos/{owner}/{repo}/issues";
const CONFIG = "sources:\n  - provider: sentry\nissues:\n  codeowners: false\n";

let github: GitHubStandin;
let store: Store;
let app: RunningApp;
let repo: StandinRepo;
let logged: { level: number; msg: string; reason?: string }[];

async function start(refusing: Partial<StandinRepo>) {
  repo = { installationId: 4242, files: { ".github/hotfix.yml": CONFIG }, ...refusing };
  github = await startGitHubStandin({ repos: { [REPO]: repo } });
  store = await memoryStore();
  logged = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) logged.push(JSON.parse(line) as (typeof logged)[number]);
      done();
    },
  });
  app = await testApp(store, github.url, { log: pino({ level: "debug" }, sink) });
}

afterEach(async () => {
  await app.close();
  await store.close();
  await github.close();
});

function crash(type: string): Buffer {
  const payload = JSON.parse(fixture("sentry/event_alert-android.json").toString());
  payload.data.event.event_id = randomUUID().replace(/-/g, "");
  payload.data.event.exception.values[0].type = type;
  // Another crash is another Sentry issue: one Sentry issue is one hotfix issue, whatever its stack.
  payload.data.event.issue_id = `${payload.data.event.issue_id}${type.length}`;
  return Buffer.from(JSON.stringify(payload));
}

async function send(type: string): Promise<string> {
  const body = crash(type);
  const res = await post(app, `/hotfix/alerts/sentry/${REPO}`, body, sentryHeaders(body));
  expect(res.status).toBe(202);
  return res.body.signature as string;
}

async function metricsText(): Promise<string> {
  return (await fetch(`${app.url}/metrics`)).text();
}

const creates = () => github.calls.filter((c) => c.route === CREATE);

/** Two crashes meet the refusal: one create each, both parked with the reason, said once. */
async function refusedTwice(reason: string, words: RegExp) {
  const refusedBefore = counted(await metricsText(), "hotfix_github_refusals_total", reason);
  const signatures = [await send("java.lang.FirstException"), await send("java.lang.SecondException")];
  const parked = await until("two parked jobs", async () => {
    const jobs = await store.jobs.list(new Date(), { parkedOnly: true });
    return jobs.length === 2 && jobs;
  });
  expect(parked.map((j) => [j.parkReason, j.attempts])).toEqual([
    [reason, 1],
    [reason, 1],
  ]);
  for (const job of parked) expect(job.lastError).toMatch(words);
  expect(creates()).toHaveLength(2);
  const warnings = logged.filter((l) => l.level === 40 && words.test(l.msg));
  expect(warnings).toHaveLength(1);
  expect(logged.filter((l) => l.level === 20 && words.test(l.msg))).toHaveLength(1);
  const text = await metricsText();
  expect(counted(text, "hotfix_github_refusals_total", reason) - refusedBefore).toBe(2);
  expect(counted(text, "hotfix_outbox_parked_jobs_by_reason", reason)).toBe(2);

  // Alerts keep being counted; the job stays parked, and nothing is sent.
  await send("java.lang.FirstException");
  expect((await store.findGroup(REPO, signatures[0]!))?.events).toBe(2);
  expect(await app.worker.runOnce()).toBe(0);
  expect(creates()).toHaveLength(2);
  return signatures;
}

function counted(text: string, name: string, reason: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name}{reason="${reason}"}`));
  return line ? Number(line.split(" ").at(-1)) : 0;
}

async function healedBy(event: string, payload: Record<string, any>, reason: string) {
  expect(await deliverWebhook(app, event, payload)).toBe(200);
  await until(
    "two issues on GitHub and an empty outbox",
    () => (github.issues.get(REPO)?.length ?? 0) === 2 && storeCounts(store).then((s) => s.pendingJobs === 0),
  );
  expect(creates().map((c) => c.status)).toEqual([creates()[0]!.status, creates()[1]!.status, 201, 201]);
  expect(await store.jobs.list(new Date())).toEqual([]);
  expect(counted(await metricsText(), "hotfix_outbox_parked_jobs_by_reason", reason)).toBe(0);
}

describe("refusals that no retry changes", () => {
  it("issues turned off (410): parked at once, then opened when the repository turns issues on", async () => {
    await start({ issuesDisabled: true });
    await refusedTwice("issues-disabled", /issues are turned off in acme\/shop-android: turn them on, or route its crashes elsewhere/);
    expect(creates().map((c) => c.status)).toEqual([410, 410]);

    repo.issuesDisabled = false;
    const edited = githubExample("repository", "edited");
    Object.assign(edited.repository, { name: "shop-android", full_name: REPO, has_issues: true });
    edited.installation = { id: 4242 };
    await healedBy("repository", edited, "issues-disabled");
  });

  it("a missing Issues permission (403): parked at once, then opened when the installation accepts the new permissions", async () => {
    await start({ issuesReadOnly: true });
    await refusedTwice(
      "missing-permission",
      /the App may not write issues in acme\/shop-android \(GitHub: "Resource not accessible by integration"\)/,
    );
    expect(creates().map((c) => c.status)).toEqual([403, 403]);

    repo.issuesReadOnly = false;
    const accepted = githubExample("installation", "new_permissions_accepted");
    accepted.installation.id = 4242;
    accepted.repositories = [{ ...accepted.repositories[0], name: "shop-android", full_name: REPO }];
    await healedBy("installation", accepted, "missing-permission");
  });

  it("an event for another repository or installation takes nothing back", async () => {
    await start({ issuesDisabled: true });
    await refusedTwice("issues-disabled", /issues are turned off in acme\/shop-android/);
    const other = githubExample("repository", "edited");
    Object.assign(other.repository, { name: "web", full_name: "acme/web", has_issues: true });
    expect(await deliverWebhook(app, "repository", other)).toBe(200);
    const accepted = githubExample("installation", "new_permissions_accepted");
    accepted.installation.id = 4242;
    expect(await deliverWebhook(app, "installation", accepted)).toBe(200);
    expect((await store.jobs.list(new Date(), { parkedOnly: true })).map((j) => j.parkReason)).toEqual(["issues-disabled", "issues-disabled"]);
  });
});
