import * as z from "zod";
import type { HotfixConfig } from "../core/config.js";
import { renderVerification, verificationMarkerKey, type ReportContext } from "../core/verify-report.js";
import type { VerdictName, VerificationVerdict } from "../core/verify.js";
import { isNotFound } from "./not-found.js";
import type { RepoName } from "./repo-name.js";

/**
 * Writing a verification verdict to GitHub, for the App and the verify Action alike: the sticky
 * comment on the hotfix issue and its fix PRs, the verified / not-verified label, closing on
 * verified, and the commit status on the deployed sha. The comment is found by its marker
 * (signature and deployed version), so whichever of the two decides second edits the comment
 * the first one wrote.
 */

export const STATUS_CONTEXT = "hotfix / verification";

const STATUS_STATE: Record<VerdictName, "success" | "failure" | "pending"> = {
  verified: "success",
  "not-verified": "failure",
  "not-enough-data": "pending",
};

type RepoParams = RepoName;

/** Octokit's request parameters carry an index signature; a method taking these accepts them. */
type Params<T> = { [key: string]: unknown } & RepoParams & T;

/** What both Probot's and @actions/github's clients offer for it. */
export interface VerdictClient {
  rest: {
    issues: {
      listComments(params: Params<{ issue_number: number; per_page: number; page: number }>): Promise<{ data: unknown }>;
      createComment(params: Params<{ issue_number: number; body: string }>): Promise<unknown>;
      updateComment(params: Params<{ comment_id: number; body: string }>): Promise<unknown>;
      addLabels(params: Params<{ issue_number: number; labels: string[] }>): Promise<unknown>;
      removeLabel(params: Params<{ issue_number: number; name: string }>): Promise<unknown>;
      update(params: Params<{ issue_number: number; state: "closed"; state_reason: "completed" }>): Promise<unknown>;
    };
    repos: {
      createCommitStatus(
        params: Params<{ sha: string; state: "success" | "failure" | "pending"; context: string; description: string; target_url?: string }>,
      ): Promise<unknown>;
    };
  };
}

const Comments = z.array(
  z.object({ id: z.number().int(), body: z.string().nullish(), user: z.object({ login: z.string(), type: z.string() }).nullish() }),
);
const PER_PAGE = 100;

/**
 * The verdict comment carrying `marker`: one written by a trusted writer (the App, the Action's
 * identity), or by any GitHub App or bot account when the comment starts with the marker, as ours
 * do, so the Action finds the App's comment without knowing the App's name. A person quoting
 * the marker never counts.
 */
async function findVerdictComment(
  client: VerdictClient,
  repo: RepoParams,
  issueNumber: number,
  marker: string,
  isWriter: (login: string) => Promise<boolean>,
): Promise<{ id: number; body: string } | null> {
  for (let page = 1; ; page++) {
    const { data } = await client.rest.issues.listComments({ ...repo, issue_number: issueNumber, per_page: PER_PAGE, page });
    const comments = Comments.parse(data);
    for (const { id, body, user } of comments) {
      if (!body?.includes(marker) || !user) continue;
      if ((user.type === "Bot" && body.startsWith(marker)) || (await isWriter(user.login))) return { id, body };
    }
    if (comments.length < PER_PAGE) return null;
  }
}

async function removeLabel(client: VerdictClient, repo: RepoParams, issue: number, name: string): Promise<void> {
  try {
    await client.rest.issues.removeLabel({ ...repo, issue_number: issue, name });
  } catch (error) {
    // Not on the issue: nothing to remove.
    if (!isNotFound(error)) throw error;
  }
}

export interface VerdictTarget {
  issue: number;
  /** Fix PRs that carry the verdict comment too. */
  pulls: readonly number[];
}

/** The sticky comment on the issue and its PRs, the label, and closing on verified. `isWriter`: whether a login's comment may be edited. */
export async function writeVerdict(
  client: VerdictClient,
  repo: RepoParams,
  config: HotfixConfig,
  target: VerdictTarget,
  verdict: VerificationVerdict,
  context: ReportContext,
  isWriter: (login: string) => Promise<boolean>,
): Promise<void> {
  const marker = verificationMarkerKey({ signature: verdict.counts.signature, version: verdict.counts.version });
  const body = renderVerification(verdict, context);
  for (const issueNumber of [target.issue, ...target.pulls]) {
    const found = await findVerdictComment(client, repo, issueNumber, marker, isWriter);
    if (!found) await client.rest.issues.createComment({ ...repo, issue_number: issueNumber, body });
    else if (found.body !== body) await client.rest.issues.updateComment({ ...repo, comment_id: found.id, body });
  }
  const { verified, notVerified } = config.verify.labels;
  if (verdict.verdict === "verified" || verdict.verdict === "not-verified") {
    const [add, remove] = verdict.verdict === "verified" ? [verified, notVerified] : [notVerified, verified];
    await client.rest.issues.addLabels({ ...repo, issue_number: target.issue, labels: [add] });
    await removeLabel(client, repo, target.issue, remove);
  }
  if (verdict.verdict === "verified" && config.verify.closeOnVerified) {
    await client.rest.issues.update({ ...repo, issue_number: target.issue, state: "closed", state_reason: "completed" });
  }
}

function statusDescription(results: readonly { issue: number; verdict: VerificationVerdict }[]): string {
  const text =
    results.length === 1 ? (results[0]?.verdict.sentence ?? "") : results.map(({ issue, verdict }) => `#${issue} ${verdict.verdict}`).join(", ");
  // GitHub cuts commit status descriptions at 140 characters.
  return text.length > 140 ? `${text.slice(0, 139)}…` : text;
}

/** The commit status on the deployed sha: `overall` with the verdicts behind it. */
export async function writeVerdictStatus(
  client: VerdictClient,
  repo: RepoParams,
  args: { sha: string; overall: VerdictName; results: readonly { issue: number; verdict: VerificationVerdict }[]; targetUrl?: string },
): Promise<void> {
  await client.rest.repos.createCommitStatus({
    ...repo,
    sha: args.sha,
    state: STATUS_STATE[args.overall],
    context: STATUS_CONTEXT,
    description: statusDescription(args.results),
    ...(args.targetUrl ? { target_url: args.targetUrl } : {}),
  });
}
