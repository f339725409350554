import type { Logger, Probot } from "probot";
import * as z from "zod";
import { CHECK_NAME } from "../core/check-report.js";
import { awaitsDeployment, type StageDetail, type StageName } from "../core/clock.js";
import { DEFAULT_CONFIG } from "../core/config.js";
import { deploymentVersion } from "../core/deployment.js";
import { parseIssueLinks } from "../core/policy.js";
import { parseVerificationMarker } from "../core/verify-report.js";
import { syncDueAt } from "../store/outbox.js";
import type { Store } from "../store/store.js";
import { formatRepoName, parseRepoName } from "../github/repo-name.js";
import type { Octokit } from "./github.js";
import { repoKey, type RepoRouter } from "./routing.js";
import { trustedAuthors, writtenBy } from "./trust.js";
import type { AppVerifier } from "./verify-jobs.js";

/**
 * The hotfix clock's ears: GitHub's webhooks for the rest of the loop (a fix PR opened and
 * merged, the hotfix check passing, a deployment, the verification comment) become stage
 * times in the store, and the hotfix issue is refreshed within its refresh interval.
 * Payloads are parsed here, once; one that does not fit is logged and left alone.
 */

export interface LoopEventsDeps {
  store: Store;
  router: RepoRouter;
  now: () => Date;
  log: Logger;
  /** The App's own login (`slug[bot]`): its comments and `verify.trustedAuthors`' are the trusted verdicts. */
  appLogin: () => Promise<string>;
  /** Schedules the App's own verification of a deployed hotfix. */
  verifier?: Pick<AppVerifier, "deployed">;
}

const Repository = z.object({ full_name: z.string().min(3) });
const Timestamp = z.iso.datetime({ offset: true });

const PullRequestEvent = z.object({
  action: z.string(),
  pull_request: z.object({
    number: z.number().int().positive(),
    body: z.string().nullish(),
    created_at: Timestamp,
    merged_at: Timestamp.nullish(),
    /** The merge, squash or last rebased commit on the base branch (GitHub's test merge while open). */
    merge_commit_sha: z.string().nullish(),
  }),
  repository: Repository,
});

const CheckRunEvent = z.object({
  action: z.string(),
  check_run: z.object({
    name: z.string(),
    status: z.string(),
    conclusion: z.string().nullish(),
    completed_at: Timestamp.nullish(),
    pull_requests: z.array(z.object({ number: z.number().int().positive() })).default([]),
  }),
  repository: Repository,
});

const DeploymentStatusEvent = z.object({
  deployment_status: z.object({ state: z.string(), created_at: Timestamp }),
  deployment: z.object({
    sha: z.string(),
    ref: z.string(),
    environment: z.string(),
    payload: z.unknown(),
    transient_environment: z.boolean().nullish(),
  }),
  repository: Repository,
  installation: z.object({ id: z.number().int() }).optional(),
});

const IssueCommentEvent = z.object({
  action: z.string(),
  issue: z.object({ number: z.number().int().positive(), pull_request: z.unknown().optional() }),
  comment: z.object({
    body: z.string().nullish(),
    created_at: Timestamp,
    updated_at: Timestamp.nullish(),
    user: z.object({ login: z.string() }).nullish(),
  }),
  repository: Repository,
});

/** Actions after which a PR's closing references may have changed, or its merge is to be counted. */
const ASKING_ACTIONS = new Set(["opened", "reopened", "edited", "ready_for_review", "closed"]);

const CLOSING_REFERENCES = `query ($owner: String!, $repo: String!, $number: Int!) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) { closingIssuesReferences(first: 10) { nodes { number repository { nameWithOwner } } } }
  }
}`;

const ClosingReferences = z.object({
  repository: z
    .object({
      pullRequest: z
        .object({
          closingIssuesReferences: z.object({
            nodes: z.array(z.object({ number: z.number().int().positive(), repository: z.object({ nameWithOwner: z.string() }) })),
          }),
        })
        .nullable(),
    })
    .nullable(),
});

