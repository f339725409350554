import { createHmac, generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startApp } from "../app/server.js";
import { startGitHubStandin } from "../demo/github-standin.js";
import { continueLoop } from "../demo/loop.js";
import { SqliteStore } from "../store/sqlite.js";

/**
 * `hotfix-loop demo`: the App end to end on this machine. A loopback stand-in plays GitHub,
 * the App runs with a fresh SQLite store, a generated private key and test secrets, and a
 * real-shaped Sentry issue alert becomes a hotfix issue.
 */

const REPO = "acme/shop-android";
const CONFIG = `# .github/hotfix.yml of the demo repository
sources:
  - provider: sentry
    projects: [shop-android]
links:
  root: app/src/main/java
board:
  enabled: true
fastLane:
  deploy:
    workflow: deploy.yml
    inputs: { environment: production }
`;
const CODEOWNERS = "* @acme/mobile\n**/checkout/ @dana-dev\n";

function examplePath(): string {
  // lib/cli.js in a package, src/cli/demo.ts in a checkout.
  for (const relative of ["../examples/sentry-event-alert.json", "../../examples/sentry-event-alert.json"]) {
    const path = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error("examples/sentry-event-alert.json not found beside the package");
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const usage = `usage: hotfix-loop demo

Runs the App on this machine against a loopback GitHub stand-in: a Sentry alert becomes a hotfix issue, then a fix PR,
its check, the merge into release/4.12, a deployment and the verification arrive, and the issue's hotfix clock and the
board are printed. After the merge the Action's fast lane ports the fix onto main and dispatches the deploy, with git in a
temporary repository (skipped when git is not on PATH). Needs no network and no GitHub account.`;

export async function run(args: string[]): Promise<number> {
  if (args.length > 0) {
    console.error(`hotfix-loop demo: unexpected ${JSON.stringify(args[0])}\n\n${usage}`);
    return 2;
  }
  const dir = mkdtempSync(join(tmpdir(), "hotfix-loop-demo-"));
  const github = await startGitHubStandin({
    repos: { [REPO]: { installationId: 4242, files: { ".github/hotfix.yml": CONFIG, ".github/CODEOWNERS": CODEOWNERS } } },
    latencyMs: { min: 5, max: 30 },
  });
  const store = new SqliteStore(join(dir, "hotfix-loop.sqlite"));
  await store.migrate();
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const sentrySecret = randomBytes(16).toString("hex");
  const body = readFileSync(examplePath());
  // The App's clock starts a minute after the example crash happened, as if its alert had just arrived (the clock's first
  // stage and the issue's "First seen" are the crash's own time); the rest of the loop moves it forward instead of waiting.
  const crashedAt = (JSON.parse(body.toString("utf8")) as { data: { event: { timestamp: number } } }).data.event.timestamp * 1000;
  let ahead = crashedAt + 60_000 - Date.now();
  const now = () => new Date(Date.now() + ahead);
  const webhookSecret = randomBytes(16).toString("hex");
  const app = await startApp({
    store,
    appId: 1,
    privateKey,
    webhookSecret,
    now,
    // The stand-in has no rate limits to respect; octokit's spacing of issue writes (3 s) would only slow the loop down.
    github: { throttle: false },
    githubBaseUrl: github.url,
    secrets: { sentry: sentrySecret },
    logLevel: "warn",
    worker: { pollIntervalMs: 200 },
  });
  try {
    const route = `/hotfix/alerts/sentry/${REPO}`;
    const res = await fetch(`${app.url}${route}`, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "sentry-hook-resource": "event_alert",
        "sentry-hook-timestamp": String(Math.floor(now().getTime() / 1000)),
        "sentry-hook-signature": createHmac("sha256", sentrySecret).update(body).digest("hex"),
        "request-id": randomUUID(),
      },
    });
    const answer = await res.text();
    console.log(`POST ${route} (Sentry issue alert, ${body.length} bytes) -> ${res.status} ${answer}\n`);
    if (res.status !== 202) return 1;

    // The store records the issue number only after GitHub answered the create, so by then the
    // stand-in has recorded every call that led to it: the list below is complete, whatever the load.
    const { signature } = JSON.parse(answer) as { signature: string };
    const number = await waitFor("the hotfix issue", async () => (await store.findGroup(REPO, signature))?.issueNumber ?? undefined, 15_000);
    const issue = github.issues.get(REPO)!.find((i) => i.number === number)!;
    console.log(`Opened ${REPO}#${issue.number}: ${issue.title}`);
    console.log(`labels: ${issue.labels.join(", ")}   assignees: ${issue.assignees.join(", ") || "(none)"}\n`);
    console.log(issue.body);
    console.log(`\nGitHub API calls: ${github.calls.length}`);
    for (const call of github.calls) console.log(`  ${call.status} ${call.route}`);

    console.log("\nThe rest of the loop, as GitHub's webhooks:");
    await continueLoop({ app, github, store, repo: REPO, installationId: 4242, webhookSecret, issue, now, advance: (ms) => (ahead += ms) });
    return 0;
  } finally {
    await app.close();
    await store.close();
    await github.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
