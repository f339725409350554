import { randomUUID } from "node:crypto";
import { LRUCache } from "lru-cache";
import type { Logger } from "probot";
import { renderClock, withStage, type StageTime } from "../core/clock.js";
import { DEFAULT_CONFIG, type HotfixConfig } from "../core/config.js";
import type { CrashReport, ProviderName } from "../core/crash.js";
import { encodeMarker, markerReporterGroups } from "../core/marker.js";
import { parseIssueMarker, renderIssue, repoPath } from "../core/render.js";
import { describeRegression, type RegressionVerdict } from "../core/regression.js";
import { reporterGroupKey } from "../core/reporter-group.js";
import { signatureAliases } from "../core/signature.js";
import { renderSuspect } from "../core/suspect.js";
import { isSameOrNewer } from "../core/version.js";
import type { ReporterApi } from "../providers/alert.js";
import { providers } from "../providers/index.js";
import type { ClockOf } from "../store/clock-store.js";
import type { CrashGroup, Job, Store } from "../store/store.js";
import { CODEOWNERS_PATHS, parseCodeowners, userOwnersOf, type CodeownersRule } from "./codeowners.js";
import { answered, readRepoFile, splitRepo, type GitHubAccess, type Octokit } from "./github.js";
import { renderRollUp, ROLLUP_MARKER, ROLLUP_TITLE } from "./rollup.js";
import { metrics } from "./metrics.js";
import { judgeRegressions } from "./regressions.js";
import type { RequestPacer } from "./pacer.js";
import { findSuspect } from "./suspect.js";
import type { RepoRouter } from "./routing.js";
import { fixedInFromComments, trustedAuthors, writtenBy, type IssueRef } from "./trust.js";

/**
 * Over 300 lines on purpose: an issue's whole life (open within the budget or roll up, find by
 * marker, reopen, refresh) shares one GitHub client per job and the per-repository caches below.
 *
 * Brings one crash group's hotfix issue up to date from the store: open it (or find the one a
 * lost store forgot, by its marker), reopen it on a regression, or refresh its counts. Each
 * call makes at most one write per real change; how often it runs is the store's schedule.
 */

export const REGRESSION_LABEL = "regression";
/** GitHub refuses more assignees than this on one issue. */
const MAX_ASSIGNEES = 10;
/** Completed contexts kept in memory, so a reporter's API is asked once per event. */
const CONTEXT_CACHE_SIZE = 500;

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

const HOUR_MS = 3_600_000;
/** How long a replica opening the roll-up issue keeps others from opening one: past it, one that died is replaced. */
const ROLLUP_OPENING_MS = 120_000;
/** The roll-up issue's key among the signatures found by marker (signatures are hex, so it cannot clash). */
const ROLLUP_KEY = "rollup";

function regressionMarker(version: string): string {
  return encodeMarker("regression", { version });
}

export class IssueSync {
  private readonly codeowners = new Map<string, Promise<CodeownersRule[]>>();
  private readonly contexts = new LRUCache<string, CrashReport>({ max: CONTEXT_CACHE_SIZE });
  private readonly markers = new Map<string, Promise<Map<string, { number: number; state: string }>>>();
  /** This process, as the opener of a roll-up issue (IssueBudget.claimRollUpOpening). */
  private readonly opener = `issue-sync-${randomUUID()}`;
  /** Roll-ups of one repository take turns, so concurrent jobs find the roll-up issue the first one opened. */
  private readonly rollUpTurns = new Map<string, Promise<void>>();

  constructor(private readonly deps: IssueSyncDeps) {}

  /** CODEOWNERS changed on the default branch. */
  forgetCodeowners(repo: string): void {
    this.codeowners.delete(repo);
  }

