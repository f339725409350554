import * as z from "zod";

/**
 * GitHub's documented secondary rate limits, in one place for the App's pacer (app/pacer.ts) and the
 * GitHub stand-in that enforces them (demo/github-standin.ts). GitHub Enterprise Server admins can
 * change them, so the App reads other values from HOTFIX_GITHUB_CONTENT_LIMITS; the window lengths
 * are part of the values so that a proof can run the same rules on a shorter clock.
 * https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits
 */

/** At most `limit` units (requests, or points) in any `ms` milliseconds. */
export interface RequestWindow {
  limit: number;
  ms: number;
}

export interface SecondaryLimits {
  /** Content-creating requests; every window applies at once. */
  contentCreation: RequestWindow[];
  /** REST points: a GET, HEAD or OPTIONS costs 1, any other request 5. */
  points: RequestWindow[];
  /** Requests in flight at once. */
  concurrent: number;
}

export const GITHUB_SECONDARY_LIMITS: SecondaryLimits = {
  contentCreation: [
    { limit: 80, ms: 60_000 },
    { limit: 500, ms: 3_600_000 },
  ],
  points: [{ limit: 900, ms: 60_000 }],
  concurrent: 100,
};

const READS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Whether GitHub counts the request as content-creating: any write but the App's own token requests.
 * GraphQL is always posted; GitHub counts its mutations, and the App sends only queries.
 */
export function isContentCreating(method: string, path: string): boolean {
  return !READS.has(method.toUpperCase()) && !/\/access_tokens$/.test(path) && !/\/graphql$/.test(path);
}

/** The request's REST points. */
export function pointsOf(method: string): number {
  return READS.has(method.toUpperCase()) ? 1 : 5;
}

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;
const WINDOW = /^(\d+)\/(\d*)([smh])$/;
const WindowText = z
  .string()
  .transform((text) => text.replace(/\s+/g, ""))
  .pipe(z.string().regex(WINDOW, 'expected "<requests>/<length><s|m|h>", e.g. "80/1m"'))
  .transform((text): RequestWindow => {
    const [, limit, length, unit] = WINDOW.exec(text)!;
    return { limit: Number(limit), ms: Number(length || 1) * UNIT_MS[unit as keyof typeof UNIT_MS] };
  })
  .refine((w) => w.limit > 0 && w.ms > 0, "expected a positive number of requests and a positive length");

/**
 * The content-creation windows of HOTFIX_GITHUB_CONTENT_LIMITS ("80/1m,500/1h", GitHub's), the other
 * limits as GitHub's; GitHub's own when it is unset.
 */
export function secondaryLimitsFromEnv(env: Record<string, string | undefined>): SecondaryLimits {
  const raw = env.HOTFIX_GITHUB_CONTENT_LIMITS?.trim();
  if (!raw) return GITHUB_SECONDARY_LIMITS;
  const parsed = z.array(WindowText).min(1).safeParse(raw.split(","));
  if (!parsed.success) throw new Error(`HOTFIX_GITHUB_CONTENT_LIMITS: ${parsed.error.issues[0]?.message ?? "invalid"}, got ${JSON.stringify(raw)}`);
  return { ...GITHUB_SECONDARY_LIMITS, contentCreation: parsed.data };
}
