import * as z from "zod";
import type { ProviderName } from "./crash.js";
import { neutralize } from "./markdown.js";
import { decodeMarker, encodeMarker, markerPrefix } from "./marker.js";
import { shownTime } from "./time.js";
import { formatNumber, formatProbability, percent, plural, rateScale, unitWords, type CountNote, type VerificationVerdict } from "./verify.js";
import type { MeasuredLag } from "./report-lag.js";
import { verificationChart } from "./verify-chart.js";

/**
 * The verification comment on the hotfix issue and its PR. It is sticky: the hidden
 * marker names signature and version, so a re-run (or a poll) for the same version edits
 * the comment instead of adding one, and the App can read the latest verdict back.
 */

export const VerificationMarker = z.object({
  signature: z.string().min(1),
  version: z.string().min(1),
  verdict: z.enum(["verified", "not-verified", "not-enough-data"]),
});
export type VerificationMarker = z.infer<typeof VerificationMarker>;

/**
 * The start of the marker for one signature and version, up to the verdict: the sticky
 * comment is found by it whatever verdict it showed last time.
 */
export function verificationMarkerKey(key: { signature: string; version: string }): string {
  return markerPrefix("verification", { signature: key.signature, version: key.version });
}

export function verificationMarker(marker: VerificationMarker): string {
  return encodeMarker("verification", { signature: marker.signature, version: marker.version, verdict: marker.verdict });
}

export function parseVerificationMarker(body: string): VerificationMarker | null {
  return decodeMarker("verification", body, VerificationMarker, "first");
}

const HEADINGS: Record<VerificationVerdict["verdict"], (version: string) => string> = {
  verified: (v) => `✅ Verified: the crash rate fell in ${v} (no crash seen)`,
  "not-verified": (v) => `❌ Not verified: the crash still occurs in ${v}`,
  "not-enough-data": (v) => `⏳ Not enough data yet for ${v}`,
};

export interface ReportContext {
  /** Deployment environment, e.g. "production". */
  environment?: string;
  /** The deployed commit. */
  sha?: string;
  /** The reporter groups marked fixed in the reporter after "verified" (`verify.resolveInReporter`). */
  resolvedInReporter?: { provider: ProviderName; ids: string[] };
}

const REPORTER_NAMES: Record<ProviderName, string> = { sentry: "Sentry", bugsnag: "Bugsnag", generic: "the reporter" };

/** "Resolved in Sentry in 1.4.2: issue 4509876543. …" */
function describeResolution(resolved: NonNullable<ReportContext["resolvedInReporter"]>, version: string): string {
  const name = REPORTER_NAMES[resolved.provider];
  const what = resolved.provider === "bugsnag" ? (resolved.ids.length === 1 ? "error" : "errors") : resolved.ids.length === 1 ? "issue" : "issues";
  return `Marked fixed in ${name} in ${version}: ${what} ${resolved.ids.join(", ")}. If the crash comes back, ${name} reopens it by its own regression rules; this comment does not.`;
}

