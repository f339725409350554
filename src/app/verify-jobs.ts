import type { ProviderName } from "../core/crash.js";
import { DEFAULT_CONFIG, type HotfixConfig } from "../core/config.js";
import { parseIssueMarker } from "../core/marker.js";
import { nextLookAt } from "../core/verify.js";
import { parseRepoName } from "../github/repo-name.js";
import { writeVerdict, writeVerdictStatus } from "../github/verdict.js";
import { countSources, MissingSettingError } from "../providers/count-sources.js";
import { SETTING_ENV, type ReporterSettings } from "../providers/reporter-settings.js";
import { hotfixQuery, lookAt } from "../providers/lagged-count.js";
import type { CrashCountSource } from "../providers/query.js";
import type { VerifyJob } from "../store/verify-jobs.js";
import type { IssueSyncDeps } from "./issue-sync.js";
import { trustedAuthors } from "./trust.js";

/**
 * The App verifies by itself: a successful deployment of a hotfix schedules a look at the end of
 * the minimum window; each look asks the reporter (token from the environment, as the verify
 * Action's), and "not enough data yet" looks again when the exposure counted so far says a
 * verdict is due (`nextLookAt`). A verdict, or the last look, is written as the Action writes it
 * (github/verdict.ts), into the same comment whichever of the two comes second.
 */

/** Looks per deployment and group before the App gives up and posts "not enough data yet". */
export const MAX_LOOKS = 12;
/** The soonest next look after one that found too little data. */
export const RETRY_MINUTES = 30;
/** A claimed look is this replica's for so long (the reporter's answers and GitHub's writes take seconds). */
const LEASE_MS = 10 * 60_000;
const LOOKS_PER_ROUND = 4;

/** `reporters`: the reporters' read tokens (SENTRY_AUTH_TOKEN and SENTRY_ORG, BUGSNAG_AUTH_TOKEN…), from the App's settings. */
export type AppVerifierDeps = Pick<IssueSyncDeps, "store" | "github" | "router" | "fetch" | "now" | "log" | "appLogin"> & {
  reporters: ReporterSettings;
};

export interface ShippedDeployment {
  repo: string;
  installationId: number;
  groupIds: readonly number[];
  /** The release name the reporter records; absent when the deployment names none. */
  version?: string;
  sha: string;
  environment: string;
  deployedAt: string;
}

export class AppVerifier {
  /** Providers whose token is missing, logged once each. */
  private readonly missing = new Set<ProviderName>();

  constructor(private readonly deps: AppVerifierDeps) {}

  /** The reporter's count source, or null (logged once per provider) when the App has no token for it. */
  private sourceOf(repo: string, provider: ProviderName): CrashCountSource | null {
    try {
      return countSources({ repo }, this.deps.reporters, { fetch: this.deps.fetch, label: (setting) => SETTING_ENV[setting] ?? setting })(provider);
    } catch (error) {
      if (!(error instanceof MissingSettingError)) throw error;
      if (!this.missing.has(provider)) {
        this.missing.add(provider);
        this.deps.log.warn({ provider, reason: error.message }, "the App does not verify deployments of this reporter's crashes: no read token");
      }
      return null;
    }
  }

  private async configOf(repo: string): Promise<HotfixConfig> {
    return (await this.deps.router.configOf(repo)) ?? DEFAULT_CONFIG;
  }

  /** A successful deployment shipped these groups: their first look is due at the end of the minimum window. */
  async deployed(deployment: ShippedDeployment): Promise<void> {
    const { store, log } = this.deps;
    if (deployment.groupIds.length === 0) return;
    if (!deployment.version) {
      log.info(
        { repo: deployment.repo, sha: deployment.sha },
        "a hotfix deployment names no version (payload.version or a version tag): not verified by the App",
      );
      return;
    }
    const config = await this.configOf(deployment.repo);
    const dueAt = new Date(Date.parse(deployment.deployedAt) + config.verify.minWindowMinutes * 60_000);
    for (const groupId of deployment.groupIds) {
      const group = await store.getGroup(groupId);
      // A crash counted in a roll-up issue has no issue (and marker) of its own to verify.
      if (!group?.issueNumber || group.rolledUp || !this.sourceOf(deployment.repo, group.latest.provider)) continue;
      const { repo, installationId, version, sha, environment, deployedAt } = deployment;
      if (await store.verifyJobs.schedule({ repo, installationId, groupId, version, sha, environment, deployedAt }, dueAt))
        log.info({ repo, issue: group.issueNumber, version, dueAt: dueAt.toISOString() }, "verification scheduled");
    }
  }

