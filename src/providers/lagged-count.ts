import { reportLagFrom, type ReportLag } from "../core/report-lag.js";
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
