import type { Logger } from "probot";
import { renderClock } from "../core/clock.js";
import { DEFAULT_CONFIG, type HotfixConfig } from "../core/config.js";
import { planSync, type IssueFacts } from "../core/plan-sync.js";
import { renderIssue } from "../core/render.js";
import type { ProviderName } from "../core/crash.js";
import type { ReporterApi } from "../providers/alert.js";
import type { CrashGroup, Job, Store } from "../store/store.js";
import { Assigner } from "./assigner.js";
import { ContextCompleter } from "./context-completer.js";
import { issueParams, issueRef } from "../github/issue-ref.js";
import type { GitHubAccess, Octokit } from "./github.js";
import { clockWritten, shownStages } from "./issue-clock.js";
import { IssueIndex, markerKeys } from "./issue-index.js";
import { openIssue } from "./issue-opener.js";
import { reopenIssue } from "./issue-reopener.js";
import { metrics } from "./metrics.js";
import type { RequestPacer } from "./pacer.js";
import { claimNewIssue } from "./new-issue-budget.js";
import { judgeRegressions } from "./regressions.js";
import { RollUpIssues } from "./rollup-issue.js";
import type { RepoRouter } from "./routing.js";
import { fixedInFromComments, trustedAuthors } from "./trust.js";

/**
 * Brings one crash group's hotfix issue up to date from the store: gathers what is known, asks
 * core/plan-sync.ts what to do (open, roll up, reopen, refresh, nothing) and does it. Each call
 * makes at most one write per real change; how often it runs is the store's schedule.
 */

export interface IssueSyncDeps {
  store: Store;
  github: GitHubAccess;
  router: RepoRouter;
  /** The reporters' APIs a crash's context is completed from (SENTRY_AUTH_TOKEN, BUGSNAG_API_URL…). */
  reporterApis: Record<ProviderName, ReporterApi | null>;
  fetch?: typeof fetch;
  now: () => Date;
  log: Logger;
  /** The App's own login (`slug[bot]`), as its comments show it. */
  appLogin: () => Promise<string>;
  /** Told of each crash counted in a roll-up issue instead of an issue of its own (a metric's hook). */
  onRolledUp?: (repo: string) => void;
  /** GitHub's pacing of writes, when the App paces them. */
  pacer?: Pick<RequestPacer, "room">;
}

export class IssueSync {
  private readonly index = new IssueIndex();
  private readonly assigner: Assigner;
  private readonly contexts: ContextCompleter;
  private readonly rollUps: RollUpIssues;

  constructor(private readonly deps: IssueSyncDeps) {
    this.assigner = new Assigner(deps.log);
    this.contexts = new ContextCompleter(deps);
    this.rollUps = new RollUpIssues({ ...deps, index: this.index });
  }

  /** CODEOWNERS changed on the default branch. */
  forgetCodeowners(repo: string): void {
    this.assigner.forgetCodeowners(repo);
  }

