import { describe, expect, it } from "vitest";
import { crumbCells, crumbTable } from "../../src/core/breadcrumbs-table.js";

describe("a breadcrumb's time", () => {
  it.each([
    ["2024-06-11T10:00", "2024-06-11T10:00:00.000Z"],
    ["2024-06-11T10:00:49", "2024-06-11T10:00:49.000Z"],
    ["2024-06-11T10:00:49.1Z", "2024-06-11T10:00:49.100Z"],
    ["2024-06-11T10:00:49.123456789+05:30", "2024-06-11T04:30:49.123Z"],
    ["2024-06-11T10:00-0530", "2024-06-11T15:30:00.000Z"],
  ])("%s is an ISO-8601 time, shown in the issue's one format with the exact instant on hover", (time, exact) => {
    // A stamp without an offset is read as Node reads it (local time; the tests run in UTC).
    expect(crumbCells({ timestamp: time })[0]).toBe(`<span title="${exact}">${exact.slice(0, 16).replace("T", " ")} UTC</span>`);
  });

  it("anything else is a cell like any other", () => {
    expect(crumbCells({ timestamp: "yesterday @noon" })[0]).toBe("yesterday `@noon`");
    expect(crumbCells({ timestamp: "1" })[0]).toBe("1");
  });
});

describe("a breadcrumb's message and data", () => {
  it("neutralises the message and each pair, with nothing live across them", () => {
    const [, , , message] = crumbCells({ message: "ping @", data: { "": "GH", "-1": "#", b: "<b>|", n: 200, ok: true, list: ["@x"] } });
    expect(message).toBe('ping @ (=GH, -1=#, b=&lt;b&gt;\\|, n=200, ok=true, `list=["@x"]`)');
  });

  it("scrubs values under secret keys and repeats the same cell for the same data", () => {
    const crumb = { message: "GET /cart", data: { method: "GET", token: "s3cr3t-value", status_code: 401 } };
    const cell = "GET /cart (method=GET, token=\\[redacted\\], status\\_code=401)";
    expect(crumbCells(crumb)[3]).toBe(cell);
    expect(crumbCells({ ...crumb, data: { ...crumb.data } })[3]).toBe(cell);
  });

  it("cuts the message with its data at 500 characters, then neutralises", () => {
    const [, , , message] = crumbCells({ message: `${"a".repeat(460)} @`, data: { url: `https://example.com/${"_".repeat(40)}` } });
    // 488 characters up to the underscores, 11 of them, and the ellipsis.
    expect(message).toBe(`${"a".repeat(460)} @ (url=https://example.com/${"\\_".repeat(11)}…`);
  });
});

describe("the breadcrumb table", () => {
  it("leaves out a column no row fills", () => {
    const table = crumbTable([
      { timestamp: "2024-06-18T11:52:00.112Z", category: "ui.lifecycle", message: "resumed" },
      { category: "http", message: "GET /cart" },
    ]);
    expect(table.header).toBe("| Time | Category | Message |\n|---|---|---|");
    expect(table.rows).toEqual([
      '| <span title="2024-06-18T11:52:00.112Z">2024-06-18 11:52 UTC</span> | ui.lifecycle | resumed |',
      "|  | http | GET /cart |",
    ]);
  });

  it("keeps a column one row fills", () => {
    expect(crumbTable([{ level: "error" }, { message: "x" }]).header).toBe("| Level | Message |\n|---|---|");
  });
});
