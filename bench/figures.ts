/**
 * One way for every benchmark to print a figure: its value, what it is measured against (a floor, a
 * peer or a baseline, measured in the same run), the ratio, and the goal with "met" or "MISSED".
 * `summary()` ends a bench with the goals it missed, so no missed goal hides in a table.
 */

export interface Against {
  kind: "floor" | "peer" | "baseline";
  /** What the reference is, e.g. "echo server, same load generator" or "6 round trips x 100 ms". */
  label: string;
  value: number;
}

export interface Figure {
  name: string;
  value: number;
  /** "ms", "reports/s", "KB", ... */
  unit: string;
  against?: Against;
  /** The goal in words ("<= 1.5x the floor") and whether this run met it. */
  goal?: { text: string; met: boolean };
  /** Anything else a reader needs to trust the number. */
  note?: string;
}

const missed: string[] = [];

const number = (value: number): string =>
  Number.isInteger(value) ? value.toLocaleString("en-US") : value.toLocaleString("en-US", { maximumFractionDigits: value < 10 ? 2 : 1 });

/** The middle of repeated measurements (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** value / against, as "1.95x"; "n/a" when the reference is zero or missing. */
export function ratio(value: number, against: number | undefined): string {
  return against === undefined || against === 0 || !Number.isFinite(against) ? "n/a" : `${(value / against).toFixed(2)}x`;
}

/** Remembers a missed goal that is not one figure (a cell of a grid, say) for summary(). */
export function missedGoal(text: string): void {
  missed.push(text);
}

/** Prints one figure on one line and remembers a missed goal for summary(). */
export function figure(f: Figure): void {
  const parts = [`${f.name}: ${number(f.value)} ${f.unit}`];
  if (f.against) parts.push(`${f.against.kind} ${number(f.against.value)} ${f.unit} (${f.against.label}), ratio ${ratio(f.value, f.against.value)}`);
  if (f.goal) {
    parts.push(`goal ${f.goal.text}: ${f.goal.met ? "met" : "MISSED"}`);
    if (!f.goal.met) missed.push(`${f.name} (${number(f.value)} ${f.unit}; goal ${f.goal.text})`);
  }
  if (f.note) parts.push(f.note);
  console.log(`  ${parts.join(" | ")}`);
}

/**
 * The goals this process missed, said plainly; call once at the end of a bench. A missed goal makes the exit
 * code 1 once the bench has printed everything (bench/all.ts runs the next bench all the same).
 */
export function summary(bench: string): void {
  console.log(missed.length === 0 ? `${bench}: every goal met` : `${bench}: goals MISSED: ${missed.join("; ")}`);
  if (missed.length > 0) process.exitCode = 1;
}
