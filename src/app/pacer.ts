import type { ProbotOctokit } from "probot";
import { isContentCreating, pointsOf, type RequestWindow, type SecondaryLimits } from "../github/secondary-limits.js";

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

interface Held {
  units: number;
  /** When the units come back: Infinity while the request is in flight. */
  until: number;
}

class Ledger {
  private held: Held[] = [];

  constructor(
    readonly window: RequestWindow,
    readonly cost: (method: string, path: string) => number,
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
const priorityOf = (method: string, path: string): number => (method.toUpperCase() === "POST" && CREATES_ISSUE.test(path) ? 0 : 1);

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
    const contentCost = (method: string, path: string) => (isContentCreating(method, path) ? 1 : 0);
    this.ledgers = [
      ...limits.contentCreation.map((w) => new Ledger(w, contentCost)),
      ...limits.points.map((w) => new Ledger(w, pointsOf)),
      new Ledger({ limit: limits.concurrent, ms: 0 }, () => 1),
    ];
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

export class Pacer {
  private readonly lanes = new Map<string, Lane>();

  constructor(private readonly limits: SecondaryLimits) {}

  /** Sends the request when the installation's windows have room for it. */
  async send<T>(method: string, path: string, request: () => Promise<T>): Promise<T> {
    const lane = this.laneOf(/\/repos\/([^/]+)\//.exec(path)?.[1] ?? "");
    const held = await lane.wait(method, path, false);
    try {
      return await request();
    } finally {
      lane.answered(held);
    }
  }

  /** Resolves when an edit of an issue of `repo` ("owner/name") could go now; it holds nothing. */
  async room(repo: string): Promise<void> {
    await this.laneOf(repo.split("/")[0]!).wait("PATCH", `/repos/${repo}/issues`, true);
  }

  private laneOf(owner: string): Lane {
    const key = owner.toLowerCase();
    let lane = this.lanes.get(key);
    if (!lane) this.lanes.set(key, (lane = new Lane(this.limits)));
    return lane;
  }
}

type OctokitInstance = Parameters<Parameters<typeof ProbotOctokit.plugin>[0]>[0];

/** An octokit plugin sending every request through the pacer; Probot's Octokit class takes it with `.plugin()`. */
export function pacedRequests(pacer: Pacer) {
  return (octokit: OctokitInstance): void => {
    octokit.hook.wrap("request", (request, options) => {
      const { method, url } = octokit.request.endpoint.parse(options);
      return pacer.send(method, new URL(url, "https://api.github.com").pathname, async () => request(options));
    });
  };
}
