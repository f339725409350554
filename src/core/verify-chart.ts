import { barChart, mermaidBlock } from "./charts.js";
import { formatNumber, rateScale, unitWords, type VerificationVerdict } from "./verify.js";

/**
 * The verification comment's chart: the crash rate in the versions before the fix and in the
 * fixed version, as Mermaid bars beside the table's numbers, on the table's scale.
 */
export function verificationChart(v: VerificationVerdict): string {
  if (v.rateBefore === null && v.rateNow === null) return "";
  const { counts } = v;
  const scale = rateScale(v.rateBefore ?? v.rateNow ?? 0);
  const words = unitWords(counts.exposureUnit);
  const before = counts.before.versions.length > 0 ? counts.before.versions.join(", ") : "before";
  return mermaidBlock(
    barChart({
      title: "Crash rate before and after the fix",
      labels: [before, counts.version],
      values: [(v.rateBefore ?? 0) * scale, (v.rateNow ?? 0) * scale],
      yLabel: scale === 1 ? `crashes per ${words.one}` : `crashes per ${formatNumber(scale)} ${words.many}`,
    }),
  );
}
