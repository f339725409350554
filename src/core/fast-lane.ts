import picomatch from "picomatch";
import semver from "semver";
import * as z from "zod";
import type { HotfixConfig } from "./config.js";
import { decodeMarker, encodeMarker, markerPrefix } from "./marker.js";

/**
 * The fast lane's decisions, pure: which branches a merged hotfix is ported to and what each port PR says, how its
 * change is cherry-picked, what the comment says when the pick conflicts, and what the deploy dispatch sends. The
 * Action (action/fast-lane.ts) carries them out with git and GitHub's API.
 */

export type FastLaneConfig = HotfixConfig["fastLane"];

/** The label every port PR carries, so the narrow-diff check and the board treat it as the hotfix it is. */
export const PORT_LABEL = "hotfix";

/** The version a branch's name carries (`release/4.12` → 4.12.0), or null when it carries none. */
export function branchVersion(branch: string): semver.SemVer | null {
  // coerce reads the first version-like run of digits; only the part after the last `/` can name the release.
  return semver.coerce(branch.slice(branch.lastIndexOf("/") + 1)) ?? semver.coerce(branch);
}

/**
 * The branches a hotfix merged into `base` must reach: the default branch when `base` is another branch (the fix must
 * not be lost at the next release), then every branch matching a `portTo` glob whose version is newer than `base`'s,
 * oldest first. A branch whose name carries no version is never a glob target (nothing says it is newer), and when
 * `base` carries none (a hotfix merged into the default branch) no glob target is either: only release lines after the
 * fixed one need the fix forward, and which older ones need it back is the team's call.
 */
export function portTargets(args: { base: string; defaultBranch: string; branches: string[]; portTo: string[] }): string[] {
  const targets: string[] = [];
  if (args.base !== args.defaultBranch) targets.push(args.defaultBranch);
  const baseVersion = branchVersion(args.base);
  if (!baseVersion || args.portTo.length === 0) return targets;
  const matches = picomatch(args.portTo);
  const newer = args.branches
    .filter((b) => b !== args.base && b !== args.defaultBranch && matches(b))
    .map((branch) => ({ branch, version: branchVersion(branch) }))
    .filter((b): b is { branch: string; version: semver.SemVer } => b.version !== null && semver.gt(b.version, baseVersion))
    .sort((a, b) => semver.compare(a.version, b.version) || a.branch.localeCompare(b.branch));
  return [...targets, ...newer.map((b) => b.branch)];
}

/** The branch a port is pushed to: one per (PR, target), so a rerun finds the port it already made. */
export const portBranchName = (pull: number, target: string) => `hotfix-port/${pull}-to-${target}`;

/** The merged hotfix PR as the fast lane reads it. */
export interface MergedHotfix {
  number: number;
  title: string;
  base: string;
  /** The commit the merge left on `base`: a merge commit, the squashed commit, or the last of the rebased commits. */
  mergeCommitSha: string;
  /** Parents of the merge commit: 2 for a merge commit. */
  mergeCommitParents: number;
  /** Commits of the PR (GitHub's `commits` count). */
  commits: number;
  /** Hotfix issues the PR links, with whether they are still open. */
  issues: { number: number; open: boolean }[];
}

/**
 * What to cherry-pick: a merge commit against its first parent (the base before the merge, `-m 1`); a single-parent
 * commit of a one-commit PR as it is (squash and rebase leave the same commit); for a several-commit PR merged without a
 * merge commit (squash or rebase, which git cannot tell apart), the PR's own commits, which hold the same change either way.
 */
export type PickPlan = { kind: "merge-commit"; sha: string } | { kind: "commit"; sha: string } | { kind: "pr-commits"; pull: number; sha: string };

export function pickPlan(pr: Pick<MergedHotfix, "number" | "mergeCommitSha" | "mergeCommitParents" | "commits">): PickPlan {
  if (pr.mergeCommitParents > 1) return { kind: "merge-commit", sha: pr.mergeCommitSha };
  if (pr.commits <= 1) return { kind: "commit", sha: pr.mergeCommitSha };
  return { kind: "pr-commits", pull: pr.number, sha: pr.mergeCommitSha };
}

export interface PortPullRequest {
  head: string;
  base: string;
  title: string;
  body: string;
  labels: string[];
}

const PortMarker = z.object({ pull: z.number().int(), target: z.string() });

/**
 * The port PR. An open hotfix issue is linked with `Fixes #N`, so the narrow-diff check finds it as on any hotfix PR (and
 * GitHub closes it when the port merges into the default branch, as it would the hotfix itself); a closed one is only
 * named, so merging the port never touches an issue that verification or a person already settled.
 */
export function portPullRequest(pr: MergedHotfix, target: string): PortPullRequest {
  const issueLines = pr.issues.map((i) => (i.open ? `Fixes #${i.number}` : `Hotfix issue: #${i.number} (closed; not reopened or closed by this PR)`));
  const body = [
    `Ports #${pr.number} (${pr.title}) from \`${pr.base}\` to \`${target}\`, so the fix is not lost at the next release from \`${target}\`.`,
    "",
    ...(issueLines.length ? [...issueLines, ""] : []),
    "Opened by hotfix-loop's fast lane: the same change, cherry-picked with `git cherry-pick -x` (each commit names the one it came from).",
    "",
    encodeMarker("port", { pull: pr.number, target }),
  ].join("\n");
  return { head: portBranchName(pr.number, target), base: target, title: `[${target}] ${pr.title}`, body, labels: [PORT_LABEL] };
}

