import * as core from "@actions/core";
import type { HotfixConfig } from "../../core/config.js";
import { renderVerification, type ReportContext } from "../../core/verify-report.js";
import type { VerdictName, VerificationVerdict } from "../../core/verify.js";
import { loginSet, sameLogin } from "../../github/bot-identity.js";
import { writeVerdict, writeVerdictStatus } from "../../github/verdict.js";
import { ownLogin, type GitHub, type Repo } from "../github.js";
import type { ActionContext } from "../context.js";
import type { DeploymentUnderTest } from "./deployment.js";
import type { Hotfix } from "./hotfixes.js";

/** The Action's verdicts: written as the App writes them (github/verdict.ts), plus outputs and the job summary. */

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
    // The range the verdict may come in if traffic changes (the comment names it when ±20% does not hold it).
    expectedBetween: verdict.verdictExpected
      ? { earliest: verdict.verdictExpected.earliest.toISOString(), latest: verdict.verdictExpected.latest.toISOString() }
      : null,
    resolvedInReporter: result.resolvedInReporter?.ids ?? [],
    sentence: verdict.sentence,
  };
}

/**
 * Whose verdict comment the Action may edit: the identities the App trusts (`verify.trustedAuthors`)
 * and the Action's own (asked only when a comment needs it); the App's comment is found by its marker.
 */
export function writerOf(github: GitHub, config: HotfixConfig): (login: string) => Promise<boolean> {
  const trusted = loginSet(config.verify.trustedAuthors);
  return async (login) => trusted.has(login) || sameLogin(login, await ownLogin(github));
}

export async function reportVerdicts(
  context: Pick<ActionContext, "serverUrl" | "runId" | "hasStepSummary">,
  github: GitHub,
  repo: Repo,
  config: HotfixConfig,
  results: HotfixVerdict[],
  current: DeploymentUnderTest,
  overall: VerdictName,
): Promise<void> {
  const isWriter = writerOf(github, config);
  for (const result of results) {
    core.info(`#${result.hotfix.issue}: ${result.verdict.sentence}`);
    await writeVerdict(github, repo, config, result.hotfix, result.verdict, contextOf(result, current), isWriter);
  }
  const runUrl = context.runId ? `${context.serverUrl}/${repo.owner}/${repo.repo}/actions/runs/${context.runId}` : undefined;
  await writeVerdictStatus(github, repo, {
    sha: current.sha,
    overall,
    results: results.map((r) => ({ issue: r.hotfix.issue, verdict: r.verdict })),
    targetUrl: runUrl,
  });
  core.setOutput("verdict", overall);
  core.setOutput("verdicts", JSON.stringify(results.map(verdictRecord)));
  if (context.hasStepSummary) {
    await core.summary.addRaw(results.map((r) => renderVerification(r.verdict, contextOf(r, current))).join("\n\n---\n\n")).write();
  }
}
