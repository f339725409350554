import { readFileSync } from "node:fs";
import * as core from "@actions/core";
import { z } from "zod";
import type { HotfixConfig } from "../core/config.js";
import type { ProviderName } from "../core/crash.js";
import { parseIssueLinks } from "../core/policy.js";
import { parseIssueMarker, type IssueMarker } from "../core/render.js";
import { renderVerification, verificationMarkerKey } from "../core/verify-report.js";
import { decideVerdict, worstVerdict, type Verdict, type VerdictName } from "../core/verify.js";
import { bugsnagCountSource } from "../providers/bugsnag-query.js";
import { genericCountSource } from "../providers/generic-query.js";
import type { CrashCountSource } from "../providers/query.js";
import { sentryCountSource } from "../providers/sentry-query.js";
import { loadConfig } from "./config.js";
import { createGitHub, upsertComment, type GitHub, type Repo } from "./github.js";
import { InputError, readInputs, wholeNumber } from "./inputs.js";

/**
 * Verify mode: after a deployment, find the hotfix issues it ships, ask their crash
 * reporter how often each signature occurs in the new version, and write the verdict as a
 * sticky comment (issue and PR), a label, a commit status on the deployed sha, and outputs.
 */

export const STATUS_CONTEXT = "hotfix / verification";
/** Earlier deployments looked at for the last successful one; each costs one statuses read. */
const MAX_PREVIOUS_DEPLOYMENTS = 10;
const MAX_PULL_PAGES = 5;

/** "30m", "2h", "90s" or a bare number of minutes, as milliseconds. */
const Duration = z
  .string()
  .regex(/^\s*\d+\s*[smh]?\s*$/, 'expected a duration like "30m", "2h" or "90s"')
  .transform((text) => {
    const unit = /[smh]/.exec(text)?.[0] ?? "m";
    return Number.parseInt(text, 10) * { s: 1_000, m: 60_000, h: 3_600_000 }[unit as "s" | "m" | "h"];
  });

const Confidence = z
  .string()
  .regex(/^\s*0?\.\d+\s*$/, "expected a number between 0.5 and 1, e.g. 0.99")
  .transform(Number)
  .pipe(z.number().gt(0.5, "expected more than 0.5").lt(1, "expected less than 1"));

const Timestamp = z.iso.datetime({ offset: true, message: "expected an ISO-8601 time, e.g. 2024-05-01T10:00:00Z" }).transform((t) => new Date(t));

function readVerifyInputs() {
  return readInputs({
    "github-token": z.string("expected a token (the default is ${{ github.token }})").min(1),
    "config-path": z.string().default(".github/hotfix.yml"),
    version: z.string().trim().min(1).optional(),
    environment: z.string().trim().min(1).optional(),
    issue: wholeNumber(1).optional(),
    confidence: Confidence.optional(),
    "min-window-minutes": wholeNumber(0).optional(),
    "deployed-at": Timestamp.optional(),
    wait: Duration.default(0),
    "poll-interval": Duration.default(300_000),
    "sentry-org": z.string().trim().min(1).optional(),
    "sentry-url": z.url("expected a URL").optional(),
    "sentry-auth-token": z.string().min(1).optional(),
    "bugsnag-auth-token": z.string().min(1).optional(),
    "bugsnag-api-url": z.url("expected a URL").optional(),
    "app-url": z.url("expected a URL").optional(),
    "hotfix-api-token": z.string().min(1).optional(),
  });
}
type VerifyInputs = ReturnType<typeof readVerifyInputs>;

// ---- the triggering event -----------------------------------------------------------

const Deployment = z.object({
  id: z.number().int(),
  sha: z.string(),
  ref: z.string(),
  environment: z.string(),
  created_at: z.string(),
  payload: z.union([z.record(z.string(), z.unknown()), z.string()]).nullish(),
});
const DeploymentEvent = z.object({
  deployment: Deployment,
  deployment_status: z.object({ state: z.string(), created_at: z.string() }).optional(),
});

interface DeploymentUnderTest {
  /** The GitHub deployment, when the run was triggered by one. */
  id?: number;
  sha: string;
  environment?: string;
  version: string;
  deployedAt: Date;
}

