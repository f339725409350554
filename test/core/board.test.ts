import { describe, expect, it } from "vitest";
import { BOARD_MARKER, boardFigures, BOARD_WINDOWS, quantile, renderBoard, type BoardHotfix, type PortWaiting } from "../../src/core/board.js";
import type { StageTime } from "../../src/core/clock.js";
import { mermaidBlocks, parseMermaid } from "../mermaid.js";

const AS_OF = "2026-03-31T12:00:00.000Z";
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ago = (days: number, hours = 0) => new Date(Date.parse(AS_OF) - days * DAY + hours * HOUR).toISOString();
const st = (round: number, stage: StageTime["stage"], at: string): StageTime => ({ round, stage, at, detail: {} });

/** A round verified `hours` after detection, detected `days` ago. */
function verifiedRound(round: number, days: number, hours: number, extra: StageTime[] = []): StageTime[] {
  return [
    st(round, "first-occurrence", ago(days)),
    st(round, "issue-opened", ago(days, 0.5)),
    st(round, "merged", ago(days, hours / 2)),
    ...extra,
    st(round, "verified", ago(days, hours)),
  ];
}

const hotfix = (issueNumber: number, stages: StageTime[], state: "open" | "resolved" = "resolved"): BoardHotfix => ({
  repo: "acme/shop",
  issueNumber,
  signature: `sig${issueNumber}`,
  state,
  stages,
});

const HOTFIXES: BoardHotfix[] = [
  hotfix(1, verifiedRound(1, 2, 4)),
  hotfix(2, verifiedRound(1, 10, 8, [st(1, "not-verified", ago(10, 6))])),
  hotfix(3, verifiedRound(1, 20, 12)),
  // Verified 60 days ago: in the 90-day figures only.
  hotfix(4, verifiedRound(1, 60, 48)),
  // Regressed 5 days ago and still open: its first round counts, the second runs.
  hotfix(5, [...verifiedRound(1, 50, 10), st(2, "first-occurrence", ago(5)), st(2, "issue-opened", ago(5, 1))], "open"),
  hotfix(6, [st(1, "first-occurrence", ago(1)), st(1, "issue-opened", ago(1, 0.1))], "open"),
  // Closed by a person before any verification: not an open hotfix.
  hotfix(7, [st(1, "first-occurrence", ago(3))]),
];

describe("quantile", () => {
  it("interpolates between ranks", () => {
    expect(quantile([], 0.5)).toBeNull();
    expect(quantile([5], 0.9)).toBe(5);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1);
  });
});

describe("boardFigures", () => {
  const figures = boardFigures(HOTFIXES, AS_OF);

  it("lists open hotfixes by how long their clock has run, with their stage", () => {
    expect(figures.open.map((h) => [h.issueNumber, h.round, h.stage, h.runningMs / DAY])).toEqual([
      [5, 2, "issue-opened", 5],
      [6, 1, "issue-opened", 1],
    ]);
  });

  it("counts the last 30 and 90 days apart", () => {
    const [d30, d90] = figures.windows;
    expect(d30).toMatchObject({ days: 30, verified: 3, notVerifiedFirstTime: 1, regressions: 1 });
    expect(d30?.detectionToVerified).toEqual({ count: 3, median: 8 * HOUR, p90: expect.closeTo(11.2 * HOUR, 0) });
    expect(d90).toMatchObject({ days: 90, verified: 5, notVerifiedFirstTime: 1, regressions: 1 });
    expect(d90?.detectionToVerified.median).toBe(10 * HOUR);
    const opened = d30?.stages.find((s) => s.to === "issue-opened");
    // Four issues opened in the window (three verified rounds and hotfix 6, and the regression's reopening): half an hour, six minutes, an hour.
    expect(opened).toMatchObject({ count: 5, median: 0.5 * HOUR });
    expect(d30?.stages.find((s) => s.to === "check-passed")).toEqual({
      from: "fix-pr-opened",
      to: "check-passed",
      count: 0,
      median: null,
      p90: null,
    });
  });

  it("gives each of the last 13 weeks its median time to verified", () => {
    expect(figures.weekly).toHaveLength(13);
    expect(figures.weekly.at(-1)?.week).toBe("2026-03-30");
    const withData = figures.weekly.filter((w) => w.verified > 0);
    expect(withData.map((w) => [w.week, w.median! / HOUR])).toEqual([
      ["2026-01-26", 48],
      ["2026-02-09", 10],
      ["2026-03-09", 12],
      ["2026-03-16", 8],
      ["2026-03-23", 4],
    ]);
  });
});

