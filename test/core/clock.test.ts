import { describe, expect, it } from "vitest";
import { barChart } from "../../src/core/charts.js";
import {
  awaitsDeployment,
  clockGantt,
  clockRounds,
  formatDuration,
  renderClock,
  StageDetail,
  withStage,
  type StageTime,
} from "../../src/core/clock.js";
import { mermaidBlocks, parseMermaid } from "../mermaid.js";

const T0 = Date.parse("2026-03-01T10:00:00.000Z");
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const stage = (round: number, name: StageTime["stage"], minutes: number, detail: StageTime["detail"] = {}): StageTime => ({
  round,
  stage: name,
  at: at(minutes),
  detail,
});

const LOOP: StageTime[] = [
  stage(1, "first-occurrence", 0),
  stage(1, "issue-opened", 1),
  stage(1, "fix-pr-opened", 45, { pr: 12 }),
  stage(1, "check-passed", 50, { pr: 12 }),
  stage(1, "merged", 80, { pr: 12 }),
  stage(1, "deployed", 120, { environment: "production", version: "1.4.3" }),
  stage(1, "not-verified", 180, { version: "1.4.3" }),
  stage(1, "verified", 24 * 60 + 120, { version: "1.4.4" }),
];

describe("clockRounds", () => {
  it("orders each round's stages as the loop runs, with the time since the stage before and the total", () => {
    // Stored out of order (a late webhook): shown in the loop's order.
    const [round] = clockRounds([...LOOP].reverse());
    expect(round?.steps.map((s) => [s.stage, s.sincePrevious === null ? null : s.sincePrevious / 60_000])).toEqual([
      ["first-occurrence", null],
      ["issue-opened", 1],
      ["fix-pr-opened", 44],
      ["check-passed", 5],
      ["merged", 30],
      ["deployed", 40],
      ["verified", 24 * 60],
      ["not-verified", -24 * 60 + 60],
    ]);
    expect(round?.total).toBe((24 * 60 + 120) * 60_000);
  });

  it("keeps rounds apart and has no total before verification", () => {
    const rounds = clockRounds([...LOOP, stage(2, "first-occurrence", 3000), stage(2, "issue-opened", 3001)]);
    expect(rounds.map((r) => [r.round, r.current, r.total])).toEqual([
      [1, "not-verified", (24 * 60 + 120) * 60_000],
      [2, "issue-opened", null],
    ]);
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0 s"],
    [-5000, "0 s"],
    [45_000, "45 s"],
    [12 * 60_000, "12 min"],
    [3 * 3_600_000, "3 h"],
    [3 * 3_600_000 + 5 * 60_000, "3 h 5 min"],
    [2 * 86_400_000 + 4 * 3_600_000, "2 d 4 h"],
    [86_400_000, "1 d"],
  ])("%d ms reads %s", (value, text) => expect(formatDuration(value)).toBe(text));
});

