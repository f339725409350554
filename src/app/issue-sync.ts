import type { Logger } from "probot";
import { DEFAULT_CONFIG, type HotfixConfig } from "../core/config.js";
import { CrashReport } from "../core/crash.js";
import { encodeMarker } from "../core/marker.js";
import { neutralize, parseIssueMarker, renderIssue, repoPath } from "../core/render.js";
import { signatureAliases } from "../core/signature.js";
import { renderSuspect } from "../core/suspect.js";
import { compareVersions } from "../core/version.js";
import { parseVerificationMarker } from "../core/verify-report.js";
import { providers } from "../providers/index.js";
import type { CrashGroup, Job, Store } from "../store/store.js";
import { CODEOWNERS_PATHS, parseCodeowners, userOwnersOf, type CodeownersRule } from "./codeowners.js";
import { readRepoFile, splitRepo, statusOf, type GitHubAccess, type Octokit } from "./github.js";
import { findSuspect } from "./suspect.js";
import type { RepoRouter } from "./routing.js";

/**
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
  env: Record<string, string | undefined>;
  fetch?: typeof fetch;
  now: () => Date;
  log: Logger;
}

type IssueRef = { owner: string; repo: string; issue_number: number };

/** "1.4.3" reads as "v1.4.3"; "my-app@1.4.3" or "v1.4.3" stay as they are. */
function displayVersion(version: string): string {
  return /^\d/.test(version) ? `v${version}` : version;
}

function regressionMarker(version: string): string {
  return encodeMarker("regression", { version });
}

/** The version the fix shipped in, from the latest verification comment for this signature (one comments read). */
export async function fixedInFromComments(octokit: Octokit, ref: IssueRef, signature: string): Promise<string | null> {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...ref, per_page: 100 });
  let version: string | null = null;
  for (const comment of comments) {
    // Anyone can comment: only a bot's (the verify Action's) or a maintainer's verdict may move the fix version.
    const trusted = comment.user?.type === "Bot" || TRUSTED_ASSOCIATIONS.has(comment.author_association);
    const marker = trusted ? parseVerificationMarker(comment.body ?? "") : null;
    if (marker?.signature === signature && marker.verdict === "verified") version = marker.version;
  }
  return version;
}

const TRUSTED_ASSOCIATIONS = new Set(["OWNER", "MEMBER", "COLLABORATOR"]);

/** The group's latest report; rows written before a field existed lack it, and the schema's defaults fill it in. */
function latestOf(group: CrashGroup): CrashReport {
  return CrashReport.safeParse(group.latest).data ?? group.latest;
}

export class IssueSync {
  private readonly codeowners = new Map<string, Promise<CodeownersRule[]>>();
  private readonly contexts = new Map<string, CrashReport>();
  private readonly markers = new Map<string, Promise<Map<string, { number: number; state: string }>>>();

  constructor(private readonly deps: IssueSyncDeps) {}

  /** CODEOWNERS changed on the default branch. */
  forgetCodeowners(repo: string): void {
    this.codeowners.delete(repo);
  }

