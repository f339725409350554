import { markerReporterGroups, type IssueMarker } from "../core/marker.js";
import { reportLagFrom, type ReportLag } from "../core/report-lag.js";
import { decideVerification, type ExposureUnit, type VerificationVerdict, type VerifyPolicy } from "../core/verify.js";
import { ProviderApiError } from "./http.js";
import type { CountQuery, CrashCountSource, CrashCounts } from "./query.js";

/**
 * The counts for a verdict, cut off at the report lag: measured from the reporter's recent
 * events unless the caller fixes it (an Action input, a CLI flag), the configured lag when the
 * reporter cannot say. The Action, the CLI and the App count through here.
 */

export interface LagChoice {
  /** Used when the reporter cannot say (config `verify.reportLagMinutes`). */
  configuredMinutes: number;
  /** Set by the caller for this run: no measurement. */
  fixedMinutes?: number;
}

export async function measureReportLag(source: CrashCountSource, query: Omit<CountQuery, "until">, lag: LagChoice): Promise<ReportLag> {
  if (lag.fixedMinutes !== undefined) return { minutes: lag.fixedMinutes, measured: null };
  if (!source.reportTimes) return { minutes: lag.configuredMinutes, measured: null };
  try {
    const { project, times } = await source.reportTimes(query);
    return reportLagFrom(times, project, lag.configuredMinutes);
  } catch (error) {
    // A reporter that will not list events (a plan without Discover, a token without the scope) still counts: the configured lag stands in.
    // A wrong token (401) is no such case: the count would fail on it too, so it is said at once.
    if (error instanceof ProviderApiError && (error.status === 400 || error.status === 403 || error.status === 404)) {
      return { minutes: lag.configuredMinutes, measured: null };
    }
    throw error;
  }
}

export async function countPastLag(
  source: CrashCountSource,
  query: Omit<CountQuery, "until">,
  lag: LagChoice,
  now: Date,
): Promise<{ counts: CrashCounts; reportLag: ReportLag }> {
  const reportLag = await measureReportLag(source, query, lag);
  const counts = await source.count({ ...query, until: new Date(now.getTime() - reportLag.minutes * 60_000) });
  return { counts, reportLag };
}

/** The count query for a hotfix issue's crash in a deployed version, from the issue's marker. */
export function hotfixQuery(marker: IssueMarker, version: string, exposure: ExposureUnit): Omit<CountQuery, "until"> {
  return {
    signature: marker.signature,
    version,
    project: marker.project,
    reporterGroups: markerReporterGroups(marker),
    seenIn: marker.versions,
    exposure,
  };
}

/** One look by the Action or the App: the counts past the report lag, and the decision on them at `at`. */
export async function lookAt(
  source: CrashCountSource,
  query: Omit<CountQuery, "until">,
  policy: Omit<VerifyPolicy, "reportLagMinutes" | "measuredLag">,
  lag: LagChoice,
  deployed: Date,
  at: Date,
): Promise<VerificationVerdict> {
  // A deployment time a little ahead of the clock (clock skew) counts as now.
  const deployedAt = deployed.getTime() > at.getTime() ? at : deployed;
  const { counts, reportLag } = await countPastLag(source, query, lag, at);
  return decideVerification(counts, { ...policy, reportLagMinutes: reportLag.minutes, measuredLag: reportLag.measured }, deployedAt, at);
}
