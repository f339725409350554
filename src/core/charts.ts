import { revealInvisible } from "./markdown.js";

/**
 * Mermaid bar charts (`xychart-beta`), which GitHub draws in issues and comments. Labels may
 * come from webhooks or crash reporters, so they are reduced to text Mermaid's grammar cannot
 * misread: no quotes, brackets, backslashes or line breaks, and no Markdown fence.
 */

export interface BarChart {
  title: string;
  /** One label per bar, in order. */
  labels: string[];
  /** Same length as labels; NaN or negative values draw as 0. */
  values: number[];
  yLabel: string;
}

function label(text: string, limit = 40): string {
  // An invisible character shows as its code point ("<U+200D>", its brackets then spaces), as everywhere else.
  const clean = revealInvisible(text)
    // ";" too: Mermaid reads "#35;" as a character code. Inside the fenced block GitHub links no "@team" or "#12".
    .replace(/["`\\[\]{}<>;\r\n\t]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return clean.length > limit ? `${clean.slice(0, limit - 1)}…` : clean || "–";
}

/** Plain decimal notation Mermaid's number grammar accepts (no exponent), at most 4 significant digits. */
function number(value: number): string {
  if (!Number.isFinite(value) || value <= 0) return "0";
  const rounded = Number(value.toPrecision(4));
  if (rounded < 1e-6) return "0";
  const text = rounded.toFixed(Math.max(0, 4 - Math.floor(Math.log10(rounded)) - 1));
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}

/** The chart as a Mermaid `xychart-beta` block body (without the fence). */
export function barChart(chart: BarChart): string {
  const top = Math.max(0, ...chart.values.filter(Number.isFinite));
  return [
    "xychart-beta",
    `  title "${label(chart.title, 100)}"`,
    `  x-axis [${chart.labels.map((l) => `"${label(l)}"`).join(", ")}]`,
    `  y-axis "${label(chart.yLabel)}" 0 --> ${number(top > 0 ? top * 1.1 : 1)}`,
    `  bar [${chart.values.map(number).join(", ")}]`,
  ].join("\n");
}

/** The chart fenced for Markdown. */
export function mermaidBlock(diagram: string): string {
  return ["```mermaid", diagram, "```"].join("\n");
}
