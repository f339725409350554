import { describe, expect, it } from "vitest";
import { CONFIDENCE, formatGrid, simulateGrid } from "../../bench/verify-simulation.js";

// The promise of the verdict, over seeded histories (bench/verify-simulation.ts; `npm run bench` prints a larger grid):
// when the crash is unfixed, "verified" in at most 1 − confidence of runs, in every cell; a true fix at high traffic is verified in ≥ 95%.
describe("verdicts keep their stated confidence", () => {
  const results = simulateGrid(2000, 7);

  it.each(results.filter((r) => !r.fixed).map((r) => [r.cell.name, r] as const))("unfixed, %s: false verified ≤ 1 − confidence", (_name, r) => {
    expect(r.verified / r.runs).toBeLessThanOrEqual(1 - CONFIDENCE);
  });

  it.each(results.filter((r) => r.fixed && r.cell.highTraffic).map((r) => [r.cell.name, r] as const))(
    "fixed at high traffic, %s: verified in ≥ 95%",
    (_name, r) => {
      expect(r.verified / r.runs).toBeGreaterThanOrEqual(0.95);
    },
  );

  it("never says verified with thin history and no more exposure than before", () => {
    const thin = results.find((r) => r.fixed && r.cell.name === "thin: ~1 before, 1× after");
    expect(thin?.verified).toBe(0);
    expect(formatGrid(results)).not.toMatch(/FALSE VERIFIED|MISSED/);
  });
});
