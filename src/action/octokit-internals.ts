import RetryLimiter from "./retry-limiter.js";

/**
 * Where the Action leans on its dependencies' internals for speed, in one place, each held against the installed
 * packages by test/action/octokit-internals.test.ts, which names the assumption an upgrade broke:
 * - at run time, the throttling groups below, handed to @octokit/plugin-throttling in place of its Bottleneck groups;
 * - at build time, the modules the bundle swaps inside third-party packages (undici, Bottleneck in plugin-retry):
 *   src/action/bundle-swaps.mjs, a list build.mjs reads (plain JavaScript: the build runs without a TypeScript loader).
 */

/**
 * The groups plugin-throttling reads from its `throttle` option and the Action answers without Bottleneck. Each
 * Bottleneck schedule waits out four timer ticks (submit, register, run, free), about 5 ms, which every group a
 * request passes added to it (a GraphQL read or a write passed three: 14 ms against 0.7 ms without). This client has
 * at most 32 requests out (FILE_PAGES_IN_FLIGHT), so reads need no queue (`global`, 10 at once by default); `write`
 * and `notifications` only space the starts of writes (1 s and 3 s apart by default, which this client does not
 * want: see createGitHub), and the check awaits each write before the next.
 */
export const THROTTLING_GROUPS = ["global", "write", "notifications"] as const;

/**
 * The plugin's other groups, left to it: `auth` serves token exchanges and `search` the search API, neither of which
 * the Action calls, so their Bottleneck groups are made but never scheduled on.
 */
export const THROTTLING_GROUPS_LEFT = ["auth", "search"] as const;

/** What plugin-throttling calls on a group: `group.key(id).schedule(options, task, ...args)`, as Bottleneck.Group answers it. */
export interface ThrottlingGroup {
  key(id: string): { schedule<T>(options: unknown, task: (...args: unknown[]) => T, ...args: unknown[]): T };
}

/** A group that runs each task at once: no queue, no spacing, no timer. */
export const straightThrough: ThrottlingGroup = {
  key: () => ({ schedule: (_options, task, ...args) => task(...args) }),
};

/**
 * The `throttle` options that replace the plugin's limiters: the groups above and a retry limiter without
 * Bottleneck's ticks. A record of its own: the plugin's option types name Bottleneck's classes.
 */
export function unthrottledGroups(): Record<string, unknown> {
  return {
    ...Object.fromEntries(THROTTLING_GROUPS.map((name) => [name, straightThrough])),
    retryLimiter: new RetryLimiter(),
  };
}