  async sync(job: Job): Promise<void> {
    const { store, router, github, log, pacer } = this.deps;
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
    const report = await this.withContext(group);
    // The completed report may name its release's commit (Sentry's API event does), which the judgement resolves releases with.
    if (group.state === "resolved" && config.issues.reopenOnRegression && (await judgeRegressions(this.deps, octokit, group, report, config)))
      group = (await store.getGroup(group.id)) ?? group;
    const [versions, reporterGroups] = await Promise.all([store.versionCounts(group.repo, group.signature), store.reporterGroups(group.id)]);
    // Hotfix clock (issue 11): opening or reopening the issue is a stage, shown in the body that write carries.
    const openedAt = this.deps.now();
    const clock = await store.clock.clockOf(group.id);
    const shownStages =
      group.issueNumber === null || group.regressedIn !== null ? withStage(clock.stages, "issue-opened", openedAt.toISOString()) : clock.stages;
    const rendered = renderIssue({
      report,
      signature: group.signature,
      stats: {
        events: group.events,
        users: group.users,
        versions: versions.map(({ version, count }) => ({ version, count })),
        firstSeen: group.firstSeen,
        lastSeen: group.lastSeen,
      },
      repo: group.repo,
      links: config.links,
      regressedIn: group.regressedIn ?? undefined,
      clock: renderClock(shownStages),
      reporterGroups,
    });

    let issueNumber = group.issueNumber;
    let closedOnGitHub = false;
    if (issueNumber === null) {
      // The owners are read while the issues are listed: a repository's first new issue waits on both.
      if (config.issues.codeowners) void this.codeownersOf(octokit, group.repo);
      // The reporter's groups first, as an alert is grouped: the issue of one may carry another signature.
      const keys = [...reporterGroups.map(reporterGroupKey), group.signature, ...signatureAliases(group.latest)];
      const existing = await this.findByMarker(octokit, group.repo, keys, config, job.attempts > 1);
      if (!existing) {
        if (await this.openWithinBudget(octokit, group, report, config, rendered, job.attempts > 1))
          await this.clockWritten(group.id, clock, shownStages, openedAt);
        return;
      }
      issueNumber = existing.number;
      closedOnGitHub = existing.state === "closed";
      await store.setIssue(group.id, issueNumber);
      log.info({ repo: group.repo, issue: issueNumber }, "found the hotfix issue by its marker");
    }
    const ref: IssueRef = { ...splitRepo(group.repo), issue_number: issueNumber };
    if (group.rolledUp) {
      if (group.events !== group.renderedEvents) await octokit.rest.issues.update({ ...ref, body: await this.rollUpBody(group, config) });
      await store.markRendered(group.id, group.events, this.deps.now());
      return;
    }

    let regressedIn = group.regressedIn;
    if (closedOnGitHub) {
      // The store forgot this issue was closed: learn it again, then judge the alert as the store would have.
      const fixedIn = await fixedInFromComments(octokit, ref, group.signature, trustedAuthors(await this.deps.appLogin(), config));
      const release = report.release?.trim();
      if (config.issues.reopenOnRegression && fixedIn && release && isSameOrNewer(release, fixedIn)) regressedIn = release;
      else await store.resolve(group.id, fixedIn, this.deps.now());
    }

    if (regressedIn) {
      // A reopen the store did not judge (it had forgotten the close) was judged above by version order.
      const verdict = (await store.fixes.verdictOf(group.id, regressedIn)) ?? { outcome: "back", basis: "version-order", release: regressedIn };
      await this.reopen(octokit, ref, rendered.body, verdict, group.fixedIn, await this.deps.appLogin());
      metrics.issueWritten("reopened");
    } else if (group.issueNumber !== null && group.events === group.renderedEvents && clock.lastStageId <= clock.renderedStageId) {
      return;
    } else {
      await octokit.rest.issues.update({ ...ref, body: rendered.body });
      metrics.issueWritten("updated");
    }
    await store.markRendered(group.id, group.events, this.deps.now());
    await this.clockWritten(group.id, clock, shownStages, openedAt);
  }