/** The port this PR body says it is, or null. */
export const parsePortMarker = (body: string) => decodeMarker("port", body, PortMarker, "first");

/** The start of the conflict comment for one target: a rerun finds it and writes no second one. */
export const conflictCommentPrefix = (pull: number, target: string) => markerPrefix("port", { pull, target, conflict: true });

/** The commands a person runs to make the port by hand, the same the Action ran. */
export function manualPortCommands(pr: MergedHotfix, target: string, plan: PickPlan): string[] {
  const branch = portBranchName(pr.number, target);
  const pick =
    plan.kind === "merge-commit"
      ? [`git cherry-pick -x -m 1 ${plan.sha}`]
      : plan.kind === "commit"
        ? [`git cherry-pick -x ${plan.sha}`]
        : [`git fetch origin pull/${pr.number}/head`, `git cherry-pick -x $(git rev-list --reverse --no-merges FETCH_HEAD ^${plan.sha}^1)`];
  const issues = pr.issues.map((i) => (i.open ? `Fixes #${i.number}` : `Hotfix issue: #${i.number}`)).join(". ");
  return [
    `git fetch origin ${target} ${pr.base}`,
    `git switch -c ${branch} origin/${target}`,
    ...pick,
    "# resolve the conflicts, git add the files, then: git cherry-pick --continue",
    `git push origin ${branch}`,
    `gh pr create --base ${target} --head ${branch} --label ${PORT_LABEL} --title "[${target}] ${pr.title.replace(/["\\$`]/g, "\\$&")}" --body "Ports #${pr.number}.${issues ? ` ${issues}.` : ""}"`,
  ];
}

/** The one comment on the hotfix PR when its change does not apply cleanly onto `target`: the files, and how to port by hand. */
export function conflictComment(pr: MergedHotfix, target: string, plan: PickPlan, files: string[]): string {
  const fence = "```";
  return [
    `### Port to \`${target}\` needs a person`,
    "",
    `The change of #${pr.number} does not apply cleanly onto \`${target}\`, so no port PR was opened. ${files.length === 1 ? "This file conflicts" : "These files conflict"}:`,
    "",
    ...files.map((f) => `- \`${f}\``),
    "",
    "To port it by hand:",
    "",
    `${fence}sh`,
    ...manualPortCommands(pr, target, plan),
    fence,
    "",
    `Until it is ported, the next release from \`${target}\` brings the crash back.`,
    "",
    encodeMarker("port", { pull: pr.number, target, conflict: true, files: files.length }),
  ].join("\n");
}

/** The dispatch's record on the hotfix PR: one per merge commit, so a rerun dispatches nothing more. */
export const deployMarkerPrefix = (mergeCommitSha: string) => markerPrefix("deploy", { sha: mergeCommitSha });

/**
 * What the deploy dispatch sends: the ref (the config's, else the branch merged into) and the inputs, `version` always
 * the merged commit's SHA (the one fact known at merge time; the deploy workflow names the release from it).
 */
export function deployDispatch(
  deploy: NonNullable<FastLaneConfig["deploy"]>,
  merged: { base: string; mergeCommitSha: string },
): { workflow: string; ref: string; inputs: Record<string, string> } {
  return { workflow: deploy.workflow, ref: deploy.ref ?? merged.base, inputs: { ...deploy.inputs, version: merged.mergeCommitSha } };
}

/** A PR as the App reads it to tell a port: its body, the branch it targets, and its head branch. */
export interface PortCandidate {
  body: string | null;
  base: string;
  /** The head branch; a port made by hand with the conflict comment's commands has the port branch's name but no marker. */
  head?: string;
}

const PORT_BRANCH = /^hotfix-port\/(\d+)-to-(.+)$/;

/**
 * The port a PR is, or null: the hotfix PR it ports and the branch it ports to. Its marker says so (a port the fast lane
 * opened), or its head branch's name (a port made by hand with the conflict comment's commands); either way only when the
 * PR targets that branch, so a marker quoted into another PR is not a port.
 */
export function portOf(pr: PortCandidate): { pull: number; target: string } | null {
  const marked = parsePortMarker(pr.body ?? "");
  if (marked) return marked.target === pr.base ? marked : null;
  const named = PORT_BRANCH.exec(pr.head ?? "");
  if (!named || named[2] !== pr.base) return null;
  return { pull: Number(named[1]), target: pr.base };
}

/**
 * The hotfix PR whose fix a merged PR ports onto the default branch, or null: that merge is the hotfix clock's Ported
 * stage for the crash groups of the hotfix PR. A port onto another release branch is not.
 */
export function portedFrom(pr: PortCandidate & { merged: boolean }, defaultBranch: string): number | null {
  if (!pr.merged || pr.base !== defaultBranch) return null;
  return portOf(pr)?.pull ?? null;
}
