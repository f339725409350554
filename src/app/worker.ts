import { randomUUID } from "node:crypto";
import type { Logger } from "probot";
import type { Job, Store } from "../store/store.js";
import { metrics } from "./metrics.js";
import { RefusalReport, RefusedByGitHub } from "./refusals.js";

/**
 * The outbox worker: claims due sync jobs with a lease, so several replicas share the work and
 * a job whose worker died is picked up again, and retries failures with exponential backoff.
 */

export interface WorkerOptions {
  /** Jobs claimed (and run in parallel) per round. */
  concurrency: number;
  /** How long to sleep when no job is due; an ingest wakes the worker sooner. */
  pollIntervalMs: number;
  /** How long a claimed job is this worker's before another may take it. */
  leaseMs: number;
  /** First retry delay; doubled per attempt up to maxRetryMs. */
  retryBaseMs: number;
  maxRetryMs: number;
  /** Attempts before a failing job is parked (a poison job): it keeps its reason and is not retried again. */
  maxAttempts: number;
  /** Delivery ids older than this are forgotten (checked every PRUNE_EVERY_MS); reporters retry within hours. */
  deliveryRetentionMs: number;
  /**
   * At most this many delivery ids are kept (the oldest go first), so a storm cannot grow the
   * table past it plus one prune interval's alerts: about 140 bytes each on SQLite (npm run bench:storm), 135 MB at the cap.
   */
  maxDeliveryIds: number;
}

export const DEFAULT_WORKER_OPTIONS: WorkerOptions = {
  concurrency: 4,
  pollIntervalMs: 1_000,
  // Long enough for octokit's own retries and GitHub's write spacing.
  leaseMs: 5 * 60_000,
  retryBaseMs: 5_000,
  maxRetryMs: 30 * 60_000,
  // About three hours of retries with the backoff above: longer than GitHub's outages usually last.
  maxAttempts: 15,
  deliveryRetentionMs: 30 * 24 * 3_600_000,
  maxDeliveryIds: 1_000_000,
};

/** How often delivery ids are pruned: the bound on them is maxDeliveryIds plus the alerts of this long. */
export const PRUNE_EVERY_MS = 10 * 60_000;

export class OutboxWorker {
  readonly id = `worker-${randomUUID()}`;
  /** GitHub's refusals, said once per repository. */
  readonly refusals: RefusalReport;
  private running = false;
  private loop: Promise<void> | null = null;
  private woken = false;
  private wakeSleeper: (() => void) | null = null;

  constructor(
    private readonly store: Store,
    private readonly handle: (job: Job) => Promise<void>,
    private readonly options: WorkerOptions,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
    /** A second queue taken in the same rounds (the App's scheduled verifications); returns how many it ran. */
    private readonly alsoDue: () => Promise<number> = () => Promise.resolve(0),
  ) {
    this.refusals = new RefusalReport(log);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** New work was stored: look for it now rather than at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeSleeper?.();
  }

  /** Finishes the jobs in hand, then stops claiming. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    this.loop = null;
  }

  /** Claims one round of due jobs (and of the second queue) and runs them; returns how many it ran. */
  async runOnce(): Promise<number> {
    const jobs = await this.store.claimJobs(this.id, this.now(), this.options.concurrency, this.options.leaseMs);
    // A job may wait for GitHub's pace longer than its lease (a minute's window, or the hour's): the lease is
    // renewed while this worker lives, so only a dead worker's jobs go to another replica.
    const running = new Set(jobs.map((j) => j.id));
    const renew =
      jobs.length === 0
        ? undefined
        : setInterval(() => {
            const until = new Date(this.now().getTime() + this.options.leaseMs);
            this.store.jobs
              .renewLeases(this.id, [...running], until)
              .catch((error: unknown) => this.log.warn({ err: error }, "job leases not renewed"));
          }, this.options.leaseMs / 3);
    try {
      await Promise.all(
        jobs.map(async (job) => {
          await this.runJob(job);
          running.delete(job.id);
        }),
      );
    } finally {
      clearInterval(renew);
    }
    return jobs.length + (await this.alsoDue());
  }

  private async runJob(job: Job): Promise<void> {
    try {
      await this.handle(job);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      // No retry changes GitHub's answer: the job waits, parked, for the App to hear the cause is gone, or for a person.
      if (error instanceof RefusedByGitHub) {
        await this.store.parkJob(job, this.id, reason, this.now(), error.refusal.reason);
        this.refusals.parked(error, job.id);
        return;
      }
      if (job.attempts >= this.options.maxAttempts) {
        this.log.error(
          { err: error, job: job.id, group: job.groupId, attempts: job.attempts, reason },
          "sync job parked: it failed its last attempt",
        );
        await this.store.parkJob(job, this.id, reason, this.now());
        return;
      }
      const delay = Math.min(this.options.retryBaseMs * 2 ** job.attempts, this.options.maxRetryMs);
      this.log.warn({ err: error, job: job.id, group: job.groupId, attempts: job.attempts, retryInMs: delay }, "sync job failed; will retry");
      await this.store.retryJob(job, this.id, new Date(this.now().getTime() + delay), reason);
      metrics.jobRan("retry");
      return;
    }
    await this.store.completeJob(job, this.id);
    metrics.jobRan("done");
  }

  private async run(): Promise<void> {
    let prunedAt = 0;
    while (this.running) {
      let ran = 0;
      try {
        ran = await this.runOnce();
        const now = this.now().getTime();
        if (now - prunedAt >= PRUNE_EVERY_MS) {
          prunedAt = now;
          await this.store.pruneDeliveries(new Date(now - this.options.deliveryRetentionMs), this.options.maxDeliveryIds);
        }
      } catch (error) {
        this.log.error({ err: error }, "outbox worker round failed");
      }
      if (ran === 0 && this.running) await this.sleep();
    }
  }

  private sleep(): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeSleeper = null;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, this.options.pollIntervalMs);
      this.wakeSleeper = done;
    });
  }
}
