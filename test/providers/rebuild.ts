import { CrashReport, type Frame } from "../../src/core/crash.js";

/**
 * The same crash as the next build of the app reports it: every line and column moved, the
 * images loaded elsewhere, another install folder, and every name a compiler, a bundler or a
 * runtime numbers or hashes renumbered (D8's synthetic lambdas, javac's anonymous classes and
 * lambdas, the JDK's lambda and accessor classes, CGLIB and Clojure classes, .NET state machines,
 * closures and display classes, Rust symbol hashes, bundle hashes). Shared by every fixture of the
 * corpus: a signature that changes under it would open a second issue for a repeat.
 */

const bump =
  (by: number) =>
  (_: string, ...groups: string[]): string =>
    groups[0]!.replace(/\d+$/, (n) => String(Number(n) + by));

const flipHex = (hex: string): string => hex.replace(/[0-9a-f]/g, (c) => ((parseInt(c, 16) + 7) % 16).toString(16));

/** [pattern, rewrite] of each name a new build changes; the pattern's first group is what changes. */
const RENUMBERED: [RegExp, (match: string, ...groups: string[]) => string][] = [
  [/(\$\$ExternalSyntheticLambda\d+)/g, bump(3)],
  [/(\$\$Lambda\$\d+)/g, bump(35)],
  [/(\$\$Lambda\/0x[0-9a-f]+)/g, (_, m: string) => m.replace(/[0-9a-f]+$/, flipHex)],
  [/(lambda\$\w+?\$\d+)/g, bump(2)],
  [/(>d__\d+)/g, bump(5)],
  [/(<>c__DisplayClass\d+)/g, bump(4)],
  [/(>b__\d+)/g, bump(1)],
  [/(\|\d+)(?=(?:_\d+)?>)/g, bump(1)],
  [/(\$\d+)(?=[.$]|$)/g, bump(1)],
  [/(CGLIB\$\$[0-9a-f]+)/g, (_, m: string) => m.replace(/[0-9a-f]+$/, flipHex)],
  [/(GeneratedMethodAccessor\d+)/g, bump(15)],
  [/(\$fn__\d+)/g, bump(100)],
  [/(::h[0-9a-f]{16})/g, (_, m: string) => `::h${flipHex(m.slice(3))}`],
  [/(\$\$InternalSyntheticLambda\$\d+\$[0-9a-f]{64})/g, (_, m: string) => m.replace(/[0-9a-f]{64}$/, flipHex)],
  [/([0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12})/gi, (_, m: string) => m.replace(/[0-9a-f]/gi, (c) => flipHex(c.toLowerCase()))],
  [/(\.[0-9a-f]{8}\.js)/g, (_, m: string) => `.${flipHex(m.slice(1, 9))}.js`],
];

function renumber(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  let out = text;
  for (const [pattern, rewrite] of RENUMBERED) out = out.replace(pattern, rewrite);
  return out;
}

const shifted = (hex: string | undefined): string | undefined => (hex === undefined ? undefined : `0x${(BigInt(hex) + 0x4000n).toString(16)}`);

function rebuiltFrame(frame: Frame): Frame {
  const out: Frame = { ...frame };
  for (const key of ["file", "function", "module", "package", "abs_path", "raw_function", "symbol"] as const) {
    if (frame[key] !== undefined) out[key] = renumber(frame[key]);
  }
  if (frame.line !== undefined && frame.line > 0) out.line = frame.line + 7;
  if (frame.column !== undefined) out.column = frame.column + 3;
  // The image loaded elsewhere: the return address moved with it, the offset into the image did not.
  if (frame.instruction_addr !== undefined && /^0x[0-9a-f]+$/i.test(frame.instruction_addr)) out.instruction_addr = shifted(frame.instruction_addr);
  return out;
}

export function rebuilt(report: CrashReport): CrashReport {
  return CrashReport.parse({
    ...report,
    release: `${report.release ?? "1.0.0"}-rebuilt`,
    frames: report.frames.map(rebuiltFrame),
    causes: report.causes.map((c) => ({ ...c, frames: c.frames.map(rebuiltFrame) })),
  });
}
