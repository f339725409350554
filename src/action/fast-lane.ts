import { readFileSync } from "node:fs";
import * as core from "@actions/core";
import * as z from "zod";
import type { HotfixConfig } from "../core/config.js";
import {
  conflictComment,
  conflictCommentPrefix,
  deployDispatch,
  deployMarkerPrefix,
  pickPlan,
  portBranchName,
  portPullRequest,
  portTargets,
  type MergedHotfix,
} from "../core/fast-lane.js";
import { encodeMarker } from "../core/marker.js";
import { hotfixReasons, parseIssueLinks } from "../core/policy.js";
import { hotfixKindOf, isSameRepo } from "../core/pull-request.js";
import { isNotFound } from "../github/not-found.js";
import { parseIssueMarker } from "../core/render.js";
import { loadConfig } from "./config.js";
import { createGit, type Git } from "./git.js";
import type { ActionContext } from "./context.js";
import { createGitHub, describeGitHubError, findOwnComment, type GitHub, type Repo } from "./github.js";
import { readInputs } from "./inputs.js";

/**
 * Fast-lane mode, on a merged hotfix PR (`pull_request` `closed` with `merged: true`): port the change to every branch
 * that needs it (core/fast-lane.ts decides which) with the runner's git, opening one PR per branch or, when the change
 * does not apply, one comment with the commands to do it by hand; then dispatch the deploy workflow once per merge.
 * A rerun repeats nothing: a port branch that exists is not made again, a conflict already commented is not commented
 * again, a merge already dispatched is not dispatched again.
 */

const MergedPullRequestEvent = z.object({
  action: z.string(),
  pull_request: z.object({
    number: z.number().int(),
    title: z.string(),
    body: z.string().nullable().default(null),
    merged: z.boolean().nullable().optional(),
    merge_commit_sha: z.string().nullable().optional(),
    commits: z.number().int().default(1),
    labels: z.array(z.object({ name: z.string() })).default([]),
    head: z.object({ ref: z.string() }),
    base: z.object({ ref: z.string() }),
  }),
  repository: z.object({ name: z.string(), owner: z.object({ login: z.string() }), default_branch: z.string() }),
});
type MergedPullRequestEvent = z.infer<typeof MergedPullRequestEvent>;

export interface PortResult {
  target: string;
  outcome: "opened" | "exists" | "conflict" | "conflict-commented" | "already-there";
  pull?: number;
  conflicts?: string[];
}

