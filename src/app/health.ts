import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "probot";
import { ParkReason } from "../store/jobs.js";
import type { OutboxStatus, Store } from "../store/store.js";
import { metrics, oldestDueAgeSeconds, registry } from "./metrics.js";

/**
 * Health for operators, beside the App's other routes:
 *   GET /healthz   the process is alive (a container's HEALTHCHECK, a liveness probe)
 *   GET /readyz    the store answers and the outbox is moving: 503 when the oldest due job has waited longer than
 *                  HOTFIX_READY_MAX_OUTBOX_AGE_SECONDS (default 600), i.e. issues have silently stopped being written
 *   GET /metrics   Prometheus text (metrics.ts)
 * The outbox is also watched every 30 s without anyone asking, so a stall or parked jobs are logged (once per
 * condition, and once more when it clears) even where nothing polls /readyz.
 */

const WATCH_EVERY_MS = 30_000;

export interface HealthOptions {
  store: Store;
  /** HOTFIX_READY_MAX_OUTBOX_AGE_SECONDS: /readyz fails when a due job has waited longer. */
  maxOutboxAgeSeconds: number;
  now: () => Date;
  log: Logger;
}

export interface Health {
  /** For Probot's `addHandler`: answers the three paths, leaves everything else to the next handler. */
  routes: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  /** Stops the background watch. */
  stop: () => void;
}

type Readiness = { ready: true; outbox: OutboxStatus } | { ready: false; reasons: string[]; outbox?: OutboxStatus };

export function createHealth(options: HealthOptions): Health {
  const { store, now, log } = options;
  const maxAge = options.maxOutboxAgeSeconds;
  const standing = new Set<string>();
  /** Parked jobs were seen at the last check: their reasons are read until the gauges are back at 0. */
  let parkedSeen = false;

  /** Logs an error when a condition starts and a note when it ends, never again while it stands. */
  const condition = (name: string, holds: boolean, details: Record<string, unknown>, message: string) => {
    if (holds && !standing.has(name)) {
      standing.add(name);
      log.error(details, message);
    } else if (!holds && standing.delete(name)) {
      log.info({ condition: name }, `${name}: cleared`);
    }
  };

  const check = async (): Promise<Readiness> => {
    const at = now();
    let outbox: OutboxStatus;
    try {
      outbox = await store.outboxStatus(at);
    } catch (error) {
      const reason = `store: not reachable (${(error as Error).message})`;
      condition("store-unreachable", true, { err: error }, `${reason}: alerts cannot be stored and issues are not being written`);
      return { ready: false, reasons: [reason] };
    }
    condition("store-unreachable", false, {}, "");
    metrics.outboxObserved(outbox, at);
    if ((outbox.parkedJobs ?? 0) > 0 || parkedSeen) {
      // The reasons are a detail of the figure already read: a failure to read them leaves the gauges as they were.
      const byReason = await store.jobs.parkedByReason().catch(() => null);
      if (byReason) metrics.parkedObserved(byReason, ParkReason.options);
      parkedSeen = (outbox.parkedJobs ?? 0) > 0;
    }
    const age = oldestDueAgeSeconds(outbox, at);
    const stalled = age > maxAge;
    condition(
      "outbox-stalled",
      stalled,
      { dueJobs: outbox.dueJobs, oldestDueAgeSeconds: Math.round(age), limitSeconds: maxAge },
      `outbox stalled: ${outbox.dueJobs} due job(s), the oldest waiting ${Math.round(age)} s (over ${maxAge} s): hotfix issues are not being written`,
    );
    const parked = outbox.parkedJobs ?? 0;
    condition(
      "jobs-parked",
      parked > 0,
      { parkedJobs: parked },
      `${parked} outbox job(s) parked, after repeated failures or refused by GitHub: hotfix-loop jobs --parked says why`,
    );
    if (stalled) return { ready: false, reasons: [`outbox: the oldest due job has waited ${Math.round(age)} s, over ${maxAge} s`], outbox };
    return { ready: true, outbox };
  };

  // Checks never throw: a failing store is a condition like any other.
  const watch = setInterval(() => void check(), WATCH_EVERY_MS);
  watch.unref();

  return {
    routes: async (req, res) => {
      const { pathname } = new URL(req.url ?? "/", "http://app.invalid");
      if (pathname !== "/healthz" && pathname !== "/readyz" && pathname !== "/metrics") return false;
      if (req.method !== "GET" && req.method !== "HEAD") {
        res
          .writeHead(405, { "content-type": "application/json", allow: "GET, HEAD" })
          .end(JSON.stringify({ error: `${req.method} is not allowed here; use GET` }));
        return true;
      }
      if (pathname === "/healthz") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "alive" }));
        return true;
      }
      const readiness = await check();
      if (pathname === "/readyz") {
        const body = readiness.ready
          ? { status: "ready", outbox: readiness.outbox }
          : { status: "unready", reasons: readiness.reasons, outbox: readiness.outbox };
        res.writeHead(readiness.ready ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify(body));
        return true;
      }
      res.writeHead(200, { "content-type": registry.contentType }).end(await registry.metrics());
      return true;
    },
    stop: () => clearInterval(watch),
  };
}
