import type { SecondaryLimits } from "../github/secondary-limits.js";
import type { PaceNeed, SharedPace } from "../store/pace.js";
import { ownerOf, priorityOf, windowsOf, type PacedWindow, type RequestPacer } from "./pacer.js";

/**
 * GitHub's pace shared by every replica on one PostgreSQL: the windows of pacer.ts, held in the
 * database (store/pace.ts), so N replicas together send what one App may. Within a replica the
 * waiting requests keep the in-process pacer's order (a new issue first, then by arrival), and a
 * request short of one window does not hold back those that need only others. Between replicas,
 * room goes to whichever asks first once it returns: each asks when the database says it may.
 */

/** A hold outlives its request by this much only when its replica died with the request in flight. */
const IN_FLIGHT_MS = 120_000;

interface Waiter {
  priority: number;
  order: number;
  needs: PaceNeed[];
  probe: boolean;
  go(holds: number[]): void;
  fail(error: unknown): void;
}

class SharedLane {
  private readonly waiting: Waiter[] = [];
  private order = 0;
  private pumping = false;
  private again = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly owner: string,
    private readonly pace: SharedPace,
    private readonly windows: PacedWindow[],
  ) {}

  wait(method: string, path: string, probe: boolean): Promise<number[]> {
    const needs = this.windows
      .map((w): PaceNeed => ({ window: w.key, limit: w.window.limit, ms: w.window.ms, units: w.cost(method, path) }))
      .filter((n) => n.units > 0);
    return new Promise((go, fail) => {
      const waiter: Waiter = { priority: priorityOf(method, path), order: this.order++, needs, probe, go, fail };
      const at = this.waiting.findIndex((w) => w.priority > waiter.priority);
      this.waiting.splice(at < 0 ? this.waiting.length : at, 0, waiter);
      void this.pump();
    });
  }

  async answered(holds: number[]): Promise<void> {
    await this.pace.answered(holds);
    void this.pump();
  }

  /** Asks the database for room for each waiting request in order; one pass at a time, again when something changed meanwhile. */
  private async pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    let wakeInMs = Infinity;
    try {
      do {
        this.again = false;
        wakeInMs = Infinity;
        const blocked = new Set<string>();
        for (const waiter of [...this.waiting]) {
          if (waiter.needs.some((n) => blocked.has(n.window))) continue;
          let take;
          try {
            take = await this.pace.take(this.owner, waiter.needs, { probe: waiter.probe, inFlightMs: IN_FLIGHT_MS });
          } catch (error) {
            // The store is out of reach: the request fails like any other, and its job is retried.
            this.remove(waiter);
            waiter.fail(error);
            continue;
          }
          if (take.taken) {
            this.remove(waiter);
            waiter.go(take.holds);
          } else {
            for (const window of take.short) blocked.add(window);
            wakeInMs = Math.min(wakeInMs, take.waitMs);
          }
        }
      } while (this.again);
    } finally {
      this.pumping = false;
    }
    if (this.waiting.length > 0 && Number.isFinite(wakeInMs)) this.timer = setTimeout(() => void this.pump(), wakeInMs);
  }

  private remove(waiter: Waiter): void {
    const at = this.waiting.indexOf(waiter);
    if (at >= 0) this.waiting.splice(at, 1);
  }
}

export class SharedPacer implements RequestPacer {
  private readonly lanes = new Map<string, SharedLane>();
  private readonly windows: PacedWindow[];

  constructor(
    private readonly pace: SharedPace,
    limits: SecondaryLimits,
  ) {
    this.windows = windowsOf(limits);
  }

  async send<T>(method: string, path: string, request: () => Promise<T>): Promise<T> {
    const lane = this.laneOf(ownerOf(path));
    const holds = await lane.wait(method, path, false);
    try {
      return await request();
    } finally {
      // Not waited for: the answer is the caller's now. A failed release leaves the holds to run out by themselves (IN_FLIGHT_MS).
      void lane.answered(holds).catch(() => undefined);
    }
  }

  async room(repo: string): Promise<void> {
    const path = `/repos/${repo}/issues`;
    await this.laneOf(ownerOf(path)).wait("PATCH", path, true);
  }

  private laneOf(owner: string): SharedLane {
    let lane = this.lanes.get(owner);
    if (!lane) this.lanes.set(owner, (lane = new SharedLane(owner, this.pace, this.windows)));
    return lane;
  }
}
