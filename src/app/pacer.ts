import type { Logger, ProbotOctokit } from "probot";
import { isContentCreating, pointsOf, type RequestWindow, type SecondaryLimits } from "../github/secondary-limits.js";
import { metrics } from "./metrics.js";

/**
 * Paces the App's GitHub requests within GitHub's secondary limits, so GitHub never has to refuse
 * one, instead of spacing every write by a fixed second or three as octokit's throttling does.
 * GitHub counts per installation, and an installation is one account: requests are paced per owner
 * of the repository they name, process-wide. A new issue goes before any other waiting write.
 *
 * Each window holds a request's units from the moment it is let go until the window's length after
 * its answer: GitHub counts the request somewhere in between, so a window that lets a request go
 * never holds more than GitHub would take, whatever the delays on the way. The concurrency limit is
 * a window of length 0 (held while in flight).
 */

/** What both pacers offer: this process's (Pacer) and the one shared through PostgreSQL (shared-pacer.ts). */
export interface RequestPacer {
  /** Sends the request when the installation's windows have room for it. */
  send<T>(method: string, path: string, request: () => Promise<T>): Promise<T>;
  /** Resolves when an edit of an issue of `repo` ("owner/name") could go now; it holds nothing. */
  room(repo: string): Promise<void>;
}

/** One of GitHub's windows and what a request costs in it. */
export interface PacedWindow {
  /** Names the window and its limits, e.g. "content 80/60000". */
  key: string;
  window: RequestWindow;
  cost: (method: string, path: string) => number;
}

/** The windows an installation's requests are paced by: content creations, REST points, requests in flight (a window of length 0). */
export function windowsOf(limits: SecondaryLimits): PacedWindow[] {
  const contentCost = (method: string, path: string) => (isContentCreating(method, path) ? 1 : 0);
  const keyed = (name: string, window: RequestWindow, cost: PacedWindow["cost"]) => ({ key: `${name} ${window.limit}/${window.ms}`, window, cost });
  return [
    ...limits.contentCreation.map((w) => keyed("content", w, contentCost)),
    ...limits.points.map((w) => keyed("points", w, pointsOf)),
    keyed("in-flight", { limit: limits.concurrent, ms: 0 }, () => 1),
  ];
}