  /** Takes the due looks; returns how many. */
  async runDue(): Promise<number> {
    const jobs = await this.deps.store.verifyJobs.claimDue(this.deps.now(), LOOKS_PER_ROUND, LEASE_MS);
    for (const job of jobs) {
      try {
        await this.look(job);
      } catch (error) {
        // A reporter or GitHub that fails is asked again later, within the bound on looks.
        const last = job.looks >= MAX_LOOKS;
        this.deps.log.warn({ err: error, repo: job.repo, group: job.groupId, looks: job.looks, last }, "verification look failed");
        if (last) await this.deps.store.verifyJobs.finish(job.id);
        else await this.deps.store.verifyJobs.reschedule(job.id, new Date(this.deps.now().getTime() + RETRY_MINUTES * 60_000));
      }
    }
    return jobs.length;
  }

  private async look(job: VerifyJob): Promise<void> {
    const { store, log } = this.deps;
    const group = await store.getGroup(job.groupId);
    const octokit = await this.deps.github.asInstallation(job.installationId);
    const repo = parseRepoName(job.repo);
    const issue = group?.issueNumber ? (await octokit.rest.issues.get({ ...repo, issue_number: group.issueNumber })).data : null;
    const marker = issue ? parseIssueMarker(issue.body ?? "") : null;
    const source = marker ? this.sourceOf(job.repo, marker.provider) : null;
    if (!issue || !marker || !source) {
      await store.verifyJobs.finish(job.id);
      return;
    }
    const config = await this.configOf(job.repo);
    const policy = { confidence: config.verify.confidence, minWindowMinutes: config.verify.minWindowMinutes };
    const query = hotfixQuery(marker, job.version, config.verify.exposure);
    const at = this.deps.now();
    const verdict = await lookAt(source, query, policy, { configuredMinutes: config.verify.reportLagMinutes }, new Date(job.deployedAt), at);
    if (verdict.verdict === "not-enough-data" && job.looks < MAX_LOOKS) {
      const next = nextLookAt(verdict, { ...policy, reportLagMinutes: verdict.reportLagMinutes }, at, RETRY_MINUTES);
      await store.verifyJobs.reschedule(job.id, next);
      log.info({ repo: job.repo, issue: issue.number, looks: job.looks, next: next.toISOString() }, "not enough data yet: looking again");
      return;
    }
    const resolved =
      verdict.verdict === "verified" && config.verify.resolveInReporter && source.resolveFixed
        ? { provider: marker.provider, ids: await source.resolveFixed(query) }
        : undefined;
    const { stages } = await store.clock.clockOf(job.groupId);
    const pulls = [...new Set(stages.flatMap((s) => (s.stage === "merged" && s.detail.pr !== undefined ? [s.detail.pr] : [])))];
    const trusted = trustedAuthors(await this.deps.appLogin(), config);
    const context = { environment: job.environment, sha: job.sha, resolvedInReporter: resolved };
    await writeVerdict(octokit, repo, config, { issue: issue.number, pulls }, verdict, context, (login) => Promise.resolve(trusted.has(login)));
    await writeVerdictStatus(octokit, repo, { sha: job.sha, overall: verdict.verdict, results: [{ issue: issue.number, verdict }] });
    await store.verifyJobs.finish(job.id);
    log.info({ repo: job.repo, issue: issue.number, verdict: verdict.verdict, looks: job.looks }, "verification posted");
  }
}
