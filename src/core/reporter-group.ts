import * as z from "zod";
import { ProviderName, type CrashReport } from "./crash.js";

/**
 * The reporter's own group of a crash (a Sentry issue, a Bugsnag error, the generic format's
 * `fingerprint`): the first key a hotfix issue is found by, before our signature (docs/grouping.md).
 * A reporter group is named by its reporter, the project its id is unique in, and the id, so
 * ids of two reporters, or two projects of one, never meet.
 */

export const ReporterGroup = z.object({
  provider: ProviderName,
  /** The project the id is unique in; absent where the id is unique across the reporter (Sentry issue ids). */
  project: z.string().min(1).optional(),
  id: z.string().min(1),
});
export type ReporterGroup = z.infer<typeof ReporterGroup>;

/**
 * Whether a reporter's group ids are only unique within a project. Sentry numbers its issues
 * across the whole installation (its API finds one by organization and id alone), so a project
 * renamed or seen by slug in one alert and by number in another still names one issue. Bugsnag's
 * API finds an error only under its project; a generic fingerprint is the user's own text, which
 * two applications may share, as Sentry's fingerprints apply within one project.
 */
const PER_PROJECT: Record<ProviderName, boolean> = { sentry: false, bugsnag: true, generic: true };

export function reporterGroup(provider: ProviderName, project: string | undefined, id: string): ReporterGroup {
  return PER_PROJECT[provider] && project ? { provider, project, id } : { provider, id };
}

/** The report's reporter group, or null when its reporter sent none. */
export function reporterGroupOf(report: Pick<CrashReport, "provider" | "project" | "reporterGroupId">): ReporterGroup | null {
  const id = report.reporterGroupId?.trim();
  return id ? reporterGroup(report.provider, report.project?.trim() || undefined, id) : null;
}

/** One text per reporter group, for maps and caches; JSON, so no id can forge another's key. */
export function reporterGroupKey(group: ReporterGroup): string {
  return JSON.stringify([group.provider, group.project ?? "", group.id]);
}
