import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseIssueMarker } from "../../src/core/render.js";
import type { RunningApp } from "../../src/app/server.js";
import type { Store } from "../../src/store/store.js";
import {
  deliverWebhook,
  fixture,
  genericHeaders,
  githubExample,
  memoryStore,
  post,
  SECRETS,
  sentryHeaders,
  testApp,
  until,
  yaml,
} from "./harness.js";
import { storeCounts } from "../store/counts.js";
import { putSettings } from "../store/settings.js";

// Each crash reporter's real payload, through the App, to exactly one issue: the GitHub API
// is nock, and every call the App makes is listed (an unlisted call fails the test).

const API = "https://api.github.com";
const contents = (repo: string, path: string) => (uri: string) => decodeURIComponent(uri).split("?")[0] === `/repos/${repo}/contents/${path}`;
const file = (path: string, text: string) => ({ type: "file", encoding: "base64", path, content: yaml(text) });

let store: Store;
let app: RunningApp;
let unmatched: string[];
const onNoMatch = (req: Request) => {
  // The tests' own requests to the App pass through nock too.
  if (!req.url.startsWith("http://127.0.0.1")) unmatched.push(`${req.method} ${req.url}`);
};

beforeEach(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
  unmatched = [];
  nock.emitter.on("no match", onNoMatch);
  store = await memoryStore();
  app = await testApp(store, API);
});

afterEach(async () => {
  await app.close();
  await store.close();
  nock.emitter.removeListener("no match", onNoMatch);
  nock.cleanAll();
  nock.enableNetConnect();
});

