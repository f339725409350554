import { afterEach, describe, expect, it, vi } from "vitest";
import { runBenches } from "../../bench/all.js";

// Benches stood in for by tiny processes that print as the real ones do: a missed goal, a crash, a clean run.
const bench = (name: string, script: string) => ({ name, command: [process.execPath, "-e", script] });

afterEach(() => vi.restoreAllMocks());

describe("npm run bench (bench/all.ts)", () => {
  it("runs every bench past a missed goal and a failure, then names them and exits non-zero", async () => {
    const printed: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void printed.push(args.join(" ")));
    const code = await runBenches([
      bench(
        "core",
        `console.log("  signature + render: 9,000 reports/s | goal >= 0.6x the floor: MISSED"); console.log("core: goals MISSED: signature + render (9,000 reports/s; goal >= 0.6x the floor)"); process.exitCode = 1;`,
      ),
      bench("check", `throw new Error("no Node 24")`),
      bench("bundle", `console.log("  dist/ JavaScript: 937 KB | goal <= 1,000 KB: met"); console.log("bundle: every goal met");`),
    ]);
    const text = printed.join("\n");
    expect(code).toBe(1);
    expect(text).toContain("dist/ JavaScript: 937 KB");
    expect(text.trim().split("\n").at(-1)).toBe(
      "bench: all 3 benches ran; core: goals MISSED: signature + render (9,000 reports/s; goal >= 0.6x the floor) | check: failed with exit code 1",
    );
  });

  it("exits 0 when every bench met every goal", async () => {
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    expect(await runBenches([bench("bundle", `console.log("bundle: every goal met")`)])).toBe(0);
  });
});