export function registerLoopEvents(app: Probot, deps: LoopEventsDeps): void {
  const { store, log } = deps;

  /** Parses a payload at the edge; a payload that does not fit is somebody else's business, not an error for GitHub to retry. */
  function parse<T>(schema: z.ZodType<T>, event: string, payload: unknown): T | null {
    const parsed = schema.safeParse(payload);
    if (parsed.success) return parsed.data;
    log.warn(
      { event, problems: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".")}: ${i.message}`) },
      "a webhook the hotfix clock could not read",
    );
    return null;
  }

  /** Records the stage for each group, then lets each changed issue refresh no sooner than its refresh interval allows. */
  async function record(repo: string, groupIds: readonly number[], stage: StageName, at: string, detail: StageDetail = {}): Promise<void> {
    for (const groupId of new Set(groupIds)) {
      if (!(await store.clock.recordStage(groupId, stage, new Date(at), detail))) continue;
      const group = await store.getGroup(groupId);
      if (!group) continue;
      const config = (await deps.router.configOf(repo)) ?? DEFAULT_CONFIG;
      const now = deps.now().toISOString();
      const refresh = config.issues.refreshIntervalSeconds;
      await store.scheduleSync(groupId, new Date(syncDueAt(group, now, refresh)), refresh);
      log.info({ repo, issue: group.issueNumber, stage }, "hotfix clock: stage reached");
    }
  }

  /** Issues of this repository a PR body closes (`Fixes #N`, `Closes owner/repo#N`…). */
  function bodyIssues(repo: string, body: string | null | undefined): number[] {
    return parseIssueLinks(body ?? "", parseRepoName(repo))
      .filter((link) => repoKey(formatRepoName(link)) === repo)
      .map((link) => link.number);
  }

  /** The issues GitHub itself says a PR closes (its "Development" links, which no webhook carries): one GraphQL query. */
  async function closingReferences(octokit: Octokit, repo: string, number: number): Promise<number[]> {
    try {
      const data = ClosingReferences.parse(await octokit.graphql(CLOSING_REFERENCES, { ...parseRepoName(repo), number }));
      const nodes = data.repository?.pullRequest?.closingIssuesReferences.nodes ?? [];
      return nodes.filter((n) => repoKey(n.repository.nameWithOwner) === repo).map((n) => n.number);
    } catch (error) {
      log.warn({ err: error, repo, pr: number }, "hotfix clock: the pull request's closing references could not be read");
      return [];
    }
  }

  /** Links the PR to the crash groups of those issues; returns the groups. */
  async function link(repo: string, number: number, issues: number[]): Promise<number[]> {
    const ids: number[] = [];
    for (const issue of new Set(issues)) {
      const group = await store.findGroupByIssue(repo, issue);
      if (!group) continue;
      await store.clock.linkPullRequest(repo, number, group.id);
      ids.push(group.id);
    }
    return ids;
  }

  /** A check may come before its PR's "opened" (GitHub keeps no order): the PR is read once. */
  async function linkFromGitHub(octokit: Octokit, repo: string, number: number): Promise<number[]> {
    try {
      const { data } = await octokit.rest.pulls.get({ ...parseRepoName(repo), pull_number: number });
      const issues = bodyIssues(repo, data.body);
      return link(repo, number, issues.length > 0 ? issues : await closingReferences(octokit, repo, number));
    } catch (error) {
      log.warn({ err: error, repo, pr: number }, "hotfix clock: the pull request could not be read");
      return [];
    }
  }

  /** The merged fix's commits, what the regression decision compares releases with (regressions.ts). */
  async function recordFix(octokit: Octokit, repo: string, pr: { number: number; merge_commit_sha?: string | null | undefined }, mergedAt: string) {
    if (!pr.merge_commit_sha) return;
    let commits: string[] = [];
    try {
      const listed = await octokit.paginate(octokit.rest.pulls.listCommits, { ...parseRepoName(repo), pull_number: pr.number, per_page: 100 });
      commits = listed.map((c) => c.sha);
    } catch (error) {
      // The merge commit alone still decides; only the list of commits to port is lost.
      log.warn({ err: error, repo, pr: pr.number }, "hotfix clock: the pull request's commits could not be read");
    }
    await store.fixes.recordFix(repo, { pr: pr.number, mergeCommit: pr.merge_commit_sha, commits, mergedAt });
  }

  app.on("pull_request", async (context) => {
    const event = parse(PullRequestEvent, "pull_request", context.payload);
    if (!event) return;
    const repo = repoKey(event.repository.full_name);
    const pr = event.pull_request;
    const known = await store.clock.groupsOfPullRequest(repo, pr.number);
    let issues = bodyIssues(repo, pr.body);
    // GitHub's own closing references cost a query: asked only when the body names no issue, for a PR not yet linked.
    if (issues.length === 0 && known.length === 0 && ASKING_ACTIONS.has(event.action))
      issues = await closingReferences(context.octokit, repo, pr.number);
    const groups = [...known, ...(await link(repo, pr.number, issues))];
    if (groups.length === 0) return;
    await record(repo, groups, "fix-pr-opened", pr.created_at, { pr: pr.number });
    if (event.action !== "closed" || !pr.merged_at) return;
    await recordFix(context.octokit, repo, pr, pr.merged_at);
    await record(repo, groups, "merged", pr.merged_at, { pr: pr.number });
  });

  app.on("check_run", async (context) => {
    const event = parse(CheckRunEvent, "check_run", context.payload);
    if (!event) return;
    const run = event.check_run;
    if (run.name !== CHECK_NAME || run.status !== "completed" || run.conclusion !== "success" || !run.completed_at) return;
    const repo = repoKey(event.repository.full_name);
    for (const { number } of run.pull_requests) {
      const known = await store.clock.groupsOfPullRequest(repo, number);
      const groups = known.length > 0 ? known : await linkFromGitHub(context.octokit, repo, number);
      await record(repo, groups, "check-passed", run.completed_at, { pr: number });
    }
  });

  app.on("deployment_status", async (context) => {
    const event = parse(DeploymentStatusEvent, "deployment_status", context.payload);
    if (!event || event.deployment_status.state !== "success" || event.deployment.transient_environment === true) return;
    const repo = repoKey(event.repository.full_name);
    const at = event.deployment_status.created_at;
    const shipped = (await store.clock.clockGroups(repo)).filter((g) => awaitsDeployment(g.stages, at)).map((g) => g.groupId);
    const version = deploymentVersion(event.deployment.payload, event.deployment.ref);
    await record(repo, shipped, "deployed", at, { environment: event.deployment.environment, ...(version ? { version } : {}) });
    if (event.installation) {
      const { sha, environment } = event.deployment;
      await deps.verifier?.deployed({ repo, installationId: event.installation.id, groupIds: shipped, version, sha, environment, deployedAt: at });
    }
  });

  app.on(["issue_comment.created", "issue_comment.edited"], async (context) => {
    const event = parse(IssueCommentEvent, "issue_comment", context.payload);
    if (!event) return;
    const marker = parseVerificationMarker(event.comment.body ?? "");
    if (!marker || marker.verdict === "not-enough-data") return;
    const repo = repoKey(event.repository.full_name);
    const config = (await deps.router.configOf(repo)) ?? DEFAULT_CONFIG;
    if (!writtenBy(event.comment, trustedAuthors(await deps.appLogin(), config))) return;
    // The Action writes its verdict on the hotfix issue and on the fix PR alike.
    const byIssue = await store.findGroupByIssue(repo, event.issue.number);
    const byPullRequest = await Promise.all((await store.clock.groupsOfPullRequest(repo, event.issue.number)).map((id) => store.getGroup(id)));
    const groups = [byIssue, ...byPullRequest].filter((g) => g !== null && g.signature === marker.signature).map((g) => g!.id);
    const at = event.comment.updated_at ?? event.comment.created_at;
    await record(repo, groups, marker.verdict, at, { version: marker.version });
  });
}
