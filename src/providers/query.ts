import type { ProviderName } from "../core/crash.js";
import type { ReportTimes } from "../core/report-lag.js";
import type { ReporterGroup } from "../core/reporter-group.js";
import { compareVersions, isVersion } from "../core/version.js";
import type { CountNote, CrashCounts, ExposureUnit } from "../core/verify.js";

export type { CountNote, CrashCounts, ExposureUnit } from "../core/verify.js";

/**
 * The verify side of a crash reporter: how often one signature occurs in a version, and
 * how much that version was used (exposure), against the versions before it. One
 * implementation per reporter; all use the ApiClient in http.ts and the rules below, so the
 * three reporters choose "before" and match exposure the same way.
 */

export interface CountQuery {
  /** Our signature (the hotfix issue's marker). */
  signature: string;
  /** The deployed version, spelled as the reporter records it (Sentry release, Bugsnag app.version). */
  version: string;
  /** The reporter's project: Sentry project slug, Bugsnag project id, generic project name. */
  project?: string;
  /**
   * The reporter's own groups attached to the hotfix issue (Sentry issues, Bugsnag errors): the crash's
   * occurrences are their sum per release. A source reads those of its own reporter.
   */
  reporterGroups?: ReporterGroup[];
  /** Versions the crash is known to have occurred in (the hotfix issue's marker): where "before" starts. */
  seenIn?: string[];
  /** The versions before the fix, when the caller names them (`--before`); else every release since the crash first appeared. */
  before?: string[];
  /** Preferred exposure; a reporter without session data falls back to events. */
  exposure: ExposureUnit;
  /** Count only what happened before this time (the report-lag cut-off); reporters with totals only say so in a note. */
  until?: Date;
}

export interface CrashCountSource {
  provider: ProviderName;
  count(query: CountQuery): Promise<CrashCounts>;
  /**
   * When recent events of the query's project occurred and arrived, newest arrivals first, for
   * measuring the report lag; absent where the reporter does not record both.
   */
  reportTimes?(query: CountQuery): Promise<{ project: string; times: ReportTimes[] }>;
  /**
   * Closes the loop in the reporter after "verified": every reporter group of the query is marked
   * fixed in `query.version`. Returns the ids it marked; absent where the reporter has no such state.
   */
  resolveFixed?(query: CountQuery): Promise<string[]>;
}

/** Test seams and overrides shared by every source. */
export interface SourceOptions {
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

/** The query lacks what the reporter needs (an id the hotfix issue's marker or the flags must give). */
export class CountQueryError extends Error {}

/** The version asked for is not one the reporter knows: the message lists those it does. */
export class UnknownReleaseError extends Error {
  constructor(
    readonly provider: string,
    readonly version: string,
    readonly known: string[],
  ) {
    const suffix = (r: string) => r.slice(r.lastIndexOf("@") + 1);
    const likely = known.filter((r) => r !== version && (suffix(r) === suffix(version) || suffix(r).split("+")[0] === suffix(version)));
    const hint = likely.length > 0 ? ` Did you mean ${likely.map((r) => `"${r}"`).join(" or ")}?` : "";
    const list =
      known.length === 0
        ? "it knows none yet"
        : `it knows ${known.slice(0, 20).join(", ")}${known.length > 20 ? ` and ${known.length - 20} more` : ""}`;
    super(`${provider} has no release "${version}": ${list}.${hint} Give the version as the reporter names its releases.`);
    this.name = "UnknownReleaseError";
  }
}

/** A release as the reporter lists it; `firstSeen` orders names that are not versions (git SHAs). */
export interface Release {
  version: string;
  firstSeen?: string | null;
}

/** Versions compare as versions; a name that is not a version (a git SHA) orders by when the reporter first saw it. */
export function compareReleases(a: Release, b: Release): number {
  if (isVersion(a.version) && isVersion(b.version)) return compareVersions(a.version, b.version);
  const byDate = (a.firstSeen ?? "").localeCompare(b.firstSeen ?? "");
  return byDate !== 0 ? byDate : a.version.localeCompare(b.version);
}

/**
 * The releases the new one is compared with: the caller's list when given; else every release
 * older than the new one from the first in which the crash was seen. Releases where it was not
 * seen count too: leaving them out would inflate the old rate and fake "verified".
 */
export function releasesBefore(provider: string, releases: Release[], version: string, crashed: Set<string>, explicit?: string[]): string[] {
  requireRelease(provider, releases, version);
  const current = releases.find((r) => r.version === version) ?? { version };
  // A reporter may list one version more than once (Bugsnag: per release stage); the earliest sighting orders it.
  const unique = [
    ...new Map(
      [...releases]
        .sort(compareReleases)
        .reverse()
        .map((r) => [r.version, r]),
    ).values(),
  ];
  const older = unique.filter((r) => r.version !== version && compareReleases(r, current) < 0).sort(compareReleases);
  if (explicit && explicit.length > 0) {
    const wanted = new Set(explicit);
    return older.filter((r) => wanted.has(r.version)).map((r) => r.version);
  }
  const first = older.findIndex((r) => crashed.has(r.version));
  return first < 0 ? [] : older.slice(first).map((r) => r.version);
}

/** Throws UnknownReleaseError naming the reporter unless `version` is among `releases`. */
export function requireRelease(provider: string, releases: Release[], version: string): void {
  if (!releases.some((r) => r.version === version)) {
    const newestFirst = [...releases].sort((a, b) => compareReleases(b, a)).map((r) => r.version);
    throw new UnknownReleaseError(provider, version, newestFirst);
  }
}

/** The ids of the query's reporter groups of `provider`, each with its project (the query's where the group names none). */
export function groupsOf(query: CountQuery, provider: ProviderName): { project: string | undefined; id: string }[] {
  const groups = (query.reporterGroups ?? []).filter((g) => g.provider === provider);
  return [
    ...new Map(groups.map((g) => [`${g.project ?? query.project ?? ""}\n${g.id}`, { project: g.project ?? query.project, id: g.id }])).values(),
  ];
}

/** `fn` of each item, one after the other: a reporter's rate limit is per token, so requests go in turn. */
export async function inTurn<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) out.push(await fn(item));
  return out;
}

