import { createHmac, randomUUID } from "node:crypto";
import type { RunningApp } from "../app/server.js";
import { BOARD_TITLE } from "../core/board.js";
import { CHECK_NAME } from "../core/check-report.js";
import { parseIssueMarker } from "../core/render.js";
import { renderVerification } from "../core/verify-report.js";
import { decideVerification } from "../core/verify.js";
import { parseRepoName } from "../github/repo-name.js";
import type { Store } from "../store/store.js";
import type { GitHubStandin, StandinIssue } from "./github-standin.js";

/**
 * The rest of the loop for `hotfix-loop demo`, after the hotfix issue is open: a fix PR
 * linking it, the hotfix check passing, the merge, a deployment and the verification
 * arrive as GitHub's webhooks (signed as GitHub signs them, shaped as GitHub sends them,
 * trimmed to what matters), hours apart on the App's clock, which the demo moves forward.
 */

export interface LoopDemo {
  app: RunningApp;
  github: GitHubStandin;
  repo: string;
  installationId: number;
  webhookSecret: string;
  issue: StandinIssue;
  store: Store;
  /** Moves the App's clock forward. */
  advance(ms: number): void;
  /** The App's clock. */
  now(): Date;
}

const MINUTE = 60_000;
const FIXED_IN = "com.example.shop@4.12.2";

/** Delivers a GitHub webhook to the App signed as GitHub signs it; returns the HTTP status. */
export async function deliverSigned(app: RunningApp, secret: string, event: string, payload: unknown): Promise<number> {
  const body = JSON.stringify(payload);
  const res = await fetch(`${app.url}${app.webhookPath}`, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "x-github-event": event,
      "x-github-delivery": randomUUID(),
      "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
    },
  });
  await res.text();
  return res.status;
}

async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function continueLoop(demo: LoopDemo): Promise<void> {
  const { app, github, repo, issue } = demo;
  const signature = parseIssueMarker(issue.body)?.signature;
  if (!signature) throw new Error("the hotfix issue has no marker");
  const { owner, repo: name } = parseRepoName(repo);
  const repository = { id: 1, name, full_name: repo, owner: { login: owner, type: "Organization" }, default_branch: "main" };
  const envelope = { repository, installation: { id: demo.installationId }, sender: { login: "dana-dev", type: "User" } };
  const at = () => demo.now().toISOString();

  /** Delivers one webhook, then waits for the issue to show the stage (GitHub does not keep webhooks in order either). */
  async function deliver(event: string, what: string, payload: Record<string, unknown>, shows: string): Promise<void> {
    const status = await deliverSigned(app, demo.webhookSecret, event, { ...payload, ...envelope });
    console.log(`${demo.now().toISOString().slice(11, 16)}  ${event} (${what}) -> ${status}`);
    await waitFor(`"${shows}" in the hotfix clock`, () => issue.body.includes(`| ${shows} |`));
    // The App's sync job ends after the edit lands: only then does the clock move on, as hours would.
    await waitFor("the App's sync job to end", async () => (await demo.store.outboxStatus(new Date())).pendingJobs === 0);
  }

  // The App opens the board right after recording its first issue: from then on it knows issue #1.
  const board = await waitFor("the hotfix board", () => github.issues.get(repo)?.find((i) => i.title === BOARD_TITLE));
  await waitFor("the App's sync job to end", async () => (await demo.store.outboxStatus(new Date())).pendingJobs === 0);
  const pr = {
    number: 2,
    title: "Fix the checkout crash",
    body: `Null check before the cart total.\n\nFixes #${issue.number}`,
    state: "open",
    merged: false,
    merged_at: null,
  };
  demo.advance(40 * MINUTE);
  await deliver("pull_request", "fix PR opened", { action: "opened", number: pr.number, pull_request: { ...pr, created_at: at() } }, "Fix PR opened");
  const opened = at();
  demo.advance(6 * MINUTE);
  const check = { name: CHECK_NAME, status: "completed", conclusion: "success", completed_at: at(), pull_requests: [{ number: pr.number }] };
  await deliver("check_run", "hotfix check passed", { action: "completed", check_run: check }, "Hotfix check passed");
  demo.advance(34 * MINUTE);
  await deliver(
    "pull_request",
    "merged",
    { action: "closed", number: pr.number, pull_request: { ...pr, state: "closed", merged: true, created_at: opened, merged_at: at() } },
    "Merged",
  );
  demo.advance(45 * MINUTE);
  const deployment = {
    id: 1,
    ref: "main",
    sha: "f95f852bd8fca8fcc58a9a2d6c842781e32a215e",
    environment: "production",
    payload: { version: FIXED_IN },
    created_at: at(),
  };
  await deliver(
    "deployment_status",
    "deployed to production",
    { action: "created", deployment, deployment_status: { state: "success", created_at: at() } },
    "Deployed",
  );

  // Two hours later the verify Action has its verdict, and comments it as a bot.
  demo.advance(120 * MINUTE);
  const counts = { provider: "sentry" as const, signature, version: FIXED_IN, occurrences: 0, exposure: 12_400, exposureUnit: "sessions" as const };
  const verdict = decideVerification(
    { ...counts, before: { occurrences: 120, exposure: 38_700, versions: ["com.example.shop@4.12.1"] } },
    { confidence: 0.99, minWindowMinutes: 30, reportLagMinutes: 0 },
    new Date(deployment.created_at),
    demo.now(),
  );
  const body = renderVerification(verdict, { environment: "production", sha: deployment.sha });
  const user = { login: "github-actions[bot]", type: "Bot" as const };
  issue.comments.push({ id: 900, body, user, author_association: "NONE" });
  const comment = { id: 900, body, user, author_association: "NONE", created_at: at(), updated_at: at() };
  await deliver(
    "issue_comment",
    `verification: ${verdict.verdict}`,
    { action: "created", issue: { number: issue.number, title: issue.title, state: issue.state }, comment },
    "Verified",
  );

  await waitFor("the board to count the verified fix", () => board.body.includes("| Hotfixes verified | 1 |"));
  const clock = /### Hotfix clock[\s\S]*?(?=\n###? |\n---\n)/.exec(issue.body)?.[0] ?? "";
  console.log(`\n${repo}#${issue.number}, its clock:\n\n${clock}`);
  console.log(`\n${repo}#${board.number}: ${board.title}\n\n${board.body}`);
}