  /** The body now shows `shown`: records the (re)opening it showed, and how far the clock was read. */
  private async clockWritten(groupId: number, read: ClockOf, shown: StageTime[], openedAt: Date): Promise<void> {
    const { clock } = this.deps.store;
    if (shown.length > read.stages.length) await clock.recordStage(groupId, "issue-opened", openedAt);
    const after = await clock.clockOf(groupId);
    // A stage that arrived meanwhile is not in the body: leave it for the next refresh.
    await clock.markClockRendered(groupId, after.stages.length === shown.length ? after.lastStageId : read.lastStageId);
  }

  /**
   * Opens the crash's issue (true) while the repository's budget of new issues this hour lasts, else
   * counts the crash in the repository's one roll-up issue. The store's claim is exact across
   * replicas: counting the hour's issues and claiming one is a single transaction.
   */
  private async openWithinBudget(
    octokit: Octokit,
    group: CrashGroup,
    report: CrashReport,
    config: HotfixConfig,
    rendered: { title: string; body: string },
    retry: boolean,
  ): Promise<boolean> {
    const { store, now } = this.deps;
    const at = now();
    if (await store.budget.claim(group.repo, group.id, config.issues.maxNewPerHour, new Date(at.getTime() - HOUR_MS), at)) {
      await this.open(octokit, group, report, config, rendered);
      return true;
    }
    const previous = this.rollUpTurns.get(group.repo) ?? Promise.resolve();
    const turn = previous.then(() => this.rollUp(octokit, group, config, retry));
    const settled = turn.catch(() => undefined);
    this.rollUpTurns.set(group.repo, settled);
    void settled.then(() => this.rollUpTurns.get(group.repo) === settled && this.rollUpTurns.delete(group.repo));
    await turn;
    return false;
  }

  private async rollUpBody(group: CrashGroup, config: HotfixConfig): Promise<string> {
    const rolled = (await this.deps.store.rolledUpGroups(group.repo)).filter((g) => g.id !== group.id);
    return renderRollUp([...rolled, group], config.issues.maxNewPerHour);
  }

  private async rollUp(octokit: Octokit, group: CrashGroup, config: HotfixConfig, retry: boolean) {
    const { store, log, now } = this.deps;
    const known = (await store.rolledUpGroups(group.repo)).find((g) => g.issueNumber !== null)?.issueNumber;
    let number = known ?? (await this.findByMarker(octokit, group.repo, [ROLLUP_KEY], config, retry))?.number ?? null;
    const body = await this.rollUpBody(group, config);
    if (number === null) {
      // Replicas past the budget at once must open one roll-up: the others count their crash in it on their job's retry.
      if (!(await store.budget.claimRollUpOpening(group.repo, this.opener, now(), new Date(now().getTime() + ROLLUP_OPENING_MS))))
        throw new Error(`the roll-up issue of ${group.repo} is being opened by another replica: the crash is counted in it on the next attempt`);
      const labels = config.issues.labels.filter((l) => l !== "");
      // Not retried in the request, as any create: the job's retry looks for the roll-up's marker first.
      number = (await octokit.rest.issues.create({ ...splitRepo(group.repo), title: ROLLUP_TITLE, body, labels, request: { retries: 0 } })).data
        .number;
    } else {
      await octokit.rest.issues.update({ ...splitRepo(group.repo), issue_number: number, body });
    }
    await store.recordOpened(group.id, number, now(), true);
    await store.markRendered(group.id, group.events, now());
    log.warn(
      { repo: group.repo, signature: group.signature, rollUp: number, budget: config.issues.maxNewPerHour, metric: "hotfix_crashes_rolled_up_total" },
      "new-issue budget reached: the crash is counted in the roll-up issue",
    );
    this.deps.onRolledUp?.(group.repo);
  }

