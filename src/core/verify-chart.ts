import { barChart, mermaidBlock } from "./charts.js";
import { neutralize } from "./markdown.js";
import { formatNumber, rateScale, unitWords, type VerificationVerdict } from "./verify.js";

/**
 * The verification comment's chart: the crash rate in the versions before the fix and in the
 * fixed version, as Mermaid bars beside the table's numbers, on the table's scale. A side
 * without a rate has no bar (a 0 bar would read as "fixed"); the caption says why, and what
 * the bars are made of.
 */
export function verificationChart(v: VerificationVerdict): string {
  if (v.rateBefore === null && v.rateNow === null) return "";
  const { counts } = v;
  const scale = rateScale(v.rateBefore ?? v.rateNow ?? 0);
  const words = unitWords(counts.exposureUnit);
  const unit = scale === 1 ? `crashes per ${words.one}` : `crashes per ${formatNumber(scale)} ${words.many}`;
  const before = counts.before.versions.length > 0 ? counts.before.versions.join(", ") : "before";
  const sides = [
    { label: before, shown: "before the fix", rate: v.rateBefore, occurrences: counts.before.occurrences, exposure: counts.before.exposure },
    { label: counts.version, shown: neutralize(counts.version), rate: v.rateNow, occurrences: counts.occurrences, exposure: counts.exposure },
  ];
  const drawn = sides.filter((s) => s.rate !== null);
  const made = sides.map((s) => `${s.shown}: ${formatNumber(s.occurrences)} crashes in ${formatNumber(s.exposure)} ${words.many}`);
  const missing = sides
    .filter((s) => s.rate === null)
    .map((s) => `no bar for ${s.shown}: ${s.exposure > 0 ? "no crash counted, so no rate to compare with" : `no ${words.many} counted yet`}`);
  const chart = barChart({
    title: "Crash rate before and after the fix",
    labels: drawn.map((s) => s.label),
    values: drawn.map((s) => s.rate! * scale),
    yLabel: unit,
  });
  const caption = `_Bars: ${unit}, from the counts in the table (${made.join("; ")})${missing.length ? `; ${missing.join("; ")}` : ""}._`;
  return `${mermaidBlock(chart)}\n\n${caption}`;
}