/** Per-release counts of several groups or projects added up. */
export function sumByRelease(maps: Map<string, number>[]): Map<string, number> {
  const total = new Map<string, number>();
  for (const map of maps) for (const [release, n] of map) total.set(release, (total.get(release) ?? 0) + n);
  return total;
}

/** The sum of a per-release count over `versions`. */
export function sumOver(counts: Map<string, number>, versions: string[]): number {
  return versions.reduce((sum, v) => sum + (counts.get(v) ?? 0), 0);
}

/** The counts of one query from per-release occurrences and exposure: the new release against `before`. */
export function countsByRelease(args: {
  provider: ProviderName;
  signature: string;
  version: string;
  occurrences: Map<string, number>;
  exposure: Map<string, number>;
  unit: ExposureUnit;
  before: string[];
  notes: CountNote[];
}): CrashCounts {
  const { occurrences, exposure, before } = args;
  return {
    provider: args.provider,
    signature: args.signature,
    version: args.version,
    occurrences: occurrences.get(args.version) ?? 0,
    exposure: exposure.get(args.version) ?? 0,
    exposureUnit: args.unit,
    before: { occurrences: sumOver(occurrences, before), exposure: sumOver(exposure, before), versions: before },
    notes: args.notes,
  };
}

export interface MatchedExposure {
  unit: ExposureUnit;
  /** The before-releases kept in the comparison. */
  before: string[];
  notes: CountNote[];
}

/**
 * Chooses an exposure both sides have. Sessions only when the new release has session data;
 * an earlier release with crashes but no sessions is left out (counting its crashes against
 * zero sessions would fake a huge old rate). Otherwise events for all.
 */
export function matchExposure(args: {
  preferred: ExposureUnit;
  version: string;
  before: string[];
  sessions: (release: string) => number;
  occurrences: (release: string) => number;
}): MatchedExposure {
  if (args.preferred === "events") return { unit: "events", before: args.before, notes: [] };
  const withSessions = args.before.filter((r) => args.sessions(r) > 0);
  if (args.sessions(args.version) <= 0) {
    const why = withSessions.length > 0 ? "new-release-without-sessions" : "no-session-data";
    return { unit: "events", before: args.before, notes: [{ kind: "events-instead-of-sessions", why }] };
  }
  const leftOut = args.before.filter((r) => args.sessions(r) <= 0 && args.occurrences(r) > 0);
  return {
    unit: "sessions",
    before: withSessions,
    notes: leftOut.length > 0 ? [{ kind: "left-out-without-sessions", versions: leftOut }] : [],
  };
}
