import { createHmac, randomUUID } from "node:crypto";
import type { RunningApp } from "../app/server.js";
import { BOARD_TITLE } from "../core/board.js";
import { CHECK_NAME } from "../core/check-report.js";
import { parseIssueMarker } from "../core/render.js";
import { renderVerification } from "../core/verify-report.js";
import { decideVerification } from "../core/verify.js";
import { parseRepoName } from "../github/repo-name.js";
import type { Store } from "../store/store.js";
import { fastLaneRepository, gitOnPath, type FastLaneRepository } from "./fast-lane.js";
import type { GitHubStandin, StandinIssue } from "./github-standin.js";

/**
 * The rest of the loop for `hotfix-loop demo`, after the hotfix issue is open: a fix PR
 * linking it, the hotfix check passing, the merge, a deployment and the verification
 * arrive as GitHub's webhooks (signed as GitHub signs them, shaped as GitHub sends them,
 * trimmed to what matters), hours apart on the App's clock, which the demo moves forward.
 * Between the merge into `release/4.12` and the deployment, the fast lane (demo/fast-lane.ts)
 * ports the fix onto `main` and dispatches the deploy; the port PR's webhooks follow.
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
  const signature = parseIssueMarker(issue.body)?.signature ?? "";
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
  // The fix PR is GitHub's too, for the fast lane's calls: an issue number of its own (its comments live there) and a PR.
  const issues = github.issues.get(repo) ?? [];
  const number = Math.max(0, ...issues.map((i) => i.number)) + 1;
  const title = "Fix the checkout crash";
  const prBody = `Null check before the cart total.\n\nFixes #${issue.number}`;
  const branches = { base: "release/4.12", head: "hotfix/checkout-crash" };
  issues.push({ number, title, body: prBody, state: "open", labels: [], assignees: [], comments: [], createdAt: 0, indexedAt: 0 });
  github.pulls.set(repo, [...(github.pulls.get(repo) ?? []), { number, title, body: prBody, state: "open", ...branches }]);
  const pr = {
    number,
    title,
    body: prBody,
    state: "open",
    merged: false,
    merged_at: null,
    base: { ref: branches.base, repo: repository },
    head: { ref: branches.head, repo: repository },
  };
  // The repository the fast lane ports in, made before the merge so the merged webhook names its real merge commit.
  const lane: FastLaneRepository | null = (await gitOnPath())
    ? await fastLaneRepository({ github, repo, pull: { number, title, body: prBody, head: branches.head } })
    : null;
  try {
    await theRest();
  } finally {
    await lane?.remove();
  }

  async function theRest(): Promise<void> {
    demo.advance(40 * MINUTE);
    await deliver(
      "pull_request",
      "fix PR opened",
      { action: "opened", number: pr.number, pull_request: { ...pr, created_at: at() } },
      "Fix PR opened",
    );
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
    const ported = lane ? await fastLane(lane) : null;
    demo.advance((ported ? 43 : 45) * MINUTE);
    const deployment = {
      id: 1,
      ref: lane ? branches.base : "main",
      sha: lane?.mergeCommit ?? "f95f852bd8fca8fcc58a9a2d6c842781e32a215e",
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

    if (ported) {
      demo.advance(20 * MINUTE);
      const payload = { ...ported.payload, state: "closed", merged: true, merged_at: at() };
      await deliver("pull_request", "port PR merged", { action: "closed", number: ported.payload.number, pull_request: payload }, "Ported");
      const standin = github.pulls.get(repo)?.find((p) => p.number === ported.payload.number);
      if (standin) standin.state = "closed";
    }

    // Two hours after the deployment the verify Action has its verdict, and comments it as a bot.
    demo.advance((ported ? 100 : 120) * MINUTE);
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

    /**
     * The Action on the merge (mode: fast-lane): the port PR onto main and the deploy dispatch, then GitHub's webhook of the
     * port PR opened, which the board lists until it merges. Returns that PR's webhook shape, for its merge later.
     */
    async function fastLane(checkout: FastLaneRepository) {
      const done = await checkout.run();
      console.log(`${demo.now().toISOString().slice(11, 16)}  fast lane (the Action on the merge into ${branches.base}, mode: fast-lane):`);
      for (const p of done.ports)
        console.log(`         port to ${p.target}: ${p.outcome}${p.pull ? ` #${p.pull}` : ""}${p.conflicts ? ` (${p.conflicts.join(", ")})` : ""}`);
      for (const d of github.dispatches.get(repo) ?? []) {
        console.log(
          `         deploy: ${d.workflow} dispatched at ${d.ref}, version ${String(d.inputs.version).slice(0, 7)}: ${done.deploy?.runUrl ?? "(no run link)"}`,
        );
      }
      const portPr = github.pulls.get(repo)?.find((p) => p.number === done.ports.find((r) => r.target === "main")?.pull);
      if (!portPr) return null;
      demo.advance(2 * MINUTE);
      const payload = {
        number: portPr.number,
        title: portPr.title,
        body: portPr.body,
        state: "open",
        merged: false,
        merged_at: null,
        created_at: at(),
        base: { ref: portPr.base, repo: repository },
        head: { ref: portPr.head, repo: repository },
      };
      const status = await deliverSigned(app, demo.webhookSecret, "pull_request", {
        action: "opened",
        number: portPr.number,
        pull_request: payload,
        ...envelope,
      });
      console.log(`${demo.now().toISOString().slice(11, 16)}  pull_request (port PR opened) -> ${status}`);
      const row = await waitFor("the board to list the open port", () => /^\| #\d+ \| #\d+ \| #\d+ \| `main` \|.*$/m.exec(board.body)?.[0]);
      const [shown, hotfix, port, onto] = row
        .split("|")
        .slice(1, 5)
        .map((cell) => cell.trim());
      console.log(`         the board lists it under "Ports still open": issue ${shown}, hotfix PR ${hotfix}, port PR ${port} onto ${onto}`);
      await waitFor("the App's sync job to end", async () => (await demo.store.outboxStatus(new Date())).pendingJobs === 0);
      return { payload };
    }

    await waitFor("the board to count the verified fix", () => board.body.includes("| Hotfixes verified | 1 |"));
    if (!lane) console.log("\n(git is not on PATH: the fast lane's port to main and deploy dispatch were skipped.)");
    const clock = /### Hotfix clock[\s\S]*?(?=\n###? |\n---\n)/.exec(issue.body)?.[0] ?? "";
    console.log(`\n${repo}#${issue.number}, its clock:\n\n${clock}`);
    console.log(`\n${repo}#${board.number}: ${board.title}\n\n${board.body}`);
  }
}
