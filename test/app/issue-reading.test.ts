import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderRollUp } from "../../src/app/rollup.js";
import { boardFigures, renderBoard } from "../../src/core/board.js";
import { renderClock, withStage } from "../../src/core/clock.js";
import { DEFAULT_CONFIG } from "../../src/core/config.js";
import { renderIssue } from "../../src/core/render.js";
import { renderVerification } from "../../src/core/verify-report.js";
import { decideVerification } from "../../src/core/verify.js";
import type { CrashGroup } from "../../src/store/store.js";
import { SqliteStore } from "../../src/store/sqlite.js";
import { corpus } from "../core/corpus.js";

/**
 * The issue as a person reads it, for every report of the fixture corpus, stored as the App
 * stores an alert and rendered as the App renders the body: the clock's first stage is the
 * table's "First seen", every time is in one format, and no invisible character is written.
 */

const RECEIVED = new Date("2026-12-07T03:02:00.000Z");
const ONE_FORMAT = /^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/;

/** The text outside code (fences and spans), HTML comments and title attributes: what is read as written. */
function readText(markdown: string): string {
  const out: string[] = [];
  let fence: string | null = null;
  for (const line of markdown.split("\n")) {
    const opener = /^ {0,3}(`{3,})/.exec(line)?.[1];
    if (fence === null && opener) fence = opener;
    else if (fence !== null && line.trim().startsWith(fence) && /^`+$/.test(line.trim())) fence = null;
    else if (fence === null) out.push(line);
  }
  return out
    .join("\n")
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/ title="[^"]*"/g, "")
    .replace(/(?<![\\`])(`+)[^`][\s\S]*?\1(?!`)/g, "");
}

/** Every time of day the text shows, with its date and whatever zone follows it (a bare date, as in "ruby 2.7.2 (2020-10-01)", is not a time). */
function shownTimes(markdown: string): string[] {
  return readText(markdown).match(/\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?: ?UTC|Z|[+-]\d\d:?\d\d)?/g) ?? [];
}

/** The cell of a table row `| **label** | cell |` or `| label | cell |`. */
function cellOf(body: string, label: string): string {
  const row = body.split("\n").find((l) => l.startsWith(`| ${label} |`) || l.startsWith(`| **${label}** |`));
  return row?.split(" | ")[1] ?? "";
}

const exactTime = (cell: string) => /title="([^"]+)"/.exec(cell)?.[1];

let store: SqliteStore;
beforeAll(async () => {
  store = new SqliteStore(":memory:");
  await store.migrate();
});
afterAll(() => store.close());

describe.each(corpus())("%s", (name, report) => {
  let body = "";
  let group: CrashGroup;

  beforeAll(async () => {
    const ingested = await store.ingest(
      {
        repo: "acme/reading",
        installationId: 1,
        signature: `${name.length.toString(16).padStart(4, "0")}${Buffer.from(name).toString("hex").slice(-12)}`,
        report,
        deliveryId: name,
        refreshIntervalSeconds: 60,
        reopenOnRegression: true,
      },
      RECEIVED,
    );
    group = (await store.getGroup(ingested.groupId))!;
    const clock = await store.clock.clockOf(group.id);
    const versions = await store.versionCounts(group.repo, group.signature);
    // As IssueSync renders the body that opens the issue.
    body = renderIssue({
      report: group.latest,
      signature: group.signature,
      stats: { events: group.events, users: group.users, versions, firstSeen: group.firstSeen, lastSeen: group.lastSeen },
      repo: group.repo,
      links: DEFAULT_CONFIG.links,
      clock: renderClock(withStage(clock.stages, "issue-opened", new Date(RECEIVED.getTime() + 60_000).toISOString())),
    }).body;
  });

  it("starts the clock at the table's First seen", () => {
    const firstSeen = exactTime(cellOf(body, "First seen"));
    expect(firstSeen).toBeDefined();
    expect(exactTime(cellOf(body, "First occurrence"))).toBe(firstSeen);
  });

  it("says Last alert received, at the arrival of the last alert", () => {
    expect(exactTime(cellOf(body, "Last alert received"))).toBe(RECEIVED.toISOString());
  });

  it("shows every time in one format", () => {
    const times = shownTimes(body);
    expect(times.length).toBeGreaterThanOrEqual(4);
    for (const time of times) expect(time).toMatch(ONE_FORMAT);
  });

  it("writes no zero-width character", () => {
    expect(body).not.toMatch(/[\u200B-\u200D\u2060]/);
  });
});

describe("the board, the verification comment and the roll-up", () => {
  it("show every time in one format", async () => {
    const groups = await store.clock.clockGroups("acme/reading");
    const board = renderBoard(
      boardFigures(
        groups.map((g) => ({ ...g, repo: "acme/reading" })),
        new Date(RECEIVED.getTime() + 3_600_000).toISOString(),
      ),
    );
    const verdict = decideVerification(
      {
        provider: "sentry",
        signature: "0123456789abcdef",
        version: "shop@4.12.2",
        occurrences: 0,
        exposure: 100,
        exposureUnit: "sessions",
        before: { occurrences: 5, exposure: 1_000, versions: ["shop@4.12.1"] },
      },
      { confidence: 0.99, minWindowMinutes: 30, reportLagMinutes: 10 },
      RECEIVED,
      new Date(RECEIVED.getTime() + 2 * 3_600_000),
    );
    const rollUp = renderRollUp([(await store.findGroup("acme/reading", groups[0]!.signature))!], 5);
    for (const text of [board, renderVerification(verdict), rollUp]) {
      const times = shownTimes(text);
      expect(times.length).toBeGreaterThan(0);
      for (const time of times) expect(time).toMatch(ONE_FORMAT);
      expect(text).not.toMatch(/[\u200B-\u200D\u2060]/);
    }
  });
});
