import { afterEach, expect, it, vi } from "vitest";
import { run } from "../../src/cli/demo.js";
import { gitOnPath } from "../../src/demo/fast-lane.js";
import { mermaidBlocks, parseMermaid } from "../mermaid.js";

afterEach(() => vi.restoreAllMocks());

it("hotfix-loop demo continues past the issue: fix PR, check, merge, the fast lane, deployment and verification, then prints the clock and the board", async () => {
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
  expect(clock).toMatch(/\| Fix PR opened \| .* \| 40 min \| PR #3 \|/);
  expect(clock).toMatch(/\| Verified \| .* \| 2 h \| version `com\.example\.shop@4\.12\.2` \|/);
  const board = out.slice(out.indexOf("acme/shop-android#2: Hotfix board"));
  if (await gitOnPath()) {
    // The fast lane (issue 25): the fix merged into release/4.12 is ported onto main and its deploy dispatched by the
    // Action's steps, the board lists the port while it is open, and the clock shows it merged.
    for (const line of [
      "port to main: opened #4",
      "pull_request (port PR opened) -> 200",
      'the board lists it under "Ports still open": issue #1, hotfix PR #3, port PR #4 onto `main`',
      "pull_request (port PR merged) -> 200",
    ]) {
      expect(out).toContain(line);
    }
    expect(out).toMatch(
      /deploy: deploy\.yml dispatched at release\/4\.12, version [0-9a-f]{7}: https:\/\/github\.com\/acme\/shop-android\/actions\/runs\/\d+/,
    );
    expect(clock).toMatch(/\| Ported \| .* \| 1 h 5 min \| PR #4 \|/);
    expect(clock).toMatch(/\| Deployed \| .* \| 45 min \| production, version `com\.example\.shop@4\.12\.2` \|/);
    expect(board).toContain("| Merged → Ported | 1 h 5 min (p90 1 h 5 min) |");
    // Merged by the end: no port waits.
    expect(board).not.toContain("### Ports still open");
  } else {
    expect(out).toContain("git is not on PATH: the fast lane's port to main and deploy dispatch were skipped.");
  }
  expect(board).toContain("| Hotfixes verified | 1 | 1 |");
  expect(board).toContain("None: every hotfix is verified.");
  const blocks = mermaidBlocks(out);
  expect(blocks.length).toBeGreaterThanOrEqual(3);
  for (const block of blocks) await parseMermaid(block);
});

it("hotfix-loop demo without git on PATH says so, skips the fast lane and runs the rest of the loop", async () => {
  const lines: string[] = [];
  vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.join(" ")));
  const path = process.env.PATH;
  process.env.PATH = "";
  try {
    expect(await gitOnPath()).toBe(false);
    expect(await run([])).toBe(0);
  } finally {
    process.env.PATH = path;
  }
  const out = lines.join("\n");
  expect(out).toContain("git is not on PATH: the fast lane's port to main and deploy dispatch were skipped.");
  expect(out).not.toContain("fast lane (the Action");
  expect(out).toMatch(/\| Deployed \| .* \| 45 min \| production/);
  expect(out).toMatch(/\| Verified \| .* \| 2 h \|/);
});
