import { expect, it } from "vitest";
import { fuzzTheApp } from "../../bench/fuzz-scenario.js";

it("10,000 mutated, correctly signed payloads: every answer is 2xx or 4xx with a reason; no 5xx, hang or unhandled rejection", async () => {
  const figures = await fuzzTheApp(10_000, 20261125);
  expect(figures.failures).toEqual([]);
  expect(figures.unhandledRejections).toBe(0);
  // The mutations must reach both outcomes, or the proof proves nothing.
  const accepted = Object.entries(figures.statuses)
    .filter(([s]) => s.startsWith("2"))
    .reduce((n, [, c]) => n + c, 0);
  const refused = Object.entries(figures.statuses)
    .filter(([s]) => s.startsWith("4"))
    .reduce((n, [, c]) => n + c, 0);
  expect(accepted).toBeGreaterThan(500);
  expect(refused).toBeGreaterThan(500);
}, 300_000);
