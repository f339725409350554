/**
 * How late crash reports arrive, measured from the reporter instead of assumed. A web app's
 * reports arrive in seconds, a mobile app's at the next launch, hours later: one fixed lag
 * either delays every web verdict by hours or counts a mobile release before its crashes are in.
 *
 * The lag is a high quantile of recent delays (received − occurred), rounded up to whole
 * minutes and bounded: at least a minute (clocks and ingestion are not instant), at most three
 * days (a reporter's backlog is not a release's lag). With too few events to say, the
 * configured lag is used and the verdict says so.
 */

/** The share of events whose delay the lag covers. */
export const LAG_SHARE = 0.99;
/** Fewer recent events than this give no quantile worth trusting. */
export const MIN_LAG_EVENTS = 20;
export const LAG_BOUNDS_MINUTES = { min: 1, max: 3 * 24 * 60 } as const;

export interface MeasuredLag {
  /** Events the delays were measured on. */
  events: number;
  /** The share of them that arrived within the lag. */
  share: number;
  /** The reporter's name for the project measured, e.g. "shop-android". */
  project: string;
}

export interface ReportLag {
  minutes: number;
  /** Null when the reporter could not say and the configured lag is used. */
  measured: MeasuredLag | null;
}

/** One event's occurrence and arrival as the reporter records them. */
export interface ReportTimes {
  occurredAt: Date;
  receivedAt: Date;
}

/** The nearest-rank quantile of `values` (sorted or not); NaN when empty. */
export function quantile(values: number[], share: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))] ?? Number.NaN;
}

/**
 * The report lag from recent events, or the configured one when there are too few. A delay
 * below zero (a device clock ahead of the reporter's) counts as zero.
 */
export function reportLagFrom(times: ReportTimes[], project: string, configuredMinutes: number): ReportLag {
  const delays = times
    .map((t) => (t.receivedAt.getTime() - t.occurredAt.getTime()) / 60_000)
    .filter(Number.isFinite)
    .map((d) => Math.max(0, d));
  if (delays.length < MIN_LAG_EVENTS) return { minutes: configuredMinutes, measured: null };
  const minutes = Math.min(LAG_BOUNDS_MINUTES.max, Math.max(LAG_BOUNDS_MINUTES.min, Math.ceil(quantile(delays, LAG_SHARE))));
  return { minutes, measured: { events: delays.length, share: LAG_SHARE, project } };
}
