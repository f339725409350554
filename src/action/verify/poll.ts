import * as core from "@actions/core";
import { plural, type VerificationVerdict } from "../../core/verify.js";

/**
 * `wait`: ask again every `poll-interval` while some verdict is "not enough data yet", until
 * the next ask would pass the `wait` limit; the log says which limit ended the polling.
 */

export interface PollLimits {
  startedAt: Date;
  waitMs: number;
  intervalMs: number;
}

export async function pollVerdicts<T extends { verdict: VerificationVerdict }>(
  results: T[],
  decideAgain: (result: T) => Promise<VerificationVerdict>,
  limits: PollLimits,
  clock: { now: () => Date; sleep: (ms: number) => Promise<void> },
): Promise<void> {
  const pending = () => results.filter((r) => r.verdict.verdict === "not-enough-data");
  let polls = 0;
  while (pending().length > 0 && clock.now().getTime() + limits.intervalMs <= limits.startedAt.getTime() + limits.waitMs) {
    core.info(`Not enough data yet; asking again in ${Math.round(limits.intervalMs / 1000)} s.`);
    await clock.sleep(limits.intervalMs);
    polls++;
    for (const result of pending()) result.verdict = await decideAgain(result);
  }
  if (pending().length > 0 && limits.waitMs > 0) {
    const minutes = Math.round(limits.waitMs / 60_000);
    core.info(
      `Stopped polling: the \`wait\` limit of ${plural(minutes, "minute", "minutes")} ran out after ${plural(polls, "poll", "polls")}; still not enough data.`,
    );
  }
}