/** GitHub counts per installation, and an installation is one account: the owner of the repository a request names. */
export const ownerOf = (path: string): string => (/\/repos\/([^/]+)\//.exec(path)?.[1] ?? "").toLowerCase();

interface Held {
  units: number;
  /** When the units come back: Infinity while the request is in flight. */
  until: number;
}

class Ledger {
  private held: Held[] = [];

  constructor(
    readonly window: RequestWindow,
    readonly cost: PacedWindow["cost"],
  ) {}

  /** Whether `units` more fit now; a request costing more than the whole window goes alone. */
  fits(units: number, now: number): boolean {
    this.held = this.held.filter((h) => h.until > now);
    const used = this.held.reduce((sum, h) => sum + h.units, 0);
    return used === 0 || used + units <= this.window.limit;
  }

  hold(units: number): Held {
    const held = { units, until: Infinity };
    this.held.push(held);
    return held;
  }

  /** The next time units come back, or Infinity when only requests in flight hold them. */
  nextReturn(): number {
    return this.held.reduce((next, h) => Math.min(next, h.until), Infinity);
  }
}

/** A new issue: the write whose delay a person waits on. */
const CREATES_ISSUE = /\/repos\/[^/]+\/[^/]+\/issues$/;
export const priorityOf = (method: string, path: string): number => (method.toUpperCase() === "POST" && CREATES_ISSUE.test(path) ? 0 : 1);

interface Waiter {
  priority: number;
  order: number;
  needs: [Ledger, number][];
  /** A probe only waits for room (IssueSync.sync reads what to write after it); it holds nothing. */
  probe: boolean;
  go(held: [Ledger, Held][]): void;
}

/** One installation's windows and the requests waiting for them. */
class Lane {
  private readonly ledgers: Ledger[];
  private readonly waiting: Waiter[] = [];
  private order = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(limits: SecondaryLimits) {
    this.ledgers = windowsOf(limits).map((w) => new Ledger(w.window, w.cost));
  }

  wait(method: string, path: string, probe: boolean): Promise<[Ledger, Held][]> {
    const needs = this.ledgers.map((l): [Ledger, number] => [l, l.cost(method, path)]).filter(([, units]) => units > 0);
    return new Promise((go) => {
      const waiter: Waiter = { priority: priorityOf(method, path), order: this.order++, needs, probe, go };
      const at = this.waiting.findIndex((w) => w.priority > waiter.priority);
      this.waiting.splice(at < 0 ? this.waiting.length : at, 0, waiter);
      this.pump();
    });
  }

  /** The answer came: the request's units come back a window's length from now. */
  answered(held: [Ledger, Held][]): void {
    const now = Date.now();
    for (const [ledger, h] of held) h.until = now + ledger.window.ms;
    this.pump();
  }

  /**
   * Lets go every waiting request that fits, in priority order. A request that does not fit blocks
   * the windows it is short of for every request behind it, so a stream of small requests cannot
   * starve a bigger or earlier one.
   */
  private pump(): void {
    const now = Date.now();
    const blocked = new Set<Ledger>();
    for (let i = 0; i < this.waiting.length;) {
      const waiter = this.waiting[i]!;
      const short = waiter.needs.filter(([ledger, units]) => blocked.has(ledger) || !ledger.fits(units, now));
      if (short.length > 0) {
        for (const [ledger] of short) blocked.add(ledger);
        i++;
        continue;
      }
      this.waiting.splice(i, 1);
      waiter.go(waiter.probe ? [] : waiter.needs.map(([ledger, units]): [Ledger, Held] => [ledger, ledger.hold(units)]));
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // Answers still in flight call pump() when they come; otherwise wake when a blocked window next gives units back.
    const next = Math.min(...[...blocked].map((l) => l.nextReturn()));
    if (Number.isFinite(next)) this.timer = setTimeout(() => this.pump(), Math.max(0, next - now));
  }
}

/** This process's pacer: the App's pace when it is the only process writing (SQLite). */
export class Pacer implements RequestPacer {
  private readonly lanes = new Map<string, Lane>();

  constructor(private readonly limits: SecondaryLimits) {}

  async send<T>(method: string, path: string, request: () => Promise<T>): Promise<T> {
    const lane = this.laneOf(ownerOf(path));
    const held = await lane.wait(method, path, false);
    try {
      return await request();
    } finally {
      lane.answered(held);
    }
  }

  async room(repo: string): Promise<void> {
    await this.laneOf(ownerOf(`/repos/${repo}/issues`)).wait("PATCH", `/repos/${repo}/issues`, true);
  }

  private laneOf(owner: string): Lane {
    let lane = this.lanes.get(owner);
    if (!lane) this.lanes.set(owner, (lane = new Lane(this.limits)));
    return lane;
  }
}

type OctokitInstance = Parameters<Parameters<typeof ProbotOctokit.plugin>[0]>[0];

/**
 * An octokit plugin sending every request through the pacer; Probot's Octokit class takes it with `.plugin()`.
 * The time each request waited for room is measured (hotfix_github_pacer_wait_seconds) and, when it waited, logged at debug.
 */
export function pacedRequests(pacer: RequestPacer, log?: Pick<Logger, "debug">) {
  return (octokit: OctokitInstance): void => {
    octokit.hook.wrap("request", (request, options) => {
      const { method, url } = octokit.request.endpoint.parse(options);
      const path = new URL(url, "https://api.github.com").pathname;
      const asked = performance.now();
      return pacer.send(method, path, async () => {
        const waitedMs = performance.now() - asked;
        metrics.pacerWaited(waitedMs);
        if (waitedMs >= 1)
          log?.debug({ method, path, waitedMs: Math.round(waitedMs) }, `${method} ${path} waited ${Math.round(waitedMs)} ms for GitHub's pace`);
        return request(options);
      });
    });
  };
}