  async sync(job: Job): Promise<void> {
    const { store, router, github, log } = this.deps;
    const group = await store.getGroup(job.groupId);
    if (!group) return;
    const installationId = await router.installationOf(group.repo, group.installationId);
    if (installationId === null) {
      log.warn({ repo: group.repo }, "the App is no longer installed: the hotfix issue is left as it is");
      return;
    }
    const config = (await router.configOf(group.repo)) ?? DEFAULT_CONFIG;
    const octokit = await github.asInstallation(installationId);
    const report = await this.withContext(group);
    const versions = await store.versionCounts(group.repo, group.signature);
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
    });

    let issueNumber = group.issueNumber;
    let closedOnGitHub = false;
    if (issueNumber === null) {
      const existing = await this.findByMarker(octokit, group, config, job.attempts > 1);
      if (!existing) {
        await this.open(octokit, group, report, config, rendered);
        return;
      }
      issueNumber = existing.number;
      closedOnGitHub = existing.state === "closed";
      await store.setIssue(group.id, issueNumber);
      log.info({ repo: group.repo, issue: issueNumber }, "found the hotfix issue by its marker");
    }
    const ref: IssueRef = { ...splitRepo(group.repo), issue_number: issueNumber };

    let regressedIn = group.regressedIn;
    if (closedOnGitHub) {
      // The store forgot this issue was closed: learn it again, then judge the alert as the store would have.
      const fixedIn = await fixedInFromComments(octokit, ref, group.signature);
      const release = report.release?.trim();
      if (config.issues.reopenOnRegression && fixedIn && release && compareVersions(release, fixedIn) >= 0) regressedIn = release;
      else await store.resolve(group.id, fixedIn);
    }

    if (regressedIn) {
      await this.reopen(octokit, ref, rendered.body, regressedIn, group.fixedIn);
    } else if (group.issueNumber !== null && group.events === group.renderedEvents) {
      return;
    } else {
      await octokit.rest.issues.update({ ...ref, body: rendered.body });
    }
    await store.markRendered(group.id, group.events, this.deps.now());
  }

  private async open(octokit: Octokit, group: CrashGroup, report: CrashReport, config: HotfixConfig, rendered: { title: string; body: string }) {
    const { store, log } = this.deps;
    const severity = report.exception.handled === true ? config.issues.severityLabels.handled : config.issues.severityLabels.unhandled;
    const labels = [...new Set([...config.issues.labels, severity].filter((l) => l !== ""))];
    const found = config.issues.suspect === "off" ? null : await this.suspectOf(octokit, group.repo, report, config);
    const suspectLogin = config.issues.suspect === "assign" ? found?.suspect.login : undefined;
    const assignees = [...new Set([...(await this.assigneesFor(octokit, group.repo, report, config)), ...(suspectLogin ? [suspectLogin] : [])])].slice(0, MAX_ASSIGNEES);
    const issue = { ...splitRepo(group.repo), title: rendered.title, body: rendered.body, labels };
    let created;
    try {
      created = await octokit.rest.issues.create({ ...issue, assignees });
    } catch (error) {
      // An owner without access to the repository cannot be assigned; the issue matters more.
      if (statusOf(error) !== 422 || assignees.length === 0) throw error;
      log.warn({ repo: group.repo, assignees, err: error }, "assignees refused; opening the issue without them");
      created = await octokit.rest.issues.create(issue);
    }
    await store.setIssue(group.id, created.data.number);
    await store.markRendered(group.id, group.events, this.deps.now());
    log.info({ repo: group.repo, issue: created.data.number, signature: group.signature }, "hotfix issue opened");
    if (found) await octokit.rest.issues.createComment({ ...splitRepo(group.repo), issue_number: created.data.number, body: renderSuspect(found.suspect, found) });
  }

  private async reopen(octokit: Octokit, ref: IssueRef, body: string, version: string, fixedIn: string | null) {
    await octokit.rest.issues.update({ ...ref, state: "open", body });
    await octokit.rest.issues.addLabels({ ...ref, labels: [REGRESSION_LABEL] });
    const marker = regressionMarker(version);
    // A retry after a crash must not say it twice.
    const { data: comments } = await octokit.rest.issues.listComments({ ...ref, per_page: 100 });
    if (comments.some((c) => (c.body ?? "").includes(marker))) return;
    const fixed = fixedIn ? `, after the fix in ${neutralize(displayVersion(fixedIn))}` : "";
    await octokit.rest.issues.createComment({
      ...ref,
      body: `**Regressed in ${neutralize(displayVersion(version))}**: this crash happened again${fixed}.\n\n${marker}`,
    });
  }

  /**
   * The issue an earlier run opened for this signature, found by the marker in its body: the
   * store was lost, or a run died between creating the issue and recording it. One listing of
   * the repository's hotfix issues per process serves every new crash after it; a retry lists
   * again, as its own issue may be the one that went unrecorded.
   */
  private async findByMarker(octokit: Octokit, group: CrashGroup, config: HotfixConfig, retry: boolean) {
    let index = retry ? undefined : this.markers.get(group.repo);
    if (!index) {
      index = this.listMarkers(octokit, group.repo, config);
      this.markers.set(group.repo, index);
      index.catch(() => this.markers.delete(group.repo));
    }
    // An issue opened under an earlier signature version carries the old key: the group's aliases find it.
    const known = await index;
    for (const key of [group.signature, ...signatureAliases(latestOf(group))]) if (known.has(key)) return known.get(key)!;
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
    const bySignature = new Map<string, { number: number; state: string }>();
    for await (const { data } of pages) {
      for (const issue of data) {
        if (issue.pull_request) continue;
        const signature = parseIssueMarker(issue.body ?? "")?.signature;
        // Newest first: the first issue seen for a signature is the one to keep.
        if (signature && !bySignature.has(signature)) bySignature.set(signature, { number: issue.number, state: issue.state });
      }
    }
    return bySignature;
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
        for (const path of CODEOWNERS_PATHS) {
          const text = await readRepoFile(octokit, repo, path);
          if (text !== null) return parseCodeowners(text);
        }
        return [];
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
    const report = latestOf(group);
    if (report.gaps.length === 0) return report;
    const key = `${group.id}:${report.reporterEventId ?? group.lastSeen}`;
    const known = this.contexts.get(key);
    if (known) return known;
    let completed = report;
    try {
      completed = await providers[report.provider].completeContext(report, this.deps.env, this.deps.fetch);
    } catch (error) {
      this.deps.log.warn({ err: error, repo: group.repo }, "context could not be completed");
    }
    if (this.contexts.size >= CONTEXT_CACHE_SIZE) this.contexts.delete(this.contexts.keys().next().value!);
    this.contexts.set(key, completed);
    return completed;
  }
}
