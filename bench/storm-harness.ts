import { createHmac } from "node:crypto";

/**
 * The load side of the storm proof, shared by `npm run bench:storm` (full size) and the
 * scaled-down checks in test/proof/: N signed generic alerts over S signatures from C
 * concurrent senders, optionally paced to a target rate, recording each acknowledgement.
 */

export interface StormLoad {
  /** Alert route, e.g. http://127.0.0.1:3000/hotfix/alerts/generic/acme/game; a function spreads alerts over replicas. */
  url: string | ((i: number) => string);
  secret: string;
  alerts: number;
  /** Index of the first alert (default 0): a storm sent in rounds gives each round new alerts. */
  from?: number;
  signatures: number;
  senders: number;
  /** Alerts per second across all senders; unpaced when absent. */
  ratePerSecond?: number;
  /** Stops sending early (e.g. the process under test was killed) without failing the run. */
  signal?: AbortSignal;
  /** Release of the alerts; the default spreads them over two versions. */
  release?: (i: number) => string;
  /**
   * Keep re-sending an alert that got no answer (the App is down) for up to this long, as a
   * reporter's delivery retries would; without it such an alert is given up at once.
   */
  retryUnansweredMs?: number;
}

export interface StormResult {
  /** Acknowledgement latency of each answered alert, milliseconds. */
  latencies: number[];
  statuses: Record<number, number>;
  /** Alert indexes the App acknowledged (2xx). */
  acknowledged: number[];
  /** Requests that got no answer (connection refused or reset). */
  unanswered: number;
  elapsedMs: number;
}

/** A realistic generic alert: crash type and top frames vary by signature, line numbers and ids by alert. */
export function stormAlert(i: number, signature: number, release: string): Record<string, unknown> {
  return {
    project: "storm-game",
    eventId: `evt-${i}`,
    release,
    environment: "production",
    platform: "csharp",
    exception: { type: `NullReferenceException${signature}`, message: `Object reference not set (entity ${1000 + (i % 97)})` },
    stacktrace: {
      order: "crashing-last",
      frames: [
        { file: "Assets/Scripts/Core/GameLoop.cs", function: "GameLoop.Update", line: 40 + (i % 3), in_app: true },
        { file: `Assets/Scripts/Systems/System${signature}.cs`, function: `System${signature}.Tick`, line: 100 + (i % 7), in_app: true },
        { file: `Assets/Scripts/Gameplay/Feature${signature}.cs`, function: `Feature${signature}.Apply`, line: 20 + (i % 5), in_app: true },
      ],
    },
    breadcrumbs: Array.from({ length: 20 }, (_, b) => ({
      timestamp: new Date(1_764_000_000_000 + i * 1000 + b).toISOString(),
      category: "ui.click",
      level: "info",
      message: `tapped button ${b}`,
    })),
    device: { model: "Pixel 8", manufacturer: "Google", arch: "arm64" },
    os: { name: "Android", version: "15" },
  };
}

export function signGeneric(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const signature = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
  return { "content-type": "application/json", "x-hotfix-timestamp": String(timestamp), "x-hotfix-signature": `sha256=${signature}` };
}

export async function runStorm(load: StormLoad): Promise<StormResult> {
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  const acknowledged: number[] = [];
  let unanswered = 0;
  const from = load.from ?? 0;
  let next = from;
  const start = performance.now();
  const release = load.release ?? ((i: number) => (i % 2 === 0 ? "2.3.0" : "2.3.1"));

  async function sender(): Promise<void> {
    while (!load.signal?.aborted) {
      const i = next++;
      if (i >= from + load.alerts) return;
      if (load.ratePerSecond) {
        const due = start + ((i - from) * 1000) / load.ratePerSecond;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      const body = JSON.stringify(stormAlert(i, i % load.signatures, release(i)));
      const giveUpAt = performance.now() + (load.retryUnansweredMs ?? 0);
      for (;;) {
        const sent = performance.now();
        // Asked on every attempt: a restarted replica listens on a new port.
        const url = typeof load.url === "string" ? load.url : load.url(i);
        try {
          const res = await fetch(url, { method: "POST", headers: signGeneric(load.secret, body), body, signal: load.signal });
          await res.arrayBuffer();
          latencies.push(performance.now() - sent);
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          if (res.ok) acknowledged.push(i);
          break;
        } catch {
          if (load.signal?.aborted || performance.now() > giveUpAt) {
            unanswered++;
            break;
          }
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }
  }

  await Promise.all(Array.from({ length: load.senders }, sender));
  return { latencies, statuses, acknowledged, unanswered, elapsedMs: performance.now() - start };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}
