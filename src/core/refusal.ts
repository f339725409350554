import * as z from "zod";

/**
 * GitHub's answers to a write that no retry can change: the job that got one is parked at once with
 * the reason in words, and taken back when GitHub says the cause is gone (app/refusals.ts).
 * Statuses and messages as GitHub documents them for creating an issue:
 * https://docs.github.com/rest/issues/issues#create-an-issue (403, 404, 410, 422).
 */

export const RefusalReason = z.enum(["issues-disabled", "missing-permission", "installation-suspended", "repository-gone", "validation"]);
export type RefusalReason = z.infer<typeof RefusalReason>;

export interface Refusal {
  reason: RefusalReason;
  /** What happened and what a person can do, naming the repository. */
  words: string;
}

/**
 * The refusal in GitHub's answer (`status`, its `message`) to a write in `repo` ("owner/name"), or null when
 * waiting and retrying may help: a 403 for a rate limit is GitHub asking to slow down. `owner` is
 * named apart: the installation and its permissions are the owner's to fix.
 */
export function refusalOf(status: number, message: string, repo: string, owner: string): Refusal | null {
  switch (status) {
    case 410:
      return { reason: "issues-disabled", words: `issues are turned off in ${repo}: turn them on, or route its crashes elsewhere` };
    case 403:
      if (/rate limit/i.test(message)) return null;
      if (/suspended/i.test(message))
        return {
          reason: "installation-suspended",
          words: `the App's installation on ${owner} is suspended: unsuspend it in ${owner}'s settings (Applications)`,
        };
      return {
        reason: "missing-permission",
        words: `the App may not write issues in ${repo} (GitHub: ${JSON.stringify(message)}): accept the App's requested permissions (Issues: read and write) for ${owner}`,
      };
    case 404:
      return {
        reason: "repository-gone",
        words: `${repo} is gone, or the App can no longer see it: add it to the App's installation again, or remove its route`,
      };
    case 422:
      return {
        reason: "validation",
        words: `GitHub refused the issue in ${repo} as invalid (${JSON.stringify(message)}): check .github/hotfix.yml (labels, assignees), then run hotfix-loop jobs retry`,
      };
    default:
      return null;
  }
}