/** The comment body: marker, heading, the one sentence, and the numbers behind it. */
export function renderVerification(v: VerificationVerdict, context: ReportContext = {}): string {
  const { counts } = v;
  const version = neutralize(counts.version);
  const words = unitWords(counts.exposureUnit);
  const scale = rateScale(v.rateBefore ?? v.rateNow ?? 0);
  const rate = (r: number | null) => (r === null ? "–" : formatNumber(r * scale));
  const perUnit = scale === 1 ? `per ${words.one}` : `per ${formatNumber(scale)} ${words.many}`;
  const beforeLabel = counts.before.versions.length > 0 ? `Before (${counts.before.versions.map(neutralize).join(", ")})` : "Before";
  const where = [context.environment ? `in ${neutralize(context.environment)}` : "", context.sha ? `at ${context.sha.slice(0, 7)}` : ""]
    .filter(Boolean)
    .join(" ");
  const lines = [
    verificationMarker({ signature: counts.signature, version: counts.version, verdict: v.verdict }),
    `### ${HEADINGS[v.verdict](version)}`,
    "",
    neutralize(v.sentence),
    "",
    `| | ${beforeLabel} | ${version} |`,
    "|---|---:|---:|",
    `| Crashes | ${formatNumber(counts.before.occurrences)} | ${formatNumber(counts.occurrences)} |`,
    `| ${words.many[0]?.toUpperCase()}${words.many.slice(1)} | ${formatNumber(counts.before.exposure)} | ${formatNumber(counts.exposure)} |`,
    `| Rate ${perUnit} | ${rate(v.rateBefore)} | ${rate(v.rateNow)} |`,
    "",
  ];
  const chart = verificationChart(v);
  if (chart) lines.push(chart, "");
  const facts: string[] = [];
  if (v.expected !== null) facts.push(`expected if nothing had changed: ${formatNumber(v.expected)}`);
  if (v.test !== null) facts.push(`P(≤ ${counts.occurrences} | rate unchanged) ${formatProbability(v.test.pValue)}`);
  facts.push(`confidence ${percent(v.confidence)}`);
  facts.push(`${formatNumber(Math.floor(v.window.minutes))} min counted since the deployment${where ? ` ${where}` : ""}`);
  lines.push(facts.join(" · "));
  lines.push("");
  const notes = counts.notes ?? [];
  const window = notes.some((n) => n.kind === "no-cutoff")
    ? `Counted from ${shownTime(v.window.deployedAt.toISOString())} up to now: the reporter gives totals only, so the report-lag cut-off could not be applied.`
    : `Counted from ${shownTime(v.window.deployedAt.toISOString())} to ${shownTime(v.window.until.toISOString())}` +
      // The times are ours (HTML spans neutralize would escape); the lag names the reporter's project, so it is neutralized.
      (v.measuredLag
        ? `: ${neutralize(describeLag(v.reportLagMinutes, v.measuredLag))}.`
        : v.reportLagMinutes > 0
          ? `, leaving ${plural(v.reportLagMinutes, "minute", "minutes")} for late crash reports (configured, not measured).`
          : ".");
  const resolved =
    context.resolvedInReporter && context.resolvedInReporter.ids.length > 0 ? [describeResolution(context.resolvedInReporter, counts.version)] : [];
  lines.push(`- ${window}`);
  for (const note of [...notes.flatMap(describeNote), ...resolved]) lines.push(`- ${neutralize(note)}`);
  lines.push("");
  lines.push(
    `<sub>Signature \`${counts.signature}\` from ${counts.provider}. Test: ${v.test?.name ?? "exact conditional test of two Poisson rates"}; ` +
      `"verified" needs no crash in the new version and P below ${percent(1 - v.confidence)}: it says the rate fell, not that the crash can never happen.</sub>`,
  );
  return lines.join("\n");
}

/** "reports for shop-android arrive within 47 minutes for 99% of events (the last 100); counted up to 47 minutes ago" */
export function describeLag(minutes: number, lag: MeasuredLag): string {
  const within = plural(minutes, "minute", "minutes");
  return `reports for ${lag.project} arrive within ${within} for ${percent(lag.share)} of events (the last ${plural(lag.events, "event", "events")}); counted up to ${within} ago`;
}

/** A count note as a sentence for the comment (the missing cut-off is said with the counting window). */
export function describeNote(note: CountNote): string[] {
  switch (note.kind) {
    case "left-out-without-sessions":
      return [
        `Left out of the comparison: ${note.versions.join(", ")} (crashes but no session data; counting them against zero sessions would fake a high old rate).`,
      ];
    case "events-instead-of-sessions":
      return [
        note.why === "new-release-without-sessions"
          ? "Exposure is all reported errors, not sessions: the new version has no session data yet."
          : "Exposure is all reported errors, not sessions: the reporter has no session data for these versions.",
      ];
    case "no-cutoff":
      return [];
  }
}
