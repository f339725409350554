import type { ProviderName } from "../core/crash.js";
import { compareVersions } from "../core/version.js";
import type { CrashCounts, ExposureUnit } from "../core/verify.js";

export type { CrashCounts, ExposureUnit } from "../core/verify.js";

/**
 * The verify side of a crash reporter: how often one signature occurs in a version, and
 * how much that version was used (exposure), against the versions before it. One
 * implementation per reporter; all use the ApiClient in http.ts.
 */

export interface CountQuery {
  /** Our signature (the hotfix issue's marker). */
  signature: string;
  /** The deployed version, spelled as the reporter records it (Sentry release, Bugsnag app.version). */
  version: string;
  /** The reporter's project: Sentry project slug, Bugsnag project id, generic project name. */
  project?: string;
  /** The reporter's own group: Sentry issue id, Bugsnag error id. */
  reporterGroupId?: string;
  /** Versions the App saw this crash in (from the issue marker). */
  knownVersions: string[];
  /** Preferred exposure; a reporter without session data falls back to events. */
  exposure: ExposureUnit;
}

export interface CrashCountSource {
  provider: ProviderName;
  count(query: CountQuery): Promise<CrashCounts>;
}

/** Test seams and overrides shared by every source. */
export interface SourceOptions {
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

/** The versions before `version`, oldest first, without duplicates. */
export function versionsBefore(versions: Iterable<string>, version: string): string[] {
  return [...new Set(versions)].filter((v) => compareVersions(v, version) < 0).sort(compareVersions);
}

/** Sums `value` over the entries whose version is in `versions`. */
export function sumFor<T>(entries: T[], versions: string[], version: (e: T) => string, value: (e: T) => number): number {
  const wanted = new Set(versions);
  return entries.reduce((sum, e) => (wanted.has(version(e)) ? sum + value(e) : sum), 0);
}
