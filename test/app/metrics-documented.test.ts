import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { registry } from "../../src/app/metrics.js";

// Operators build dashboards and alerts from the metric names the README and docs/ give: each must be one the App serves.

const ROOT = join(import.meta.dirname, "../..");
const documents = [
  "README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

/** Every `hotfix_…` metric a document names, with the documents that name it. */
function namedMetrics(): Map<string, string[]> {
  const named = new Map<string, string[]>();
  for (const path of documents) {
    for (const [name] of readFileSync(join(ROOT, path), "utf8").matchAll(/\bhotfix_[a-z_]+/g)) {
      // Histograms are documented by their series too (`_bucket`, `_sum`, `_count`): the metric is the base name.
      const base = name.replace(/_(bucket|sum|count)$/, "");
      named.set(base, [...(named.get(base) ?? []), path]);
    }
  }
  return named;
}

describe("the metrics the documents name", () => {
  const named = namedMetrics();

  it("are found in the documents (the grep reads them)", () => {
    expect(named.has("hotfix_crashes_rolled_up_total")).toBe(true);
    expect(named.size).toBeGreaterThan(5);
  });

  it.each([...named].map(([name, paths]) => [name, paths.join(", ")]))("%s (named in %s) is in the App's registry", (name) => {
    expect(registry.getSingleMetric(name), `${name} is documented but src/app/metrics.ts does not register it`).toBeDefined();
  });
});