describe("renderBoard", () => {
  it("writes the tables, a chart Mermaid reads, and the marker", async () => {
    const body = renderBoard(boardFigures(HOTFIXES, AS_OF));
    expect(body).toContain('| #5 (round 2) | Issue opened | 5 d | <span title="2026-03-26T12:00:00.000Z">2026-03-26 12:00 UTC</span> |');
    expect(body).toContain("| Hotfixes verified | 3 | 5 |");
    expect(body).toContain("| Detection → verified, median | 8 h | 10 h |");
    expect(body).toContain("| Fixes not verified the first time | 1 | 1 |");
    expect(body).toContain("| Regressions | 1 | 1 |");
    expect(body.endsWith(BOARD_MARKER)).toBe(true);
    const blocks = mermaidBlocks(body);
    expect(blocks).toHaveLength(1);
    expect((await parseMermaid(blocks[0]!)).type).toBe("xychart");
    // Only the weeks with a verified hotfix have a bar: no week reads as an instant fix.
    expect(blocks[0]).toContain('x-axis ["01-26", "02-09", "03-09", "03-16", "03-23"]');
    expect(blocks[0]).toContain("bar [48, 10, 12, 8, 4]");
    const caption = body
      .slice(body.indexOf("```", body.indexOf("```mermaid") + 3) + 3)
      .trim()
      .split("\n")[0];
    expect(caption).toBe(
      "_Bars: per week (labelled by its Monday, UTC), the median hours from first occurrence to verified of the hotfixes verified that week; " +
        "from 5 verified hotfixes in the last 13 weeks. The 8 weeks without a verified hotfix have no bar._",
    );
  });

  it("says so when nothing is open and nothing was verified", () => {
    const body = renderBoard(boardFigures([], AS_OF));
    expect(body).toContain("None: every hotfix is verified.");
    expect(body).toContain("No hotfix verified in the last 13 weeks yet.");
    expect(mermaidBlocks(body)).toEqual([]);
  });
});

describe("how fast fixes land: the fast lane's steps", () => {
  it("times merged → deployed and merged → ported", () => {
    const stages = [
      st(1, "first-occurrence", ago(3)),
      st(1, "merged", ago(3, 2)),
      st(1, "deployed", ago(3, 3)),
      st(1, "ported", ago(3, 6)),
      st(1, "verified", ago(3, 8)),
    ];
    const figures = boardFigures([hotfix(9, stages)], AS_OF);
    const step = (from: string, to: string) => figures.windows[0]!.stages.find((s) => s.from === from && s.to === to);
    expect(step("merged", "deployed")).toMatchObject({ count: 1, median: HOUR });
    expect(step("merged", "ported")).toMatchObject({ count: 1, median: 4 * HOUR });
    const text = renderBoard(figures);
    expect(text).toContain("| Merged → Deployed | 1 h (p90 1 h) |");
    expect(text).toContain("| Merged → Ported | 4 h (p90 4 h) |");
  });
});

describe("ports still open", () => {
  const port = (portPr: number, target: string, openedAt: string, state: PortWaiting["state"] = "open"): PortWaiting => ({
    issueNumber: 5,
    signature: "sig5",
    originalPr: 41,
    portPr,
    target,
    openedAt,
    state,
  });

  it.each([
    ["none waiting: no section", [], []],
    [
      "the longest waiting first, a closed one marked",
      [port(43, "release/4.13", ago(0, -2)), port(42, "main", ago(1)), port(44, "release/5.0", ago(0, -1), "closed")],
      [
        '| #5 | #41 | #42 | `main` | 1 d | <span title="2026-03-30T12:00:00.000Z">2026-03-30 12:00 UTC</span> |',
        '| #5 | #41 | #43 | `release/4.13` | 2 h | <span title="2026-03-31T10:00:00.000Z">2026-03-31 10:00 UTC</span> |',
        '| #5 | #41 | #44 (closed unmerged) | `release/5.0` | 1 h | <span title="2026-03-31T11:00:00.000Z">2026-03-31 11:00 UTC</span> |',
      ],
    ],
    [
      "a branch name is code, its pipe escaped; a group without an issue shows its signature",
      [{ ...port(45, "release/a|b", ago(0, -1)), issueNumber: null }],
      ['| `sig5` | #41 | #45 | `release/a\\|b` | 1 h | <span title="2026-03-31T11:00:00.000Z">2026-03-31 11:00 UTC</span> |'],
    ],
  ])("%s", (_why, ports, rows) => {
    const body = renderBoard(boardFigures([], AS_OF, BOARD_WINDOWS, ports));
    const section = /### Ports still open[\s\S]*?(?=\n### )/.exec(body)?.[0];
    if (rows.length === 0) {
      expect(section).toBeUndefined();
      return;
    }
    expect(section).toContain("| Issue | Hotfix PR | Port PR | Onto | Open for | Since |");
    expect(section!.split("\n").filter((l) => /^\| (#|`)/.test(l))).toEqual(rows);
    // Between the open hotfixes and the figures.
    expect(body.indexOf("### Open hotfixes")).toBeLessThan(body.indexOf("### Ports still open"));
    expect(body.indexOf("### Ports still open")).toBeLessThan(body.indexOf("### How fast fixes land"));
  });
});
