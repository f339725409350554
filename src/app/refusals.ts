import { RequestError } from "@octokit/request-error";
import type { Logger } from "probot";
import { refusalOf, type Refusal, type RefusalReason } from "../core/refusal.js";
import { parseRepoName } from "../github/repo-name.js";
import type { ParkedScope } from "../store/jobs.js";
import type { Store } from "../store/store.js";
import { metrics } from "./metrics.js";

/**
 * GitHub's refusals that no retry changes (core/refusal.ts) as the worker meets them: the job is
 * parked on the first such answer, said once per repository, counted; and taken back by the App
 * itself when GitHub's webhooks say the cause is gone (`heal`).
 */

/** A job's failure that is one of GitHub's refusals: the worker parks the job at once. */
export class RefusedByGitHub extends Error {
  constructor(
    readonly repo: string,
    readonly refusal: Refusal,
    options: { cause: unknown },
  ) {
    super(refusal.words, options);
  }
}

/** The refusal GitHub's answer to a job's request carries, or null when retrying may help. */
export function refusalIn(error: unknown, repo: string): RefusedByGitHub | null {
  if (!(error instanceof RequestError)) return null;
  const data = error.response?.data as { message?: unknown } | undefined;
  const refusal = refusalOf(error.status, typeof data?.message === "string" ? data.message : error.message, repo, parseRepoName(repo).owner);
  return refusal ? new RefusedByGitHub(repo, refusal, { cause: error }) : null;
}

/** Says each repository's refusal once (a warning naming what to do), and again only after the App healed it. */
export class RefusalReport {
  private readonly said = new Set<string>();

  constructor(private readonly log: Logger) {}

  parked(refused: RefusedByGitHub, job: number): void {
    const { repo, refusal } = refused;
    metrics.refused(refusal.reason);
    const key = `${repo}\n${refusal.reason}`;
    const details = { repo, job, reason: refusal.reason, metric: "hotfix_github_refusals_total" };
    if (this.said.has(key)) {
      this.log.debug(details, `sync job parked: ${refusal.words}`);
      return;
    }
    this.said.add(key);
    this.log.warn(details, `sync job parked: ${refusal.words}`);
  }

  /** The cause may be gone: a repeat is news again. */
  healed(): void {
    this.said.clear();
  }
}

/** Which webhook says which refusal's cause is gone. */
export const HEALED_BY = {
  permissionsAccepted: ["missing-permission"],
  unsuspended: ["installation-suspended"],
  repositoryAdded: ["repository-gone", "missing-permission"],
  issuesTurnedOn: ["issues-disabled"],
  configChanged: ["validation"],
} as const satisfies Record<string, readonly RefusalReason[]>;

/** Takes back the scope's jobs parked for these reasons; returns how many. */
export async function heal(
  deps: { store: Store; now: () => Date; log: Logger; report: RefusalReport; wake: () => void },
  scope: ParkedScope,
  reasons: readonly RefusalReason[],
  why: string,
): Promise<number> {
  const retried = await deps.store.jobs.retryParked(deps.now(), scope, reasons);
  if (retried === 0) return 0;
  deps.log.info({ ...scope, reasons, jobs: retried }, `${why}: ${retried} parked job(s) taken back`);
  deps.report.healed();
  deps.wake();
  return retried;
}
