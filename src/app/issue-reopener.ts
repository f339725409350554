import { encodeMarker } from "../core/marker.js";
import { describeRegression, type RegressionVerdict } from "../core/regression.js";
import { loginSet } from "../github/bot-identity.js";
import type { Octokit } from "./github.js";
import { writtenBy } from "./trust.js";

/**
 * Reopens a hotfix issue the crash came back to: open again with the fresh body, labelled
 * `regression`, and one comment saying in which release and how that was judged.
 */

export const REGRESSION_LABEL = "regression";

export async function reopenIssue(
  octokit: Octokit,
  ref: { owner: string; repo: string; issue_number: number },
  body: string,
  verdict: RegressionVerdict,
  fixedIn: string | null,
  appLogin: string,
): Promise<void> {
  await octokit.rest.issues.update({ ...ref, state: "open", body });
  await octokit.rest.issues.addLabels({ ...ref, labels: [REGRESSION_LABEL] });
  const marker = encodeMarker("regression", { version: verdict.release });
  // A retry after a crash must not say it twice; only the App's own comment counts as said,
  // so a comment quoting the marker cannot silence the regression.
  const own = loginSet([appLogin]);
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...ref, per_page: 100 });
  if (comments.some((c) => writtenBy(c, own) && (c.body ?? "").includes(marker))) return;
  await octokit.rest.issues.createComment({
    ...ref,
    body: `${describeRegression(verdict, fixedIn)}\n\n${marker}`,
    // A comment is not idempotent: a retry after a lost answer would post it twice. The job's retry reads the comments first.
    request: { retries: 0 },
  });
}
