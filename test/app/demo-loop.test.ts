import { afterEach, expect, it, vi } from "vitest";
import { run } from "../../src/cli/demo.js";
import { mermaidBlocks, parseMermaid } from "../mermaid.js";

afterEach(() => vi.restoreAllMocks());

it("hotfix-loop demo continues past the issue: fix PR, check, merge, deployment and verification, then prints the clock and the board", async () => {
  const lines: string[] = [];
  vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.join(" ")));
  expect(await run([])).toBe(0);
  const out = lines.join("\n");
  for (const event of [
    "pull_request (fix PR opened)",
    "check_run (hotfix check passed)",
    "pull_request (merged)",
    "deployment_status (deployed to production)",
    "issue_comment (verification: verified)",
  ]) {
    expect(out).toMatch(new RegExp(`\\d\\d:\\d\\d  ${event.replace(/[()]/g, "\\$&")} -> 200`));
  }
  const clock = out.slice(out.indexOf("acme/shop-android#1, its clock:"), out.indexOf("acme/shop-android#2: Hotfix board"));
  expect(clock).toContain("**Detection → verified:");
  expect(clock).toMatch(/\| Fix PR opened \| .* \| 40 min \| PR #2 \|/);
  expect(clock).toMatch(/\| Verified \| .* \| 2 h \| version `com\.example\.shop@4\.12\.2` \|/);
  const board = out.slice(out.indexOf("acme/shop-android#2: Hotfix board"));
  expect(board).toContain("| Hotfixes verified | 1 | 1 |");
  expect(board).toContain("None: every hotfix is verified.");
  const blocks = mermaidBlocks(out);
  expect(blocks.length).toBeGreaterThanOrEqual(3);
  for (const block of blocks) await parseMermaid(block);
});
