import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// `npm run bench`: every bench in turn, each in a process of its own, to the end whatever one of them missed, then
// one line naming every missed goal (and any bench that failed outright), and a non-zero exit if there were any.

export interface BenchOutcome {
  name: string;
  code: number;
  /** The bench's own "<bench>: goals MISSED: …" line, when it printed one. */
  missed?: string;
}

const MISSED_LINE = /^\S+: goals MISSED: .*$/m;

/** Runs one bench, its output passed through as it comes, and keeps its missed-goals line. */
function runBench(name: string, command: string[]): Promise<BenchOutcome> {
  return new Promise((resolve) => {
    const child = spawn(command[0]!, command.slice(1), { stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      process.stdout.write(chunk);
      output += chunk.toString();
    });
    child.on("error", (error) => resolve({ name, code: 127, missed: `${name}: could not start (${error.message})` }));
    child.on("close", (code) => resolve({ name, code: code ?? 1, missed: MISSED_LINE.exec(output)?.[0] }));
  });
}

/** Every bench, in order; the closing line; the exit code (0 only when every bench ran and met every goal). */
export async function runBenches(benches: { name: string; command: string[] }[]): Promise<number> {
  const outcomes: BenchOutcome[] = [];
  for (const bench of benches) {
    console.log(`\n== ${bench.name}`);
    outcomes.push(await runBench(bench.name, bench.command));
  }
  const problems = outcomes.flatMap((o) => (o.missed ? [o.missed] : o.code !== 0 ? [`${o.name}: failed with exit code ${o.code}`] : []));
  console.log(
    problems.length === 0
      ? `\nbench: all ${outcomes.length} benches ran; every goal met`
      : `\nbench: all ${outcomes.length} benches ran; ${problems.join(" | ")}`,
  );
  return problems.length === 0 ? 0 : 1;
}

if (process.argv[1]?.endsWith("bench-all.js")) {
  const lib = dirname(fileURLToPath(import.meta.url));
  const node = (file: string, ...args: string[]) => [process.execPath, join(lib, file), ...args];
  process.exitCode = await runBenches([
    { name: "core", command: node("bench.js") },
    { name: "check (the Action)", command: node("bench-check.js") },
    { name: "verify (the verdict's simulation)", command: node("bench-verify.js") },
    { name: "bundle", command: node("bench-bundle.js") },
  ]);
}
