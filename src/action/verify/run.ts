import * as core from "@actions/core";
import type { HotfixConfig } from "../../core/config.js";
import { worstVerdict, type VerifyPolicy } from "../../core/verify.js";
import { MissingSettingError } from "../../providers/count-sources.js";
import { ProviderApiError } from "../../providers/http.js";
import { hotfixQuery, lookAt } from "../../providers/lagged-count.js";
import { CountQueryError, UnknownReleaseError } from "../../providers/query.js";
import { loadConfig } from "../config.js";
import { parseRepoName } from "../../github/repo-name.js";
import type { ActionContext } from "../context.js";
import { createGitHub } from "../github.js";
import { InputError } from "../inputs.js";
import { deploymentUnderTest, type DeploymentUnderTest } from "./deployment.js";
import { findHotfixes, type Hotfix } from "./hotfixes.js";
import { readVerifyInputs, type VerifyInputs } from "./inputs.js";
import { pollVerdicts } from "./poll.js";
import { reportVerdicts, type HotfixVerdict } from "./report.js";
import { actionCountSources, type ReporterSeams } from "./sources.js";

/**
 * Verify mode: after a deployment, find the hotfix issues it ships, ask their crash
 * reporter how often each signature occurs in the new version, and write the verdict as a
 * sticky comment (issue and PR), a label, a commit status on the deployed sha, and outputs.
 */

export interface VerifyDependencies extends ReporterSeams {
  now?: () => Date;
}

/** The policy before the report lag, which is measured per reporter project. */
function policyOf(inputs: VerifyInputs, config: HotfixConfig): Omit<VerifyPolicy, "reportLagMinutes"> {
  return {
    confidence: inputs.confidence ?? config.verify.confidence,
    minWindowMinutes: inputs["min-window-minutes"] ?? config.verify.minWindowMinutes,
  };
}

export async function runVerify(context: ActionContext, deps: VerifyDependencies = {}): Promise<void> {
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const inputs = readVerifyInputs();
  const started = now();
  const current: DeploymentUnderTest | null = deploymentUnderTest(context, inputs, started);
  if (!current) {
    core.setOutput("verdict", "skipped");
    core.setOutput("verdicts", "[]");
    return;
  }
  if (inputs["deployed-at"] && inputs["deployed-at"].getTime() > started.getTime()) {
    throw new InputError(
      `Input "deployed-at": ${inputs["deployed-at"].toISOString()} is in the future (now ${started.toISOString()}); give the time the deployment happened`,
    );
  }
  if (!context.repository) throw new Error("GITHUB_REPOSITORY is not set: the Action must run in a GitHub Actions workflow");
  const repo = parseRepoName(context.repository, "GITHUB_REPOSITORY");
  const github = createGitHub(inputs["github-token"], context.apiUrl);
  const config = await loadConfig(github, { repo, path: inputs["config-path"], ref: current.sha, workspace: context.workspace });
  const policy = policyOf(inputs, config);

  const hotfixes = await findHotfixes(github, repo, inputs, current);
  if (hotfixes.length === 0) {
    core.info(`No hotfix issue is shipped by ${current.version} (${current.sha.slice(0, 7)}): nothing to verify.`);
    core.setOutput("verdict", "none");
    core.setOutput("verdicts", "[]");
    return;
  }
  core.info(`Verifying ${hotfixes.map((h) => `#${h.issue}`).join(", ")} in ${current.version}.`);

  const sourceFor = actionCountSources(inputs, repo, context.reporters, { fetch: deps.fetch, sleep: deps.sleep });
  const queryOf = (hotfix: Hotfix) => hotfixQuery(hotfix.marker, current.version, config.verify.exposure);
  /** Asks the reporter; its failures become the Action's failure messages. */
  const ask = async <T>(question: () => Promise<T>): Promise<T> => {
    try {
      return await question();
    } catch (error) {
      if (error instanceof MissingSettingError || error instanceof UnknownReleaseError || error instanceof CountQueryError)
        throw new InputError(error.message);
      // A reporter that cannot be asked is no verdict: say so in the output a workflow branches on, then fail the step.
      if (error instanceof ProviderApiError) core.setOutput("verdict", "error");
      throw error;
    }
  };
  const decide = (hotfix: Hotfix) =>
    ask(() => {
      const lag = { configuredMinutes: config.verify.reportLagMinutes, fixedMinutes: inputs["report-lag-minutes"] };
      return lookAt(sourceFor(hotfix.marker.provider), queryOf(hotfix), policy, lag, current.deployedAt, now());
    });
  const results: HotfixVerdict[] = [];
  for (const hotfix of hotfixes) results.push({ hotfix, verdict: await decide(hotfix) });
  await pollVerdicts(
    results,
    (r) => decide(r.hotfix),
    { startedAt: started, waitMs: inputs.wait, intervalMs: inputs["poll-interval"] },
    { now, sleep },
  );

  if (config.verify.resolveInReporter) {
    for (const result of results.filter((r) => r.verdict.verdict === "verified")) {
      const source = sourceFor(result.hotfix.marker.provider);
      if (!source.resolveFixed) continue;
      const ids = await ask(async () => (await source.resolveFixed?.(queryOf(result.hotfix))) ?? []);
      result.resolvedInReporter = { provider: result.hotfix.marker.provider, ids };
    }
  }

  const overall = worstVerdict(results.map((r) => r.verdict.verdict)) ?? "not-enough-data";
  await reportVerdicts(context, github, repo, config, results, current, overall);
}