/** `deployment.payload.version`, whether GitHub passes the payload as an object or as JSON text. */
function payloadVersion(payload: z.infer<typeof Deployment>["payload"]): string | undefined {
  let object: unknown = payload;
  if (typeof payload === "string") {
    try {
      object = JSON.parse(payload);
    } catch {
      return undefined;
    }
  }
  const version = object && typeof object === "object" ? (object as Record<string, unknown>).version : undefined;
  return typeof version === "string" && version.trim() ? version.trim() : undefined;
}

/** A ref that names a release (`v1.4.2`, `refs/tags/1.4.2`), not a branch. */
function refVersion(ref: string): string | undefined {
  const name = ref.replace(/^refs\/tags\//, "");
  return /^v?\d+(\.\d+)*([-+][\w.-]+)?$/.test(name) ? name : undefined;
}

/** Null when the event says there is nothing to verify (a deployment that did not succeed). */
function deploymentUnderTest(inputs: VerifyInputs, now: Date): DeploymentUnderTest | null {
  const eventName = process.env.GITHUB_EVENT_NAME ?? "";
  if (eventName === "deployment" || eventName === "deployment_status") {
    const path = process.env.GITHUB_EVENT_PATH;
    if (!path) throw new Error("GITHUB_EVENT_PATH is not set: the Action must run in a GitHub Actions workflow");
    const parsed = DeploymentEvent.safeParse(JSON.parse(readFileSync(path, "utf8")));
    if (!parsed.success) throw new Error(`The ${eventName} event has no usable deployment: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    const { deployment, deployment_status: status } = parsed.data;
    if (status && status.state !== "success") {
      core.info(`The deployment's status is "${status.state}", not "success": nothing to verify yet.`);
      return null;
    }
    // An explicit input wins: it is how a workflow maps its deployment onto the reporter's release name.
    const version = inputs.version ?? payloadVersion(deployment.payload) ?? refVersion(deployment.ref);
    if (!version) {
      throw new InputError(
        `Input "version": the deployment of ${deployment.ref} has no payload.version and its ref is not a version tag; set the version input to the release name your crash reporter records`,
      );
    }
    return {
      id: deployment.id,
      sha: deployment.sha,
      environment: deployment.environment,
      version,
      deployedAt: inputs["deployed-at"] ?? new Date(status?.created_at ?? deployment.created_at),
    };
  }
  if (!inputs.version) throw new InputError(`Input "version": required outside deployment events (the release name your crash reporter records, e.g. 1.4.2)`);
  const sha = process.env.GITHUB_SHA;
  if (!sha) throw new Error("GITHUB_SHA is not set: the Action must run in a GitHub Actions workflow");
  return { sha, environment: inputs.environment, version: inputs.version, deployedAt: inputs["deployed-at"] ?? now };
}

// ---- what the deployment ships ------------------------------------------------------

const DeploymentListItem = z.object({ id: z.number().int(), sha: z.string(), created_at: z.string() });
const DeploymentStatus = z.object({ state: z.string() });
const PullRequest = z.object({
  number: z.number().int(),
  body: z.string().nullable(),
  merged_at: z.string().nullable(),
  merge_commit_sha: z.string().nullable(),
  updated_at: z.string(),
});
type PullRequest = z.infer<typeof PullRequest>;
const IssueBody = z.object({ number: z.number().int(), body: z.string().nullable(), state: z.string(), pull_request: z.unknown().optional() });

/** The last deployment of the same environment, before this one, that reached `success`. */
async function previousDeployment(github: GitHub, repo: Repo, current: DeploymentUnderTest): Promise<{ sha: string; createdAt: string } | null> {
  if (!current.environment) return null;
  const { data } = await github.rest.repos.listDeployments({ ...repo, environment: current.environment, per_page: 100 });
  const deployments = z.array(DeploymentListItem).parse(data);
  const start = current.id === undefined ? 0 : deployments.findIndex((d) => d.id === current.id) + 1;
  const earlier = deployments.slice(start).filter((d) => d.sha !== current.sha).slice(0, MAX_PREVIOUS_DEPLOYMENTS);
  for (const deployment of earlier) {
    const { data: statuses } = await github.rest.repos.listDeploymentStatuses({ ...repo, deployment_id: deployment.id, per_page: 100 });
    if (z.array(DeploymentStatus).parse(statuses).some((s) => s.state === "success")) return { sha: deployment.sha, createdAt: deployment.created_at };
  }
  return null;
}

/** PRs merged between the previous successful deployment and this one (or, without one, the PRs of the deployed commit). */
async function shippedPullRequests(github: GitHub, repo: Repo, current: DeploymentUnderTest): Promise<PullRequest[]> {
  const previous = await previousDeployment(github, repo, current);
  if (!previous) {
    core.info(`No earlier successful deployment${current.environment ? ` of ${current.environment}` : ""}: looking at the PRs of ${current.sha.slice(0, 7)} only.`);
    const { data } = await github.rest.repos.listPullRequestsAssociatedWithCommit({ ...repo, commit_sha: current.sha, per_page: 100 });
    return z.array(PullRequest).parse(data).filter((pr) => pr.merged_at !== null);
  }
  const commits = new Set<string>();
  for (let page = 1; page <= MAX_PULL_PAGES; page++) {
    const { data } = await github.rest.repos.compareCommitsWithBasehead({ ...repo, basehead: `${previous.sha}...${current.sha}`, per_page: 100, page });
    for (const commit of data.commits) commits.add(commit.sha);
    if (data.commits.length < 100 || commits.size >= data.total_commits) break;
  }
  core.info(`${current.sha.slice(0, 7)} ships ${commits.size} commits since ${previous.sha.slice(0, 7)}.`);
  const shipped: PullRequest[] = [];
  // Closed PRs, most recently updated first; one merged in the window was updated after the previous deployment.
  for (let page = 1; page <= MAX_PULL_PAGES; page++) {
    const { data } = await github.rest.pulls.list({ ...repo, state: "closed", sort: "updated", direction: "desc", per_page: 100, page });
    const pulls = z.array(PullRequest).parse(data);
    shipped.push(...pulls.filter((pr) => pr.merged_at !== null && pr.merge_commit_sha !== null && commits.has(pr.merge_commit_sha)));
    if (pulls.length < 100 || pulls.some((pr) => pr.updated_at < previous.createdAt)) break;
  }
  return shipped;
}

interface Hotfix {
  issue: number;
  marker: IssueMarker;
  pulls: number[];
}

async function readHotfixIssue(github: GitHub, repo: Repo, number: number): Promise<IssueMarker | null> {
  try {
    const { data } = await github.rest.issues.get({ ...repo, issue_number: number });
    const issue = IssueBody.parse(data);
    return issue.pull_request ? null : parseIssueMarker(issue.body ?? "");
  } catch (error) {
    if (error && typeof error === "object" && "status" in error && error.status === 404) return null;
    throw error;
  }
}

async function findHotfixes(github: GitHub, repo: Repo, inputs: VerifyInputs, current: DeploymentUnderTest): Promise<Hotfix[]> {
  if (inputs.issue !== undefined) {
    const marker = await readHotfixIssue(github, repo, inputs.issue);
    if (!marker) throw new InputError(`Input "issue": #${inputs.issue} is not a hotfix issue (it carries no hotfix-loop:crash marker)`);
    return [{ issue: inputs.issue, marker, pulls: [] }];
  }
  const byIssue = new Map<number, Hotfix>();
  for (const pr of await shippedPullRequests(github, repo, current)) {
    const links = parseIssueLinks(pr.body ?? "", repo).filter((ref) => ref.owner.toLowerCase() === repo.owner.toLowerCase() && ref.repo.toLowerCase() === repo.repo.toLowerCase());
    for (const { number } of links) {
      const known = byIssue.get(number);
      if (known) {
        known.pulls.push(pr.number);
        continue;
      }
      const marker = await readHotfixIssue(github, repo, number);
      if (marker) byIssue.set(number, { issue: number, marker, pulls: [pr.number] });
    }
  }
  return [...byIssue.values()];
}

// ---- crash reporters ----------------------------------------------------------------

export interface VerifyDependencies {
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** fetch for the crash reporters' APIs. */
  fetch?: typeof fetch;
}

function countSources(inputs: VerifyInputs, repo: Repo, deps: VerifyDependencies): (provider: ProviderName) => CrashCountSource {
  const env = process.env;
  const secret = (input: string | undefined, envName: string) => {
    const value = input ?? env[envName];
    if (value) core.setSecret(value);
    return value;
  };
  const seams = { fetch: deps.fetch, sleep: deps.sleep };
  const made = new Map<ProviderName, CrashCountSource>();
  const make = (provider: ProviderName): CrashCountSource => {
    switch (provider) {
      case "sentry": {
        const token = secret(inputs["sentry-auth-token"], "SENTRY_AUTH_TOKEN");
        const org = inputs["sentry-org"] ?? env.SENTRY_ORG;
        if (!token) throw new InputError(`Input "sentry-auth-token": required to verify a Sentry crash (or set SENTRY_AUTH_TOKEN)`);
        if (!org) throw new InputError(`Input "sentry-org": required to verify a Sentry crash (or set SENTRY_ORG)`);
        return sentryCountSource({ token, org, baseUrl: inputs["sentry-url"] ?? env.SENTRY_URL, ...seams });
      }
      case "bugsnag": {
        const token = secret(inputs["bugsnag-auth-token"], "BUGSNAG_AUTH_TOKEN");
        if (!token) throw new InputError(`Input "bugsnag-auth-token": required to verify a Bugsnag crash (or set BUGSNAG_AUTH_TOKEN)`);
        return bugsnagCountSource({ token, baseUrl: inputs["bugsnag-api-url"] ?? env.BUGSNAG_API_URL, ...seams });
      }
      case "generic": {
        const token = secret(inputs["hotfix-api-token"], "HOTFIX_API_TOKEN");
        const appUrl = inputs["app-url"] ?? env.HOTFIX_APP_URL;
        if (!token) throw new InputError(`Input "hotfix-api-token": required to verify a crash reported in the generic format (or set HOTFIX_API_TOKEN)`);
        if (!appUrl) throw new InputError(`Input "app-url": required to verify a crash reported in the generic format (the hotfix-loop App's URL)`);
        return genericCountSource({ token, appUrl, repo: `${repo.owner}/${repo.repo}`, ...seams });
      }
    }
  };
  return (provider) => {
    const source = made.get(provider) ?? make(provider);
    made.set(provider, source);
    return source;
  };
}

// ---- writing the verdict ------------------------------------------------------------

const STATUS_STATE: Record<VerdictName, "success" | "failure" | "pending"> = { verified: "success", "not-verified": "failure", "not-enough-data": "pending" };

async function removeLabel(github: GitHub, repo: Repo, issue: number, name: string): Promise<void> {
  try {
    await github.rest.issues.removeLabel({ ...repo, issue_number: issue, name });
  } catch (error) {
    // Not on the issue: nothing to remove.
    if (!(error && typeof error === "object" && "status" in error && error.status === 404)) throw error;
  }
}

async function writeVerdict(github: GitHub, repo: Repo, config: HotfixConfig, hotfix: Hotfix, verdict: Verdict, current: DeploymentUnderTest): Promise<void> {
  const marker = verificationMarkerKey({ signature: hotfix.marker.signature, version: current.version });
  const body = renderVerification(verdict, { environment: current.environment, sha: current.sha });
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

function statusDescription(results: { hotfix: Hotfix; verdict: Verdict }[]): string {
  const text =
    results.length === 1
      ? (results[0]?.verdict.sentence ?? "")
      : results.map(({ hotfix, verdict }) => `#${hotfix.issue} ${verdict.verdict}`).join(", ");
  // GitHub cuts commit status descriptions at 140 characters.
  return text.length > 140 ? `${text.slice(0, 139)}…` : text;
}

export async function runVerify(deps: VerifyDependencies = {}): Promise<void> {
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const inputs = readVerifyInputs();
  const started = now();
  const current = deploymentUnderTest(inputs, started);
  if (!current) {
    core.setOutput("verdict", "skipped");
    core.setOutput("verdicts", "[]");
    return;
  }
  const [owner, name] = (process.env.GITHUB_REPOSITORY ?? "").split("/");
  if (!owner || !name) throw new Error("GITHUB_REPOSITORY is not set: the Action must run in a GitHub Actions workflow");
  const repo = { owner, repo: name };
  const github = createGitHub(inputs["github-token"]);
  const config = await loadConfig(github, { repo, path: inputs["config-path"], ref: current.sha, workspace: process.env.GITHUB_WORKSPACE });
  const policy = {
    confidence: inputs.confidence ?? config.verify.confidence,
    minWindowMinutes: inputs["min-window-minutes"] ?? config.verify.minWindowMinutes,
  };

  const hotfixes = await findHotfixes(github, repo, inputs, current);
  if (hotfixes.length === 0) {
    core.info(`No hotfix issue is shipped by ${current.version} (${current.sha.slice(0, 7)}): nothing to verify.`);
    core.setOutput("verdict", "none");
    core.setOutput("verdicts", "[]");
    return;
  }
  core.info(`Verifying ${hotfixes.map((h) => `#${h.issue}`).join(", ")} in ${current.version}.`);

  const sourceFor = countSources(inputs, repo, deps);
  const decide = async (hotfix: Hotfix): Promise<Verdict> => {
    const counts = await sourceFor(hotfix.marker.provider).count({
      signature: hotfix.marker.signature,
      version: current.version,
      project: hotfix.marker.project,
      reporterGroupId: hotfix.marker.reporterGroupId,
      knownVersions: hotfix.marker.versions,
      exposure: config.verify.exposure,
    });
    return decideVerdict(counts, policy, current.deployedAt, now());
  };
  const results: { hotfix: Hotfix; verdict: Verdict }[] = [];
  for (const hotfix of hotfixes) results.push({ hotfix, verdict: await decide(hotfix) });
  // `wait`: poll for enough data instead of settling for "not enough data yet" at once.
  while (results.some((r) => r.verdict.verdict === "not-enough-data") && now().getTime() + inputs["poll-interval"] <= started.getTime() + inputs.wait) {
    core.info(`Not enough data yet; asking again in ${Math.round(inputs["poll-interval"] / 1000)} s.`);
    await sleep(inputs["poll-interval"]);
    for (const result of results) if (result.verdict.verdict === "not-enough-data") result.verdict = await decide(result.hotfix);
  }

  for (const { hotfix, verdict } of results) {
    core.info(`#${hotfix.issue}: ${verdict.sentence}`);
    await writeVerdict(github, repo, config, hotfix, verdict, current);
  }
  const overall = worstVerdict(results.map((r) => r.verdict.verdict)) ?? "not-enough-data";
  const runUrl = process.env.GITHUB_RUN_ID ? `${process.env.GITHUB_SERVER_URL ?? "https://github.com"}/${owner}/${name}/actions/runs/${process.env.GITHUB_RUN_ID}` : undefined;
  await github.rest.repos.createCommitStatus({
    ...repo,
    sha: current.sha,
    state: STATUS_STATE[overall],
    context: STATUS_CONTEXT,
    description: statusDescription(results),
    ...(runUrl ? { target_url: runUrl } : {}),
  });
  core.setOutput("verdict", overall);
  core.setOutput(
    "verdicts",
    JSON.stringify(
      results.map(({ hotfix, verdict }) => ({
        issue: hotfix.issue,
        pulls: hotfix.pulls,
        signature: hotfix.marker.signature,
        provider: hotfix.marker.provider,
        version: current.version,
        verdict: verdict.verdict,
        reason: verdict.reason,
        occurrences: verdict.counts.occurrences,
        exposure: verdict.counts.exposure,
        exposureUnit: verdict.counts.exposureUnit,
        before: verdict.counts.before,
        expected: verdict.expected,
        probability: verdict.probability,
        sentence: verdict.sentence,
      })),
    ),
  );
  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary.addRaw(results.map((r) => renderVerification(r.verdict, { environment: current.environment, sha: current.sha })).join("\n\n---\n\n")).write();
  }
}