describe("a crash alert opens one hotfix issue", () => {
  it("Sentry issue alert on the explicit route: one look-up of the repository, then the issue with the full context", async () => {
    const repo = "acme/shop-android";
    let created: Record<string, any> | undefined;
    const github = nock(API)
      .get(`/repos/${repo}/installation`)
      .reply(200, { id: 4242 })
      .post("/app/installations/4242/access_tokens")
      .reply(201, { token: "ghs_test", expires_at: "2099-01-01T00:00:00Z" })
      .get(contents(repo, ".github/hotfix.yml"))
      .reply(200, file(".github/hotfix.yml", "sources:\n  - provider: sentry\n    projects: [shop-android]\nlinks:\n  root: app/src/main/java\n"))
      .get(`/repos/${repo}/issues`)
      .query({ state: "all", per_page: "100", labels: "hotfix" })
      .reply(200, [])
      .get(contents(repo, ".github/CODEOWNERS"))
      .reply(200, file(".github/CODEOWNERS", "* @acme/mobile\n**/checkout/ @dana-dev @acme/payments\n"))
      // The other places GitHub looks are read at the same time; .github/ comes first.
      .get(contents(repo, "CODEOWNERS"))
      .reply(200, file("CODEOWNERS", "* @someone-else\n"))
      .get(contents(repo, "docs/CODEOWNERS"))
      .reply(404, { message: "Not Found" })
      .post(`/repos/${repo}/issues`, (body) => ((created = body), true))
      .reply(201, { number: 7 });

    const body = fixture("sentry/event_alert-android.json");
    const res = await post(app, `/hotfix/alerts/sentry/${repo}`, body, sentryHeaders(body));

    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: "accepted", signature: expect.stringMatching(/^[0-9a-f]{16}$/), repos: [repo] });
    const group = await until("the crash group to have issue #7", async () => {
      const g = await store.findGroup(repo, res.body.signature);
      return g?.issueNumber === 7 && g;
    });
    expect(github.isDone()).toBe(true);
    expect(unmatched).toEqual([]);

    expect(created!.title).toContain("NullPointerException");
    expect(created!.labels).toEqual(["hotfix", "crash", "severity:critical"]);
    // CODEOWNERS of the crashing in-app frame's file; the teams are dropped.
    expect(created!.assignees).toEqual(["dana-dev"]);
    expect(created!.body).toContain("app/src/main/java/com/example/shop/checkout/CartTotals.kt#L42");
    expect(created!.body).toContain("checkout\\_button");
    expect(created!.body).toContain("Pixel 7");
    expect(parseIssueMarker(created!.body)?.signature).toBe(res.body.signature);
    expect(group.renderedEvents).toBe(1);
  });

  it("Bugsnag exception alert on the project route, after the installation event cached the repository", async () => {
    const installation = githubExample("installation", "created");
    const repo = "codertocat/hello-world";
    const project = "559bc00a94a804b02a96dd81";
    let created: Record<string, any> | undefined;
    const github = nock(API)
      .post(`/app/installations/${installation.installation.id}/access_tokens`)
      .reply(201, { token: "ghs_test", expires_at: "2099-01-01T00:00:00Z" })
      .get(contents("Codertocat/Hello-World", ".github/hotfix.yml"))
      .reply(
        200,
        file(
          ".github/hotfix.yml",
          `sources:\n  - provider: bugsnag\n    projects: ["${project}"]\nissues:\n  assignees: ["@octocat"]\n  codeowners: false\n`,
        ),
      )
      .get(`/repos/${repo}/issues`)
      .query({ state: "all", per_page: "100", labels: "hotfix" })
      .reply(200, [])
      .post(`/repos/${repo}/issues`, (body) => ((created = body), true))
      .reply(201, { number: 1 });

    expect(await deliverWebhook(app, "installation", installation)).toBe(200);
    expect((await store.getRepoSettings(repo))?.installationId).toBe(installation.installation.id);

    const body = fixture("bugsnag/webhook-exception.json");
    const res = await post(app, `/hotfix/alerts/bugsnag?token=${SECRETS.bugsnag}`, body, { "content-type": "application/json" });
    expect(res).toEqual({ status: 202, body: { status: "accepted", signature: expect.any(String), repos: [repo] } });

    await until("the crash group to have issue #1", async () => (await store.findGroup(repo, res.body.signature))?.issueNumber === 1);
    expect(github.isDone()).toBe(true);
    expect(unmatched).toEqual([]);
    expect(created!.assignees).toEqual(["octocat"]);
    expect(created!.labels).toEqual(["hotfix", "crash", "severity:critical"]);
    expect(created!.body).toContain("home_controller.rb");
    expect(parseIssueMarker(created!.body)).toMatchObject({ provider: "bugsnag", project });
  });

  it("generic alert for a cached repository: no GitHub call until the worker opens the issue", async () => {
    const repo = "sky/rally";
    await putSettings(store, {
      repo,
      installationId: 99,
      config: { sources: [{ provider: "generic" }], issues: { labels: ["crash"], codeowners: false } },
      fetchedAt: new Date().toISOString(),
    });
    let created: Record<string, any> | undefined;
    const github = nock(API)
      .post("/app/installations/99/access_tokens")
      .reply(201, { token: "ghs_test", expires_at: "2099-01-01T00:00:00Z" })
      .get(`/repos/${repo}/issues`)
      .query({ state: "all", per_page: "100", labels: "crash" })
      .reply(200, [{ number: 3, body: "a person's issue", pull_request: undefined }])
      .post(`/repos/${repo}/issues`, (body) => ((created = body), true))
      .reply(201, { number: 4 });

    const body = fixture("generic/unity-crashing-first.json");
    const res = await post(app, `/hotfix/alerts/generic/${repo}`, body, genericHeaders(body));
    expect(res.status).toBe(202);
    await until("the crash group to have issue #4", async () => (await store.findGroup(repo, res.body.signature))?.issueNumber === 4);
    expect(github.isDone()).toBe(true);
    expect(unmatched).toEqual([]);
    expect(created!.labels).toEqual(["crash", "severity:critical"]);
    expect(created!.body).toContain("WheelPicker.cs");
    expect(created!.body).toContain("2.8.0");
  });

  it("a GitHub 502 on create is retried by the job, which first looks for the issue by its marker, and ends with one issue", async () => {
    const repo = "sky/rally";
    await putSettings(store, {
      repo,
      installationId: 99,
      config: { sources: [{ provider: "generic" }], issues: { codeowners: false } },
      fetchedAt: new Date().toISOString(),
    });
    const github = nock(API)
      .post("/app/installations/99/access_tokens")
      .reply(201, { token: "ghs_test", expires_at: "2099-01-01T00:00:00Z" })
      .get(`/repos/${repo}/issues`)
      .query(true)
      .reply(200, [])
      .post(`/repos/${repo}/issues`)
      .reply(502, { message: "Server Error" })
      .get(`/repos/${repo}/issues`)
      .query(true)
      .reply(200, [])
      .post(`/repos/${repo}/issues`)
      .reply(201, { number: 12 });

    const body = fixture("generic/unity-crashing-first.json");
    const res = await post(app, `/hotfix/alerts/generic/${repo}`, body, genericHeaders(body));
    // The job records the issue, then completes: its end is when no job is left.
    await until(
      "the crash group to have issue #12 and the outbox to drain",
      async () => (await store.findGroup(repo, res.body.signature))?.issueNumber === 12 && (await storeCounts(store)).pendingJobs === 0,
    );
    expect(github.isDone()).toBe(true);
    expect(unmatched).toEqual([]);
  });
});
