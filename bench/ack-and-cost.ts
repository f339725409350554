import { measureAckFloor, printAckFloor } from "./ack-floor.js";
import { measureCost, printCost, type CostRow } from "./cost.js";
import type { StormRun } from "./storm-scenario.js";

/**
 * Issue 12's items 5 and 7 as one section, printed by `npm run bench:storm` after the storm
 * and alone by `node lib/bench-ack.js`: ack latency against the echo floor (SQLite and two
 * PostgreSQL replicas), then the cost table. `--cost 1000,10000,100000` picks the storm sizes
 * of the table (default 1,000 and 10,000; 100,000 takes about two minutes more).
 */

export function costSizes(argv: readonly string[]): number[] {
  const i = argv.indexOf("--cost");
  const list = i >= 0 ? (argv[i + 1] ?? "") : "1000,10000";
  const sizes = list.split(",").map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n <= 0))
    throw new Error(`--cost: expected storm sizes like 1000,10000,100000, got ${JSON.stringify(list)}`);
  return sizes;
}

export async function ackAndCost(run: StormRun, privateKey: string, databaseUrl: string, sizes: number[]): Promise<void> {
  console.log("");
  printAckFloor(await measureAckFloor(run, privateKey, databaseUrl), run);
  console.log("");
  const rows: CostRow[] = [];
  for (const alerts of sizes) rows.push(await measureCost(alerts, run, privateKey));
  printCost(rows, run.ratePerSecond ?? 1_000);
}
