import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/app/logger.js";
import type { RunningApp } from "../../src/app/server.js";
import { startGitHubStandin, type GitHubStandin } from "../../src/demo/github-standin.js";
import type { Store } from "../../src/store/store.js";
import { deliverWebhook, fixture, githubExample, memoryStore, post, SECRETS, testApp, until, WEBHOOK_SECRET } from "./harness.js";

// Credentials that arrive with requests must not reach the log (test/proof/webhook-size.test.ts covers oversized webhooks).

const REPO = "acme/shop-android";

let github: GitHubStandin;
let store: Store;
let app: RunningApp;
let logLines: string[];

beforeEach(async () => {
  github = await startGitHubStandin({
    repos: { [REPO]: { installationId: 4242, files: { ".github/hotfix.yml": "sources:\n  - provider: bugsnag\n  - provider: sentry\n" } } },
  });
  store = await memoryStore();
  logLines = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });
  app = await testApp(store, github.url, { log: createLogger("info", sink) });
});

afterEach(async () => {
  await app.close();
  await store.close();
  await github.close();
});

describe("the log", () => {
  it("carries no credential of any request, at the default level", async () => {
    const body = fixture("bugsnag/webhook-exception.json");
    const bugsnag = await post(app, `/hotfix/alerts/bugsnag/${REPO}?token=${SECRETS.bugsnag}`, body, { "content-type": "application/json" });
    expect(bugsnag.status).toBe(202);
    const counts = await fetch(`${app.url}/hotfix/api/repos/${REPO}/signatures/${bugsnag.body.signature}?access_token=${SECRETS.apiToken}`, {
      headers: { authorization: `Bearer ${SECRETS.apiToken}` },
    });
    expect(counts.status).toBe(200);
    expect(await deliverWebhook(app, "installation", githubExample("installation", "created"))).toBe(200);
    await until("one issue on GitHub", () => github.issues.get(REPO)?.length === 1);

    const log = logLines.join("\n");
    // The requests were logged, with the credentials taken out.
    expect(log).toContain("/hotfix/alerts/bugsnag/acme/shop-android?token=[redacted]");
    for (const secret of [SECRETS.bugsnag, SECRETS.apiToken, WEBHOOK_SECRET, "ghs_standin"]) expect(log).not.toContain(secret);
  });
});
