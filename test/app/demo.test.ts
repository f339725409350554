import { afterEach, expect, it, vi } from "vitest";
import { run } from "../../src/cli/demo.js";

afterEach(() => vi.restoreAllMocks());

it("hotfix-loop demo opens an issue from the example Sentry alert and exits 0", async () => {
  const lines: string[] = [];
  vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.join(" ")));
  expect(await run([])).toBe(0);
  const out = lines.join("\n");
  expect(out).toMatch(/-> 202 \{"status":"accepted"/);
  expect(out).toMatch(/Opened acme\/shop-android#1: NullPointerException/);
  expect(out).toContain("<!-- hotfix-loop:crash ");
  expect(out).toMatch(/GitHub API calls: \d+/);
  expect(out).toContain("201 POST /repos/{owner}/{repo}/issues");
});