  private async open(octokit: Octokit, group: CrashGroup, report: CrashReport, config: HotfixConfig, rendered: { title: string; body: string }) {
    const { store, log } = this.deps;
    const severity = report.exception.handled === true ? config.issues.severityLabels.handled : config.issues.severityLabels.unhandled;
    const labels = [...new Set([...config.issues.labels, severity].filter((l) => l !== ""))];
    const found = config.issues.suspect === "off" ? null : await this.suspectOf(octokit, group.repo, report, config);
    const suspectLogin = config.issues.suspect === "assign" ? found?.suspect.login : undefined;
    const assignees = [
      ...new Set([...(await this.assigneesFor(octokit, group.repo, report, config)), ...(suspectLogin ? [suspectLogin] : [])]),
    ].slice(0, MAX_ASSIGNEES);
    const issue = { ...splitRepo(group.repo), title: rendered.title, body: rendered.body, labels };
    // Never retried inside the request: GitHub may have stored the issue and still answered 5xx.
    // The job's own retry lists the repository's issues by marker first (findByMarker), then creates.
    const once = { request: { retries: 0 } };
    let created;
    try {
      created = await octokit.rest.issues.create({ ...issue, assignees, ...once });
    } catch (error) {
      // An owner without access to the repository cannot be assigned; the issue matters more.
      if (!answered(error, 422) || assignees.length === 0) throw error;
      log.warn({ repo: group.repo, assignees, err: error }, "assignees refused; opening the issue without them");
      created = await octokit.rest.issues.create({ ...issue, ...once });
    }
    await store.recordOpened(group.id, created.data.number, this.deps.now(), false);
    await store.markRendered(group.id, group.events, this.deps.now());
    log.info({ repo: group.repo, issue: created.data.number, signature: group.signature }, "hotfix issue opened");
    metrics.issueOpened(group.firstSeen, this.deps.now());
    if (found)
      await octokit.rest.issues.createComment({
        ...splitRepo(group.repo),
        issue_number: created.data.number,
        body: renderSuspect(found.suspect, found),
      });
  }