describe("renderClock", () => {
  it("says nothing before any stage", () => expect(renderClock([])).toBe(""));

  it("puts the total at the top, then the gantt, then the table", () => {
    const text = renderClock(LOOP);
    expect(text.split("\n").slice(0, 3)).toEqual(["### Hotfix clock", "", "**Detection → verified: 1 d 2 h**"]);
    expect(text).toContain(
      '| Deployed | <span title="2026-03-01T12:00:00.000Z">2026-03-01 12:00 UTC</span> | 40 min | production, version `1.4.3` |',
    );
    expect(text.indexOf("```mermaid")).toBeLessThan(text.indexOf("| Stage |"));
  });

  it("shows a running clock before verification and a new round after a regression", () => {
    const running = renderClock(LOOP.slice(0, 3));
    expect(running).toContain(
      '**Not verified yet**: the clock is running since <span title="2026-03-01T10:00:00.000Z">2026-03-01 10:00 UTC</span>; last stage: Fix PR opened.',
    );
    const regressed = renderClock([...LOOP, stage(2, "first-occurrence", 3000)]);
    expect(regressed).toContain("Round 2: this crash regressed after a fix (round 1: 1 d 2 h).");
    expect(regressed.indexOf("**Round 2**")).toBeLessThan(regressed.indexOf("**Round 1**"));
  });

  it("neutralises what came from webhooks: no mentions, links or table breaks", () => {
    const text = renderClock([
      stage(1, "first-occurrence", 0),
      stage(1, "deployed", 5, { environment: "prod | @acme/ops <img src=x>", version: "[x](https://evil)" }),
    ]);
    const row = text.split("\n").find((l) => l.startsWith("| Deployed"))!;
    // GitHub's tables do not split on an escaped pipe.
    expect(row.split(/(?<!\\)\|/).length).toBe(6);
    // The version, a value people copy, is a code span: exactly as sent, and nothing in it is live.
    expect(row).toContain("version `[x](https://evil)`");
    expect(row.replace(/`[^`]*`/g, "")).not.toMatch(/@acme|<img|[^\\]\]\(/);
  });

  it("draws no gantt while every bar would have no length", () => {
    const text = renderClock([stage(1, "first-occurrence", 0), stage(1, "issue-opened", 0)]);
    expect(text).not.toContain("```mermaid");
    expect(text).toContain("| Issue opened |");
    expect(renderClock([stage(1, "first-occurrence", 0), stage(1, "issue-opened", 1)])).toContain("```mermaid");
  });

  it("draws only the latest rounds of a crash that regressed many times", () => {
    const stages = Array.from({ length: 8 }, (_, i) => [stage(i + 1, "first-occurrence", i * 100), stage(i + 1, "issue-opened", i * 100 + 1)]).flat();
    const text = renderClock(stages);
    expect(text).toContain("_3 earlier rounds not shown._");
    expect(text).not.toContain("section Round 3\n");
    expect(text).toContain("section Round 4");
  });
});

describe("withStage and awaitsDeployment", () => {
  it("adds a stage to the current round once", () => {
    const stages = [stage(1, "first-occurrence", 0), stage(2, "first-occurrence", 10)];
    expect(withStage(stages, "issue-opened", at(11)).at(-1)).toEqual(stage(2, "issue-opened", 11));
    expect(withStage([...stages, stage(2, "issue-opened", 11)], "issue-opened", at(12))).toHaveLength(3);
  });

  it("a deployment ships a fix merged before it and not deployed yet", () => {
    const merged = LOOP.slice(0, 5);
    expect(awaitsDeployment(merged, at(100))).toBe(true);
    expect(awaitsDeployment(merged, at(70))).toBe(false);
    expect(awaitsDeployment(LOOP.slice(0, 6), at(200))).toBe(false);
    expect(awaitsDeployment(LOOP.slice(0, 4), at(200))).toBe(false);
  });
});

describe("Mermaid's parser", () => {
  it("reads the clock's gantt with one task per stage at the stage's time", async () => {
    const stages = [...LOOP, stage(2, "first-occurrence", 3000), stage(2, "issue-opened", 3001)];
    const [block, ...rest] = mermaidBlocks(renderClock(stages));
    expect(rest).toEqual([]);
    const { type, tasks } = await parseMermaid(block!);
    expect(type).toBe("gantt");
    const rounds = clockRounds(stages).flatMap((r) => r.steps);
    expect(tasks.map((t) => [t.task.trim(), t.endTime.toISOString()])).toEqual(rounds.map((s) => [expect.any(String), s.at]));
    expect(tasks[0]?.task.trim()).toBe("First occurrence");
  });

  it("reads the gantt of a clock whose stages arrived out of order", async () => {
    const { tasks } = await parseMermaid(clockGantt(clockRounds([stage(1, "first-occurrence", 10), stage(1, "issue-opened", 5)])));
    expect(tasks).toHaveLength(2);
  });

  it("reads bar charts whatever their labels and values", async () => {
    const chart = barChart({
      title: 'Rate "per" 1,000 [sessions]',
      labels: ["my-app@1.4.3", 'v"2"\n```', "", "x".repeat(100)],
      values: [0.000123, 1234567, Number.NaN, -1],
      yLabel: "crashes\\n",
    });
    expect(chart).toContain("bar [0.000123, 1235000, 0, 0]");
    expect((await parseMermaid(chart)).type).toBe("xychart");
    await expect(parseMermaid(chart.replace("bar [", "bar [x, "))).rejects.toThrow();
  });
});

describe("StageDetail", () => {
  it("cuts long webhook text instead of refusing the stage", () => {
    expect(StageDetail.parse({ environment: "e".repeat(500), version: "1.0" })).toEqual({ environment: "e".repeat(200), version: "1.0" });
  });
});

describe("the ported stage (fast lane)", () => {
  const PORTED: StageTime[] = [
    stage(1, "first-occurrence", 0),
    stage(1, "merged", 80, { pr: 12 }),
    stage(1, "deployed", 120),
    // The port onto the default branch merged after the deployment: beside the chain, not in it.
    stage(1, "ported", 150, { pr: 14 }),
  ];

  it("is timed from the merge, and the deployment still from the merge, whatever the order they came in", () => {
    const [round] = clockRounds([...PORTED].reverse());
    expect(round?.steps.map((s) => [s.stage, s.sincePrevious === null ? null : s.sincePrevious / 60_000])).toEqual([
      ["first-occurrence", null],
      ["merged", 80],
      ["ported", 70],
      ["deployed", 40],
    ]);
  });

  it("is never a round's current stage", () => {
    expect(clockRounds(PORTED)[0]?.current).toBe("deployed");
    expect(clockRounds(PORTED.filter((s) => s.stage !== "deployed"))[0]?.current).toBe("merged");
  });

  it("draws its bar from the merge", () => {
    const gantt = clockGantt(clockRounds(PORTED));
    expect(gantt).toContain(`Ported :done, r1s2, ${Date.parse(at(80))}, ${Date.parse(at(150))}`);
    expect(gantt).toContain(`Deployed :done, r1s3, ${Date.parse(at(80))}, ${Date.parse(at(120))}`);
  });
});
