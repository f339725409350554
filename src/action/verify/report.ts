import * as core from "@actions/core";
import type { HotfixConfig } from "../../core/config.js";
import { renderVerification, verificationMarkerKey, type ReportContext } from "../../core/verify-report.js";
import type { VerdictName, VerificationVerdict } from "../../core/verify.js";
import { upsertComment, type GitHub, type Repo } from "../github.js";
import type { DeploymentUnderTest } from "./deployment.js";
import { isNotFound, type Hotfix } from "./hotfixes.js";

/** Writing the verdicts: sticky comments, labels, the commit status, outputs and the job summary. */

export const STATUS_CONTEXT = "hotfix / verification";

const STATUS_STATE: Record<VerdictName, "success" | "failure" | "pending"> = {
  verified: "success",
  "not-verified": "failure",
  "not-enough-data": "pending",
};

export interface HotfixVerdict {
  hotfix: Hotfix;
  verdict: VerificationVerdict;
  /** Reporter groups marked fixed in the reporter (`verify.resolveInReporter`). */
  resolvedInReporter?: ReportContext["resolvedInReporter"];
}

const contextOf = (result: HotfixVerdict, current: DeploymentUnderTest): ReportContext => ({
  environment: current.environment,
  sha: current.sha,
  resolvedInReporter: result.resolvedInReporter,
});

async function removeLabel(github: GitHub, repo: Repo, issue: number, name: string): Promise<void> {
  try {
    await github.rest.issues.removeLabel({ ...repo, issue_number: issue, name });
  } catch (error) {
    // Not on the issue: nothing to remove.
    if (!isNotFound(error)) throw error;
  }
}

async function writeVerdict(github: GitHub, repo: Repo, config: HotfixConfig, result: HotfixVerdict, current: DeploymentUnderTest): Promise<void> {
  const { hotfix, verdict } = result;
  const marker = verificationMarkerKey({ signature: hotfix.marker.signature, version: current.version });
  const body = renderVerification(verdict, contextOf(result, current));
  for (const issueNumber of [hotfix.issue, ...hotfix.pulls]) await upsertComment(github, { repo, issueNumber, marker, body });
  const { verified, notVerified } = config.verify.labels;
  if (verdict.verdict === "verified" || verdict.verdict === "not-verified") {
    const [add, remove] = verdict.verdict === "verified" ? [verified, notVerified] : [notVerified, verified];
    await github.rest.issues.addLabels({ ...repo, issue_number: hotfix.issue, labels: [add] });
    await removeLabel(github, repo, hotfix.issue, remove);
  }
  if (verdict.verdict === "verified" && config.verify.closeOnVerified) {
    await github.rest.issues.update({ ...repo, issue_number: hotfix.issue, state: "closed", state_reason: "completed" });
  }
}

function statusDescription(results: HotfixVerdict[]): string {
  const text =
    results.length === 1
      ? (results[0]?.verdict.sentence ?? "")
      : results.map(({ hotfix, verdict }) => `#${hotfix.issue} ${verdict.verdict}`).join(", ");
  // GitHub cuts commit status descriptions at 140 characters.
  return text.length > 140 ? `${text.slice(0, 139)}…` : text;
}

/** The `verdicts` output: one record per hotfix issue with the numbers behind its verdict. */
function verdictRecord(result: HotfixVerdict) {
  const { hotfix, verdict } = result;
  const { counts, test } = verdict;
  return {
    issue: hotfix.issue,
    pulls: hotfix.pulls,
    signature: hotfix.marker.signature,
    provider: hotfix.marker.provider,
    version: counts.version,
    verdict: verdict.verdict,
    reason: verdict.reason,
    occurrences: counts.occurrences,
    exposure: counts.exposure,
    exposureUnit: counts.exposureUnit,
    before: counts.before,
    notes: counts.notes ?? [],
    expected: verdict.expected,
    probability: test?.pValue ?? null,
    rateRatio: test ? { estimate: test.ratio, low: test.ratioLow, high: Number.isFinite(test.ratioHigh) ? test.ratioHigh : null } : null,
    test: test?.name ?? null,
    confidence: verdict.confidence,
    countedFrom: verdict.window.deployedAt.toISOString(),
    countedUntil: verdict.window.until.toISOString(),
    reportLagMinutes: verdict.reportLagMinutes,
    reportLagMeasured: verdict.measuredLag !== null,
    // While not enough data: when to run again (a scheduled re-run costs a runner minute; `wait` bills the whole wait).
    expectedAt: verdict.expectedAt?.toISOString() ?? null,
    resolvedInReporter: result.resolvedInReporter?.ids ?? [],
    sentence: verdict.sentence,
  };
}

export async function reportVerdicts(
  github: GitHub,
  repo: Repo,
  config: HotfixConfig,
  results: HotfixVerdict[],
  current: DeploymentUnderTest,
  overall: VerdictName,
): Promise<void> {
  for (const result of results) {
    core.info(`#${result.hotfix.issue}: ${result.verdict.sentence}`);
    await writeVerdict(github, repo, config, result, current);
  }
  const runUrl = process.env.GITHUB_RUN_ID
    ? `${process.env.GITHUB_SERVER_URL ?? "https://github.com"}/${repo.owner}/${repo.repo}/actions/runs/${process.env.GITHUB_RUN_ID}`
    : undefined;
  await github.rest.repos.createCommitStatus({
    ...repo,
    sha: current.sha,
    state: STATUS_STATE[overall],
    context: STATUS_CONTEXT,
    description: statusDescription(results),
    ...(runUrl ? { target_url: runUrl } : {}),
  });
  core.setOutput("verdict", overall);
  core.setOutput("verdicts", JSON.stringify(results.map(verdictRecord)));
  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary.addRaw(results.map((r) => renderVerification(r.verdict, contextOf(r, current))).join("\n\n---\n\n")).write();
  }
}