  private async reopen(octokit: Octokit, ref: IssueRef, body: string, verdict: RegressionVerdict, fixedIn: string | null, appLogin: string) {
    await octokit.rest.issues.update({ ...ref, state: "open", body });
    await octokit.rest.issues.addLabels({ ...ref, labels: [REGRESSION_LABEL] });
    const marker = regressionMarker(verdict.release);
    // A retry after a crash must not say it twice; only the App's own comment counts as said,
    // so a comment quoting the marker cannot silence the regression.
    const own = new Set([appLogin.toLowerCase()]);
    const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...ref, per_page: 100 });
    if (comments.some((c) => writtenBy(c, own) && (c.body ?? "").includes(marker))) return;
    await octokit.rest.issues.createComment({
      ...ref,
      body: `${describeRegression(verdict, fixedIn)}\n\n${marker}`,
      // A comment is not idempotent: a retry after a lost answer would post it twice. The job's retry reads the comments first.
      request: { retries: 0 },
    });
  }

  /**
   * The issue an earlier run opened for this crash, found by one of `keys` (reporter groups, signatures)
   * in the marker in its body: the store was lost, or a run died between creating the issue and recording it. One listing of
   * the repository's hotfix issues per process serves every new crash after it; a retry lists
   * again, as its own issue may be the one that went unrecorded.
   */
  private async findByMarker(octokit: Octokit, repo: string, keys: string[], config: HotfixConfig, retry: boolean) {
    let index = retry ? undefined : this.markers.get(repo);
    if (!index) {
      index = this.listMarkers(octokit, repo, config);
      this.markers.set(repo, index);
      index.catch(() => this.markers.delete(repo));
    }
    // An issue opened under an earlier signature version carries the old key: the group's aliases find it.
    const known = await index;
    for (const key of keys) if (known.has(key)) return known.get(key)!;
    return null;
  }

  private async listMarkers(octokit: Octokit, repo: string, config: HotfixConfig): Promise<Map<string, { number: number; state: string }>> {
    // Listing is consistent right after a create, unlike search, which lags behind writes.
    const label = config.issues.labels[0];
    const pages = octokit.paginate.iterator(octokit.rest.issues.listForRepo, {
      ...splitRepo(repo),
      state: "all",
      per_page: 100,
      ...(label ? { labels: label } : {}),
    });
    // Keyed by signature and by reporter group (reporterGroupKey: JSON, so neither hex signatures nor the roll-up's key).
    const byKey = new Map<string, { number: number; state: string }>();
    for await (const { data } of pages) {
      for (const issue of data) {
        if (issue.pull_request) continue;
        const open = issue.state === "open";
        const marker = parseIssueMarker(issue.body ?? "");
        const keys = marker
          ? [marker.signature, ...markerReporterGroups(marker).map(reporterGroupKey)]
          : open && issue.body?.includes(ROLLUP_MARKER)
            ? [ROLLUP_KEY]
            : [];
        // Newest first: the first issue seen for a key is the one to keep.
        for (const key of keys) if (!byKey.has(key)) byKey.set(key, { number: issue.number, state: issue.state });
      }
    }
    return byKey;
  }

  /** A courtesy: a failed look-up opens the issue without a suspect. */
  private suspectOf(octokit: Octokit, repo: string, report: CrashReport, config: HotfixConfig) {
    return findSuspect(octokit, repo, report, config).catch((error: unknown) => {
      this.deps.log.warn({ repo, err: error }, "no suspect commit: the blame look-up failed");
      return null;
    });
  }

  private async assigneesFor(octokit: Octokit, repo: string, report: CrashReport, config: HotfixConfig): Promise<string[]> {
    const logins = config.issues.assignees.map((a) => a.replace(/^@/, "")).filter((a) => !a.includes("/"));
    if (config.issues.codeowners) {
      const crashing = report.frames.findLast((f) => f.in_app && f.file);
      const path = crashing ? repoPath(crashing, config.links) : null;
      if (path) logins.push(...userOwnersOf(await this.codeownersOf(octokit, repo), path));
    }
    return [...new Set(logins)].slice(0, MAX_ASSIGNEES);
  }

  /** CODEOWNERS is read once per repository (again after a push changes it). */
  private codeownersOf(octokit: Octokit, repo: string): Promise<CodeownersRule[]> {
    let rules = this.codeowners.get(repo);
    if (!rules) {
      rules = (async () => {
        // All three at once, the first in GitHub's order wins: a repository's first new issue waits on them.
        const texts = await Promise.all(CODEOWNERS_PATHS.map((path) => readRepoFile(octokit, repo, path)));
        const text = texts.find((t): t is string => t !== null);
        return text === undefined ? [] : parseCodeowners(text);
      })().catch((error: unknown) => {
        // Owners are a courtesy: the issue opens without them, and the next issue tries again.
        this.codeowners.delete(repo);
        this.deps.log.warn({ repo, err: error }, "CODEOWNERS could not be read");
        return [];
      });
      this.codeowners.set(repo, rules);
    }
    return rules;
  }

  /** The latest report with what its payload lacked fetched from the reporter, once per event. */
  private async withContext(group: CrashGroup): Promise<CrashReport> {
    const report = group.latest;
    if (report.gaps.length === 0) return report;
    const key = `${group.id}:${report.reporterEventId ?? group.lastSeen}`;
    const known = this.contexts.get(key);
    if (known) return known;
    let completed = report;
    try {
      completed = await providers[report.provider].completeContext(report, this.deps.reporterApis[report.provider], this.deps.fetch);
    } catch (error) {
      this.deps.log.warn({ err: error, repo: group.repo }, "context could not be completed");
    }
    this.contexts.set(key, completed);
    return completed;
  }
}