/** The hotfix issues the PR links (the App's marker, or a hotfix label), open or closed: a merged fix may have closed them. */
export async function linkedHotfixIssues(
  github: GitHub,
  repo: Repo,
  body: string,
  config: HotfixConfig,
): Promise<{ number: number; open: boolean }[]> {
  const refs = parseIssueLinks(body, repo).filter((r) => isSameRepo(r, repo));
  const found = await Promise.all(
    refs.map(async (ref) => {
      try {
        const { data } = await github.rest.issues.get({ ...repo, issue_number: ref.number });
        if (data.pull_request) return null;
        const labels = data.labels.map((l) => (typeof l === "string" ? l : (l.name ?? "")));
        const hotfix = hotfixKindOf({ marker: parseIssueMarker(data.body ?? ""), labels }, config.rules.linkedIssue.labels) !== null;
        return hotfix ? { number: ref.number, open: data.state === "open" } : null;
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    }),
  );
  return found.filter((i): i is { number: number; open: boolean } => i !== null);
}

/** Ports the merged hotfix to one target. */
async function port(github: GitHub, git: Git, repo: Repo, pr: MergedHotfix, target: string, branches: Set<string>): Promise<PortResult> {
  const branch = portBranchName(pr.number, target);
  const plan = pickPlan(pr);
  const open = async (): Promise<number> => {
    const wanted = portPullRequest(pr, target);
    const { data } = await github.rest.pulls.create({ ...repo, head: wanted.head, base: wanted.base, title: wanted.title, body: wanted.body });
    await github.rest.issues.addLabels({ ...repo, issue_number: data.number, labels: wanted.labels });
    return data.number;
  };
  if (branches.has(branch)) {
    // Pushed by an earlier run: its PR is there, or that run stopped between the push and the PR.
    const { data } = await github.rest.pulls.list({ ...repo, head: `${repo.owner}:${branch}`, base: target, state: "all", per_page: 1 });
    if (data[0]) return { target, outcome: "exists", pull: data[0].number };
    return { target, outcome: "opened", pull: await open() };
  }
  const commented = await findOwnComment(github, { repo, issueNumber: pr.number, marker: conflictCommentPrefix(pr.number, target) });
  if (commented) return { target, outcome: "conflict-commented" };
  const picked = await git.port({ target, branch, plan });
  if (picked.outcome === "already-there") return { target, outcome: "already-there" };
  if (picked.outcome === "conflict") {
    await github.rest.issues.createComment({ ...repo, issue_number: pr.number, body: conflictComment(pr, target, plan, picked.files) });
    return { target, outcome: "conflict", conflicts: picked.files };
  }
  return { target, outcome: "opened", pull: await open() };
}

/**
 * Ports a merged hotfix to every branch that needs it (core/fast-lane.ts's portTargets), one target after another, with
 * the checkout `git` made whole first. The Action's mode and the demo (which runs the fast lane against the stand-in)
 * both go through here; `onPort` hears of each result as it comes.
 */
export async function portMergedHotfix(args: {
  github: GitHub;
  git: Git;
  repo: Repo;
  config: HotfixConfig;
  merged: Omit<MergedHotfix, "mergeCommitParents">;
  defaultBranch: string;
  onPort?: (result: PortResult) => void;
}): Promise<{ pr: MergedHotfix; ports: PortResult[] }> {
  const { github, git, repo, merged } = args;
  await git.deepen();
  const pr: MergedHotfix = { ...merged, mergeCommitParents: (await git.parents(merged.mergeCommitSha)).length };
  const branches = await git.remoteBranches();
  const targets = portTargets({ base: pr.base, defaultBranch: args.defaultBranch, branches, portTo: args.config.fastLane.portTo });
  const known = new Set(branches);
  const ports: PortResult[] = [];
  for (const target of targets) {
    const result = await port(github, git, repo, pr, target, known);
    ports.push(result);
    args.onPort?.(result);
  }
  return { pr, ports };
}

/** Dispatches the deploy workflow unless this merge's marker comment says it was; the run's link goes to the hotfix issues. */
export async function dispatchDeploy(
  github: GitHub,
  repo: Repo,
  pr: MergedHotfix,
  deploy: NonNullable<HotfixConfig["fastLane"]["deploy"]>,
): Promise<{ dispatched: boolean; runUrl: string | null }> {
  const prefix = deployMarkerPrefix(pr.mergeCommitSha);
  if (await findOwnComment(github, { repo, issueNumber: pr.number, marker: prefix })) return { dispatched: false, runUrl: null };
  const dispatch = deployDispatch(deploy, { base: pr.base, mergeCommitSha: pr.mergeCommitSha });
  // Dispatched before it is recorded: a run stopped in between dispatches again on a rerun, which beats a deploy never made.
  const { data } = await github.request("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", {
    ...repo,
    workflow_id: dispatch.workflow,
    ref: dispatch.ref,
    inputs: dispatch.inputs,
    return_run_details: true,
  });
  const runUrl = z.object({ html_url: z.string() }).safeParse(data).data?.html_url ?? null;
  const run = runUrl ? `[its run](${runUrl})` : "its run is in the Actions tab";
  const said = `Deploy dispatched: \`${dispatch.workflow}\` at \`${dispatch.ref}\`, version \`${dispatch.inputs.version}\`; ${run}.`;
  await github.rest.issues.createComment({
    ...repo,
    issue_number: pr.number,
    body: `${said}\n\n${encodeMarker("deploy", { sha: pr.mergeCommitSha, workflow: dispatch.workflow, run: runUrl })}`,
  });
  for (const issue of pr.issues) {
    await github.rest.issues.createComment({
      ...repo,
      issue_number: issue.number,
      body: `The fix #${pr.number} merged into \`${pr.base}\`. ${said}`,
    });
  }
  return { dispatched: true, runUrl };
}

export async function runFastLane(context: ActionContext): Promise<void> {
  const inputs = readInputs({
    "github-token": z.string("expected a token (the default is ${{ github.token }})").min(1),
    "config-path": z.string().default(".github/hotfix.yml"),
  });
  const path = context.eventPath;
  if (!path) throw new Error("GITHUB_EVENT_PATH is not set: the Action must run in a GitHub Actions workflow");
  const parsed = MergedPullRequestEvent.safeParse(JSON.parse(readFileSync(path, "utf8")));
  if (!parsed.success) {
    core.notice(`The fast lane runs on a merged pull request (\`pull_request\` \`closed\`); this event is not one, so it is skipped.`);
    return;
  }
  const event: MergedPullRequestEvent = parsed.data;
  const pull = event.pull_request;
  if (event.action !== "closed" || !pull.merged || !pull.merge_commit_sha) {
    core.notice(`#${pull.number} was not merged: the fast lane has nothing to do.`);
    core.setOutput("ports", "[]");
    return;
  }
  const repo = { owner: event.repository.owner.login, repo: event.repository.name };
  const github = createGitHub(inputs["github-token"], context.apiUrl);
  const workspace = context.workspace ?? process.cwd();
  try {
    const config = await loadConfig(github, { repo, path: inputs["config-path"], ref: pull.base.ref, workspace });
    const issues = await linkedHotfixIssues(github, repo, pull.body ?? "", config);
    const labels = pull.labels.map((l) => l.name);
    const isHotfix =
      hotfixReasons({ repo, headRef: pull.head.ref, labels, links: [] }, config.hotfix).length > 0 ||
      (config.hotfix.linkedIssue && issues.length > 0);
    if (!isHotfix) {
      core.notice(`#${pull.number} is not a hotfix PR: the fast lane has nothing to do.`);
      core.setOutput("ports", "[]");
      return;
    }
    const { pr, ports } = await portMergedHotfix({
      github,
      git: createGit(workspace),
      repo,
      config,
      merged: {
        number: pull.number,
        title: pull.title,
        base: pull.base.ref,
        mergeCommitSha: pull.merge_commit_sha,
        commits: pull.commits,
        issues,
      },
      defaultBranch: event.repository.default_branch,
      onPort: (result) => {
        const said = {
          opened: `opened #${result.pull}`,
          exists: `already ported in #${result.pull}`,
          conflict: `conflicts in ${result.conflicts?.join(", ")}: commented on #${pull.number} how to port it by hand`,
          "conflict-commented": `conflicted on an earlier run (see the comment on #${pull.number})`,
          "already-there": "the change is already there",
        }[result.outcome];
        core.info(`Port of #${pull.number} to ${result.target}: ${said}.`);
        if (result.outcome === "conflict") core.warning(`#${pull.number} does not apply cleanly onto ${result.target}: ${said}.`);
      },
    });
    core.setOutput("ports", JSON.stringify(ports));
    if (config.fastLane.deploy) {
      const deploy = await dispatchDeploy(github, repo, pr, config.fastLane.deploy);
      core.info(deploy.dispatched ? `Deploy dispatched: ${deploy.runUrl ?? "(no run link)"}` : "Deploy was dispatched for this merge before.");
      core.setOutput("deploy-run", deploy.runUrl ?? "");
    }
  } catch (error) {
    throw new Error(describeGitHubError(github, error));
  }
}
