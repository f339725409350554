import type { CrashReport } from "./crash.js";
import { cell, clean, codeSpan, tableRow } from "./markdown.js";

/**
 * The "Device and app" and "Tags" sections: what on-call looks for to reproduce a crash.
 * A row whose value is unknown is left out rather than shown empty or as zero.
 */

const MAX_TAGS = 30;
/** Tags every issue already shows elsewhere (summary rows) or that say nothing about the crash. */
const SHOWN_ELSEWHERE = new Set([
  "release",
  "environment",
  "level",
  "transaction",
  "url",
  "handled",
  "mechanism",
  "os",
  "os.name",
  "device",
  "browser",
  "runtime",
  "runtime.name",
  "browser.name",
  "device.family",
  "os.rooted",
]);

const join = (...parts: (string | undefined)[]) => parts.filter((p) => p && p.trim()).join(" ");

export function renderContext(report: CrashReport): string {
  const rows: string[] = [];
  const add = (label: string, value: string | undefined) => {
    const shown = cell(value);
    if (shown) rows.push(tableRow(label, shown));
  };
  const d = report.device;
  if (d) {
    const model = join(d.manufacturer, d.model ?? d.family);
    add("Device", d.name && d.name !== model && d.name !== d.model ? `${model ? `${model}, ` : ""}named ${d.name}` : model);
    add("Architecture", d.arch);
    add("Memory", d.memory);
    add("Orientation", d.orientation);
    add("Locale", d.locale);
  }
  add("OS", report.os && join(report.os.name, report.os.version, report.os.build ? `(${report.os.build})` : undefined));
  add("Browser", report.browser && join(report.browser.name, report.browser.version));
  const runtime = report.runtime && join(report.runtime.name, report.runtime.version);
  // Android and iOS reporters name the OS again as the runtime: said once.
  if (!report.os || runtime !== join(report.os.name, report.os.version)) add("Runtime", runtime);
  const app = report.app;
  add("App", app && join(app.name, app.version, app.build ? `(build ${app.build})` : undefined));
  add("Platform", report.platform);
  const sections: string[] = [];
  if (rows.length) sections.push(["### Device and app", "", "| | |", "|---|---|", ...rows].join("\n"));

  const tags = Object.entries(report.tags ?? {}).filter(([key, value]) => value !== "" && !SHOWN_ELSEWHERE.has(key));
  if (tags.length) {
    const tagRows = tags.slice(0, MAX_TAGS).map(([key, value]) => `| ${codeSpan(clean(key, 100), true)} | ${cell(value)} |`);
    if (tags.length > MAX_TAGS) tagRows.push(`| | and ${tags.length - MAX_TAGS} more |`);
    sections.push(["### Tags", "", "| Tag | Value |", "|---|---|", ...tagRows].join("\n"));
  }
  return sections.join("\n\n");
}
