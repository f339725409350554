import type { ProbotOctokit } from "probot";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { OutboxStatus } from "../store/store.js";

/**
 * The App's Prometheus metrics, served at GET /metrics (health.ts). One registry per process, like prom-client's
 * default one, so each place that counts needs one line and no plumbing; it is our own registry rather than
 * prom-client's global, so a library that registers metrics of its own cannot clash with ours.
 */

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

/** Why an alert was refused, from its HTTP answer: a small fixed set, so a label never carries user input. */
const REFUSALS: Record<number, string> = {
  400: "invalid_payload",
  401: "unauthenticated",
  403: "forbidden",
  404: "no_repository",
  413: "too_large",
  503: "not_stored",
};

const alerts = new Counter({
  name: "hotfix_alerts_received_total",
  help: "Crash alerts received, by provider and outcome (accepted, duplicate, refused); reason says why one was refused.",
  labelNames: ["provider", "outcome", "reason"] as const,
  registers: [registry],
});

const outboxJobs = new Gauge({ name: "hotfix_outbox_jobs", help: "Issue sync jobs waiting in the outbox, due or not.", registers: [registry] });
const outboxDueJobs = new Gauge({ name: "hotfix_outbox_due_jobs", help: "Outbox jobs due now that no worker holds.", registers: [registry] });
const outboxOldestDue = new Gauge({
  name: "hotfix_outbox_oldest_due_job_age_seconds",
  help: "How long the oldest due job has waited for a worker; 0 when none is due.",
  registers: [registry],
});
const parkedJobs = new Gauge({
  name: "hotfix_outbox_parked_jobs",
  help: "Jobs the worker gave up retrying and set aside for a person to look at.",
  registers: [registry],
});

const outboxJobRuns = new Counter({
  name: "hotfix_outbox_job_runs_total",
  help: "Outbox jobs run by this process, by outcome (done, retry).",
  labelNames: ["outcome"] as const,
  registers: [registry],
});

const githubRequests = new Counter({
  name: "hotfix_github_requests_total",
  help: "Requests to GitHub's API, by HTTP status (0: no answer).",
  labelNames: ["status"] as const,
  registers: [registry],
});
const rateLimitWaits = new Counter({
  name: "hotfix_github_rate_limit_waits_total",
  help: "Times a GitHub request waited out a rate limit, by kind (primary, secondary).",
  labelNames: ["kind"] as const,
  registers: [registry],
});

const pacerWait = new Histogram({
  name: "hotfix_github_pacer_wait_seconds",
  help: "Time each GitHub request waited for room in GitHub's secondary limits (the pacer), before it was sent.",
  // From nothing (most reads) to the hour window of content creations.
  buckets: [0.001, 0.01, 0.1, 0.5, 1, 5, 15, 30, 60, 120, 600, 3600],
  registers: [registry],
});
const refusals = new Counter({
  name: "hotfix_github_refusals_total",
  help: "Jobs GitHub refused in a way no retry changes (issues turned off, missing permission, suspended installation, repository gone, invalid), by reason; each parks its job.",
  labelNames: ["reason"] as const,
  registers: [registry],
});
const parkedByReason = new Gauge({
  name: "hotfix_outbox_parked_jobs_by_reason",
  help: "Parked jobs by reason: attempts (failed its last attempt) or the refusal that parked it.",
  labelNames: ["reason"] as const,
  registers: [registry],
});

const issues = new Counter({
  name: "hotfix_issues_total",
  help: "Hotfix issues written on GitHub, by action (opened, updated, reopened).",
  labelNames: ["action"] as const,
  registers: [registry],
});
const crashesRolledUp = new Counter({
  name: "hotfix_crashes_rolled_up_total",
  help: "Crashes counted in a repository's roll-up issue instead of an issue of their own (past issues.maxNewPerHour).",
  registers: [registry],
});
const detectionToIssue = new Histogram({
  name: "hotfix_detection_to_issue_opened_seconds",
  help: "Time from a crash's first alert to its hotfix issue being opened.",
  // From a second (the worker's poll) to a day (GitHub down overnight).
  buckets: [1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600],
  registers: [registry],
});

export const metrics = {
  /** An alert's answer: 202 accepted, 200 duplicate, anything else refused. */
  alertAnswered(provider: string, status: number, outcome: unknown): void {
    if (status === 202) alerts.inc({ provider, outcome: "accepted", reason: "" });
    else if (status === 200 && outcome === "duplicate") alerts.inc({ provider, outcome: "duplicate", reason: "" });
    else alerts.inc({ provider, outcome: "refused", reason: REFUSALS[status] ?? `http_${status}` });
  },

  outboxObserved(status: OutboxStatus, now: Date): void {
    outboxJobs.set(status.pendingJobs);
    outboxDueJobs.set(status.dueJobs);
    outboxOldestDue.set(oldestDueAgeSeconds(status, now));
    if (status.parkedJobs !== undefined) parkedJobs.set(status.parkedJobs);
  },

  jobRan(outcome: "done" | "retry"): void {
    outboxJobRuns.inc({ outcome });
  },

  githubAnswered(status: number): void {
    githubRequests.inc({ status: String(status) });
  },

  rateLimitWaited(kind: "primary" | "secondary"): void {
    rateLimitWaits.inc({ kind });
  },

  pacerWaited(ms: number): void {
    pacerWait.observe(ms / 1000);
  },

  refused(reason: string): void {
    refusals.inc({ reason });
  },

  /** Every reason the store knows, so a reason whose jobs were all taken back goes to 0 rather than keeping its last value. */
  parkedObserved(byReason: Partial<Record<string, number>>, reasons: readonly string[]): void {
    for (const reason of reasons) parkedByReason.set({ reason }, byReason[reason] ?? 0);
  },

  issueOpened(firstSeen: string, now: Date): void {
    issues.inc({ action: "opened" });
    detectionToIssue.observe(Math.max(0, (now.getTime() - Date.parse(firstSeen)) / 1000));
  },

  issueWritten(action: "updated" | "reopened"): void {
    issues.inc({ action });
  },

  crashRolledUp(): void {
    crashesRolledUp.inc();
  },
};

export function oldestDueAgeSeconds(status: OutboxStatus, now: Date): number {
  return status.oldestDueAt === null ? 0 : Math.max(0, (now.getTime() - Date.parse(status.oldestDueAt)) / 1000);
}

const countedWait =
  (kind: "primary" | "secondary", what: string) =>
  (retryAfter: number, options: { method: string; url: string }, octokit: { log: { warn(message: string): void } }) => {
    metrics.rateLimitWaited(kind);
    octokit.log.warn(`${what} hit with "${options.method} ${options.url}", retrying in ${retryAfter} seconds.`);
    return true;
  };

/** The throttling plugin's rate-limit callbacks, as Probot's own (log, then wait and retry), counted. */
export const countedRateLimitWaits = {
  onRateLimit: countedWait("primary", "Rate limit"),
  onSecondaryRateLimit: countedWait("secondary", "Secondary rate limit"),
};

/** An octokit plugin counting GitHub's answers by status; Probot's Octokit class takes it with `.plugin()`. */
export function githubRequestMetrics(octokit: Parameters<Parameters<typeof ProbotOctokit.plugin>[0]>[0]): void {
  octokit.hook.after("request", (response) => metrics.githubAnswered(response.status));
  octokit.hook.error("request", (error) => {
    const status = (error as { status?: unknown }).status;
    metrics.githubAnswered(typeof status === "number" ? status : 0);
    throw error;
  });
}