  async sync(job: Job): Promise<void> {
    const { store, router, github, log, pacer, now } = this.deps;
    let group = await store.getGroup(job.groupId);
    // A refresh waits for room to write before it reads what to write, so its one edit carries every alert counted while it waited.
    if (group && group.issueNumber !== null && pacer) {
      await pacer.room(group.repo);
      group = await store.getGroup(job.groupId);
    }
    if (!group) return;
    const installationId = await router.installationOf(group.repo, group.installationId);
    if (installationId === null) {
      log.warn({ repo: group.repo }, "the App is no longer installed: the hotfix issue is left as it is");
      return;
    }
    const config = (await router.configOf(group.repo)) ?? DEFAULT_CONFIG;
    const octokit = await github.asInstallation(installationId);
    const report = await this.contexts.complete(group);
    // The completed report may name its release's commit (Sentry's API event does), which the judgement resolves releases with.
    if (group.state === "resolved" && config.issues.reopenOnRegression && (await judgeRegressions(this.deps, octokit, group, report, config)))
      group = (await store.getGroup(group.id)) ?? group;
    const reporterGroups = await store.reporterGroups(group.id);
    const openedAt = now();
    const clock = await store.clock.clockOf(group.id);
    const retry = job.attempts > 1;
    const plan = planSync({
      group,
      issue: await this.whereIsIssue(octokit, group, markerKeys(group, reporterGroups), config, retry),
      storedVerdict: group.regressedIn === null ? null : await store.fixes.verdictOf(group.id, group.regressedIn),
      clock,
      release: report.release?.trim(),
      reopenOnRegression: config.issues.reopenOnRegression,
      refreshIntervalSeconds: config.issues.refreshIntervalSeconds,
    });
    if (plan.action === "nothing") return log.debug({ repo: group.repo, why: plan.why }, "the hotfix issue is up to date");
    if (plan.action === "rollUp")
      return plan.issue === null
        ? this.rollUps.countNew(octokit, group, config, retry)
        : this.rollUps.refresh(octokit, group, config, plan.issue, plan.writeBody);
    // Rendered only for a plan that writes the issue's own body: a crash counted in the roll-up, or a refresh not yet due, costs no render.
    const versions = await store.versionCounts(group.repo, group.signature);
    const shown = shownStages(group, clock, openedAt);
    const { events, users, firstSeen, lastSeen } = group;
    const rendered = renderIssue({
      report,
      signature: group.signature,
      stats: { events, users, firstSeen, lastSeen, versions: versions.map(({ version, count }) => ({ version, count })) },
      repo: group.repo,
      links: config.links,
      regressedIn: group.regressedIn ?? undefined,
      clock: renderClock(shown),
      reporterGroups,
    });
    if (plan.action === "open") await openIssue({ ...this.deps, assigner: this.assigner }, octokit, group, report, config, rendered);
    else {
      const ref = issueParams(issueRef(group.repo, plan.issue));
      if (plan.action === "reopen") await reopenIssue(octokit, ref, rendered.body, plan.verdict, plan.fixedIn, await this.deps.appLogin());
      else {
        if (plan.resolve) await store.resolve(group.id, plan.resolve.fixedIn, now());
        await octokit.rest.issues.update({ ...ref, body: rendered.body });
      }
      metrics.issueWritten(plan.action === "reopen" ? "reopened" : "updated");
      await store.markRendered(group.id, group.events, now());
    }
    await clockWritten(store.clock, group.id, clock, shown, openedAt);
  }

  /** The issue recorded in the store, else the one found by its marker, else none: then the new-issue budget is claimed for it. */
  private async whereIsIssue(octokit: Octokit, group: CrashGroup, keys: string[], config: HotfixConfig, retry: boolean): Promise<IssueFacts> {
    const { store, log, now } = this.deps;
    if (group.issueNumber !== null) return { found: "recorded", number: group.issueNumber };
    // The owners are read while the issues are listed: a repository's first new issue waits on both.
    this.assigner.prefetch(octokit, group.repo, config);
    const existing = await this.index.find(octokit, group.repo, keys, config, retry);
    if (!existing) return { found: "missing", budget: await claimNewIssue(store, group.repo, group.id, config.issues.maxNewPerHour, now()) };
    await store.setIssue(group.id, existing.number);
    log.info({ repo: group.repo, issue: existing.number }, "found the hotfix issue by its marker");
    if (existing.state !== "closed") return { found: "by-marker", number: existing.number, state: "open" };
    // The store forgot this issue was closed: learn it again (and the fix's version) from its comments.
    const trusted = trustedAuthors(await this.deps.appLogin(), config);
    const fixedIn = await fixedInFromComments(octokit, issueRef(group.repo, existing.number), group.signature, trusted);
    return { found: "by-marker", number: existing.number, state: "closed", fixedIn };
  }
}
