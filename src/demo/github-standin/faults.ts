import type { InjectedFault } from "./types.js";

/** Faults GitHub really answers with when a limit is hit, to inject with the stand-in's `inject(route, fault)`. */

export const RATE_LIMIT_DOCS = "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api";

/** GitHub's answer when a secondary rate limit is hit (403 or 429 with `retry-after`), as its docs show it. */
export const secondaryRateLimit = (times: number, retryAfterSeconds: number, status: 403 | 429 = 403): InjectedFault => ({
  status,
  times,
  headers: { "retry-after": String(retryAfterSeconds), "x-ratelimit-remaining": "4000" },
  message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
});

/** The primary limit: no requests left until `x-ratelimit-reset`. */
export const primaryRateLimit = (times: number, resetInSeconds: number): InjectedFault => ({
  status: 403,
  times,
  headers: { "x-ratelimit-limit": "1000", "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(Math.ceil(Date.now() / 1000) + resetInSeconds) },
  message: "API rate limit exceeded for installation ID 1.",
});
