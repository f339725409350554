import type { Logger } from "probot";
import type { HotfixConfig } from "../core/config.js";
import type { CrashReport } from "../core/crash.js";
import { renderSuspect } from "../core/suspect.js";
import type { CrashGroup, Store } from "../store/store.js";
import type { Assigner } from "./assigner.js";
import { answered } from "../github/not-found.js";
import { parseRepoName } from "../github/repo-name.js";
import type { Octokit } from "./github.js";
import { metrics } from "./metrics.js";

/**
 * Opens a crash group's hotfix issue: labelled with `issues.labels` and the crash's severity,
 * assigned (assigner.ts), recorded in the store, and followed by the suspect commit's comment.
 */

export interface IssueOpenerDeps {
  store: Store;
  log: Logger;
  now: () => Date;
  assigner: Assigner;
}

export async function openIssue(
  deps: IssueOpenerDeps,
  octokit: Octokit,
  group: CrashGroup,
  report: CrashReport,
  config: HotfixConfig,
  rendered: { title: string; body: string },
): Promise<void> {
  const { store, log, now } = deps;
  const severity = report.exception.handled === true ? config.issues.severityLabels.handled : config.issues.severityLabels.unhandled;
  const labels = [...new Set([...config.issues.labels, severity].filter((l) => l !== ""))];
  const { assignees, suspect } = await deps.assigner.assign(octokit, group.repo, report, config);
  const issue = { ...parseRepoName(group.repo), title: rendered.title, body: rendered.body, labels };
  // Never retried inside the request: GitHub may have stored the issue and still answered 5xx.
  // The job's own retry lists the repository's issues by marker first (issue-index.ts), then creates.
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
  await store.recordOpened(group.id, created.data.number, now(), false);
  await store.markRendered(group.id, group.events, now());
  log.info({ repo: group.repo, issue: created.data.number, signature: group.signature }, "hotfix issue opened");
  metrics.issueOpened(group.firstSeen, now());
  if (suspect)
    await octokit.rest.issues.createComment({
      ...parseRepoName(group.repo),
      issue_number: created.data.number,
      body: renderSuspect(suspect.suspect, suspect),
    });
}
