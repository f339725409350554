import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CrashReport } from "../../src/core/crash.js";

/** Real stack traces from public issues (see test/fixtures/stacks/SOURCE.md). */
export interface StackFixture {
  name: string;
  source: string;
  report: CrashReport;
  /** The same crash as the next release reports it. */
  later: CrashReport;
}

interface LaterVersion {
  release: string;
  lineShift: number;
  columnShift: number;
  replace: [string, string][];
}

const dir = join(import.meta.dirname, "../fixtures/stacks");

function laterVersion(report: CrashReport, change: LaterVersion): CrashReport {
  let text = JSON.stringify({ exception: report.exception, frames: report.frames });
  for (const [from, to] of change.replace) text = text.split(from).join(to);
  const moved = JSON.parse(text) as Pick<CrashReport, "exception" | "frames">;
  return CrashReport.parse({
    ...report,
    ...moved,
    release: change.release,
    frames: moved.frames.map((f) => ({
      ...f,
      line: f.line === undefined ? undefined : f.line + change.lineShift,
      column: f.column === undefined ? undefined : f.column + change.columnShift,
    })),
  });
}

export function loadStacks(): StackFixture[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((file) => {
      const raw = JSON.parse(readFileSync(join(dir, file), "utf8")) as { source: string; report: unknown; laterVersion: LaterVersion };
      const report = CrashReport.parse(raw.report);
      return { name: file.replace(/\.json$/, ""), source: raw.source, report, later: laterVersion(report, raw.laterVersion) };
    });
}
