import { describe, expect, it } from "vitest";
import { until } from "./harness.js";

describe("until, the tests' wait", () => {
  it("answers the probe's first truthy value", async () => {
    let calls = 0;
    expect(await until("the third call", () => ++calls >= 3 && calls)).toBe(3);
  });

  it("fails at its own deadline, naming what it waited for", async () => {
    const started = performance.now();
    await expect(until("the issue to open", () => false, 100)).rejects.toThrow("waited 0.1 s for the issue to open, in vain");
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
