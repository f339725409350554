import type { HotfixConfig } from "../core/config.js";
import { parseVerificationMarker } from "../core/verify-report.js";
import { loginSet, type Logins } from "../github/bot-identity.js";
import { issueParams, type IssueRef } from "../github/issue-ref.js";
import type { Octokit } from "./github.js";

/**
 * Who may tell the App a fix shipped: the App itself and the identities the verify Action posts as
 * (`verify.trustedAuthors`). Anyone else's comment, a third-party bot echoing user text included,
 * is only text, whatever markers it carries. Logins match by github/bot-identity's rule, as the Action matches them.
 */
export type TrustedAuthors = Logins;

export function trustedAuthors(appLogin: string, config: HotfixConfig): TrustedAuthors {
  return loginSet([appLogin, ...config.verify.trustedAuthors]);
}

export const writtenBy = (comment: { user?: { login?: string } | null }, authors: TrustedAuthors) => authors.has(comment.user?.login);

/** The version the fix shipped in, from the latest trusted verification comment for this signature (one comments read). */
export async function fixedInFromComments(octokit: Octokit, ref: IssueRef, signature: string, trusted: TrustedAuthors): Promise<string | null> {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...issueParams(ref), per_page: 100 });
  let version: string | null = null;
  for (const comment of comments) {
    const marker = writtenBy(comment, trusted) ? parseVerificationMarker(comment.body ?? "") : null;
    if (marker?.signature === signature && marker.verdict === "verified") version = marker.version;
  }
  return version;
}
