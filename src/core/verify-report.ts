import { z } from "zod";
import { neutralize } from "./markdown.js";
import { decodeMarker, encodeMarker, markerPrefix } from "./marker.js";
import { formatNumber, formatProbability, rateScale, unitWords, type Verdict } from "./verify.js";

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

const HEADINGS: Record<Verdict["verdict"], (version: string) => string> = {
  verified: (v) => `✅ Verified: the crash stopped in ${v}`,
  "not-verified": (v) => `❌ Not verified: the crash still occurs in ${v}`,
  "not-enough-data": (v) => `⏳ Not enough data yet for ${v}`,
};

export interface ReportContext {
  /** Deployment environment, e.g. "production". */
  environment?: string;
  /** The deployed commit. */
  sha?: string;
}

/** The comment body: marker, heading, the one sentence, and the numbers behind it. */
export function renderVerification(v: Verdict, context: ReportContext = {}): string {
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
  const facts: string[] = [];
  if (v.expected !== null) facts.push(`expected at the old rate: ${formatNumber(v.expected)}`);
  if (v.probability !== null) facts.push(`P(≤ ${counts.occurrences} | unfixed) ${formatProbability(v.probability)}`);
  facts.push(`confidence ${formatNumber(v.confidence * 100)}%`);
  facts.push(`${formatNumber(Math.floor(v.minutesSinceDeploy))} min since the deployment${where ? ` ${where}` : ""}`);
  lines.push(facts.join(" · "));
  lines.push("");
  lines.push(
    `<sub>Signature \`${counts.signature}\` from ${counts.provider}. Crashes are modelled as a Poisson process over ${words.many}; ` +
      `a verdict needs the observation to be less likely than ${formatNumber((1 - v.confidence) * 100)}% if the crash were unfixed.</sub>`,
  );
  return lines.join("\n");
}
