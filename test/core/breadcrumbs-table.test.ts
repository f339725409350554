import { describe, expect, it } from "vitest";
import { renderCrumb } from "../../src/core/breadcrumbs-table.js";
import { ZWJ } from "../../src/core/markdown.js";

describe("a breadcrumb's time", () => {
  it.each(["2024-06-11T10:00", "2024-06-11T10:00:49", "2024-06-11T10:00:49.1Z", "2024-06-11T10:00:49.123456789+05:30", "2024-06-11T10:00-0530"])(
    "%s is an ISO-8601 time, shown as it is",
    (time) => {
      expect(renderCrumb({ timestamp: time })).toBe(`| ${time} |  |  |  |`);
    },
  );

  it("anything else is a cell like any other", () => {
    expect(renderCrumb({ timestamp: "yesterday @noon" })).toBe(`| yesterday @${ZWJ}noon |  |  |  |`);
  });
});

describe("a breadcrumb's message and data", () => {
  it("neutralises the message and each pair, with nothing live across them", () => {
    const row = renderCrumb({ message: "ping @", data: { "": "GH", "-1": "#", b: "<b>|", n: 200, ok: true, list: ["@x"] } });
    expect(row).toBe(`|  |  |  | ping @ (=GH, -1=#, b=&lt;b&gt;\\|, n=200, ok=true, list=\\["@${ZWJ}x"\\]) |`);
  });

  it("scrubs values under secret keys and repeats the same cell for the same data", () => {
    const crumb = { message: "GET /cart", data: { method: "GET", token: "s3cr3t-value", status_code: 401 } };
    const row = "|  |  |  | GET /cart (method=GET, token=\\[redacted\\], status\\_code=401) |";
    expect(renderCrumb(crumb)).toBe(row);
    expect(renderCrumb({ ...crumb, data: { ...crumb.data } })).toBe(row);
  });

  it("cuts the message with its data at 500 characters, then neutralises", () => {
    const row = renderCrumb({ message: `${"a".repeat(460)} @`, data: { url: `https://example.com/${"_".repeat(40)}` } });
    // 488 characters up to the underscores, 11 of them, and the ellipsis.
    expect(row).toBe(`|  |  |  | ${"a".repeat(460)} @ (url=https://example.com/${"\\_".repeat(11)}… |`);
  });
});
