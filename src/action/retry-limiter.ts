import { setTimeout as sleep } from "node:timers/promises";

/** A `failed` listener of plugin-throttling or plugin-retry: how many ms to wait before sending a request again, or nothing. */
type RetryListener = (error: unknown, info: { args: unknown[]; retryCount: number }) => Promise<number | undefined> | number | undefined;

/**
 * The part of Bottleneck that the Octokit plugins' retries use, without Bottleneck's timer ticks (about 5 ms a schedule,
 * paid by every request: plugin-retry schedules each one on a Bottleneck of its own). It limits nothing: it runs the task
 * at once and, when it fails, again after the wait a `failed` listener names, until no listener names one. It is
 * plugin-throttling's `retryLimiter` (createGitHub) and, in the bundle, the Bottleneck plugin-retry imports (src/action/bundle-swaps.mjs).
 */
export default class RetryLimiter {
  private readonly listeners: RetryListener[] = [];

  on(event: string, listener: RetryListener): void {
    if (event === "failed") this.listeners.push(listener);
  }

  async schedule<T>(task: (...args: unknown[]) => Promise<T>, ...args: unknown[]): Promise<T> {
    for (let retryCount = 0; ; retryCount++) {
      try {
        return await task(...args);
      } catch (error) {
        const waits = await Promise.all(this.listeners.map(async (listener) => listener(error, { args, retryCount })));
        const wait = waits.find((ms) => typeof ms === "number");
        if (wait === undefined) throw error;
        await sleep(wait);
      }
    }
  }
}
