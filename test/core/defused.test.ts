import { describe, expect, it } from "vitest";
import { renderCheckReport } from "../../src/core/check-report.js";
import { describeRegression } from "../../src/core/regression.js";
import { DEFAULT_CONFIG } from "../../src/core/config.js";
import { CrashReport } from "../../src/core/crash.js";
import { codeSpan } from "../../src/core/markdown.js";
import { renderIssue } from "../../src/core/render.js";
import { parseVerificationMarker, renderVerification, verificationMarker, verificationMarkerKey } from "../../src/core/verify-report.js";
import { decideVerification, type CrashCounts } from "../../src/core/verify.js";
import { corpus } from "./corpus.js";

/**
 * Mentions and references in what a crash reporter sent are defused by code spans and escapes,
 * never by invisible characters: nothing GitHub would link comes from the reporter's text, and
 * what a person copies from the rendered text is what the reporter sent.
 */

const INVISIBLE = /[\u200B-\u200D\u2060]/;

/** Fenced code blocks, as their lines; everything else, as lines to read inline. */
function blocks(markdown: string): { code: string[]; inline: string[] } {
  const code: string[] = [];
  const inline: string[] = [];
  let fence: string | null = null;
  for (const line of markdown.split("\n")) {
    const opener = /^ {0,3}(`{3,}|~{3,})[^`]*$/.exec(line)?.[1];
    if (fence === null && opener) fence = opener;
    else if (fence !== null && line.trim().startsWith(fence) && line.trim().replace(/[`~]/g, "") === "") fence = null;
    else (fence === null ? inline : code).push(line);
  }
  expect(fence, "every code block is closed").toBeNull();
  return { code, inline };
}

/** Code spans as CommonMark reads them: a run of n backticks to the next run of exactly n. */
const CODE_SPAN = /(?<!`)(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g;

/**
 * What GitHub's autolinker would see: the text outside code blocks, code spans and HTML comments,
 * with escapes and entities undone. Stricter than GitHub: GitHub links mentions in the rendered
 * text, so an escaped `\@x` or `&#64;x` still counts as live here.
 */
function linkable(markdown: string): string {
  return blocks(markdown)
    .inline.join("\n")
    .replace(/<!--[\s\S]*?-->/g, " ")
    .replace(CODE_SPAN, " ")
    .replace(/\\([!-/:-@[-`{-~])/g, "$1")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");
}

/** Every mention (`@user`, `@org/team`) and reference (`#12`, `owner/repo#12`, `GH-12`) GitHub would link. */
function liveReferences(markdown: string): string[] {
  const text = linkable(markdown);
  const mentions = [...text.matchAll(/(?:^|[^\w`])(@[A-Za-z0-9][A-Za-z0-9-]*(?:\/[A-Za-z0-9][\w-]*)?)/g)].map((m) => m[1]!);
  const references = [...text.matchAll(/(?:[\w.-]+\/[\w.-]+)?#\d+|\bGH-\d+/gi)].map((m) => m[0]);
  return [...mentions, ...references];
}

/** Stands for an escaped table pipe while the line is read. */
const PIPE = "\uE000";

/** One line as a reader sees (and copies) it: code span contents as they are, escapes and entities undone. */
function shownLine(line: string): string {
  // A GFM table unescapes `\|` before anything else, inside code spans too.
  const source = line.startsWith("|") ? line.replace(/\\\|/g, PIPE) : line;
  let out = "";
  for (let i = 0; i < source.length;) {
    const c = source[i]!;
    if (c === "\\" && /[!-/:-@[-`{-~]/.test(source[i + 1] ?? "")) {
      out += source[i + 1];
      i += 2;
    } else if (c === "`") {
      let n = 0;
      while (source[i + n] === "`") n++;
      const close = new RegExp(`(?<!\`)\`{${n}}(?!\`)`, "g");
      close.lastIndex = i + n;
      const end = close.exec(source);
      if (!end) {
        out += "`".repeat(n);
        i += n;
        continue;
      }
      let content = source.slice(i + n, end.index);
      if (content.startsWith(" ") && content.endsWith(" ") && content.trim() !== "") content = content.slice(1, -1);
      out += content;
      i = end.index + n;
    } else if (c === "&") {
      const entity = /^&(amp|lt|gt|quot|#\d+|#x[0-9a-f]+);/i.exec(source.slice(i));
      const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"' };
      if (!entity) {
        out += c;
        i++;
        continue;
      }
      const name = entity[1]!;
      out += named[name] ?? String.fromCodePoint(name[1] === "x" ? parseInt(name.slice(2), 16) : Number(name.slice(1)));
      i += entity[0].length;
    } else {
      out += c;
      i++;
    }
  }
  return out.replaceAll(PIPE, "|");
}

function shown(markdown: string): string {
  const { code, inline } = blocks(markdown);
  return [...inline.map(shownLine), ...code].join("\n");
}

describe("the checker itself", () => {
  it("finds what GitHub links and passes what it does not", () => {
    expect(liveReferences("ping @someone about #12, GH-12 and owner/repo#12")).toEqual(["@someone", "#12", "GH-12", "owner/repo#12"]);
    expect(liveReferences("ping `@someone` about `#12`, `GH-12` and `owner/repo#12`")).toEqual([]);
    expect(liveReferences("```\n@someone #12\n```")).toEqual([]);
    expect(liveReferences("mail jane@example.com")).toEqual([]);
    // Escaped is still live for this checker: GitHub links the rendered text.
    expect(liveReferences("\\@someone &#35;12")).toEqual(["@someone", "#12"]);
  });

  it("reads code spans and escapes back to the text", () => {
    expect(shownLine("a `` `b` `` \\*c\\* &lt;d&gt;")).toBe("a `b` *c* <d>");
    expect(shownLine("| `a\\|b` | c |")).toBe("| a|b | c |");
  });
});

describe("code spans keep any value whole", () => {
  it.each(["@someone", "`", "``a`", "a ` b", " spaced ", "ends with `", "x|y", "`|`", "#12 | GH-12"])("%j", (value) => {
    expect(shownLine(codeSpan(value))).toBe(value);
    expect(shownLine(`| ${codeSpan(value, true)} |`)).toBe(`| ${value} |`);
    expect(liveReferences(codeSpan(value))).toEqual([]);
  });
});

const HOSTILE = {
  message: "Payment failed for @someone, see #12, GH-12 and owner/repo#12",
  crumb: "@someone tapped #12",
  data: "owner/repo#12",
  tag: "@someone GH-12",
  release: "shop@4.12.2",
  environment: "prod #12",
  type: "Error@someone",
  version: "shop@4.12.3 #12",
};

const crash = CrashReport.parse({
  provider: "generic",
  exception: { type: HOSTILE.type, message: HOSTILE.message },
  frames: [{ file: "src/pay.ts", function: "pay", line: 3, in_app: true }],
  breadcrumbs: [{ timestamp: "2026-12-07T03:00:00Z", category: "ui.click", message: HOSTILE.crumb, data: { ref: HOSTILE.data } }],
  tags: { owner: HOSTILE.tag },
  device: { model: "Pixel @someone" },
  release: HOSTILE.release,
  environment: HOSTILE.environment,
});

const TOKENS = ["@someone", "#12", "GH-12", "owner/repo#12"];

function issue(report: CrashReport) {
  return renderIssue({
    report,
    signature: "0123456789abcdef",
    stats: {
      events: 3,
      users: 2,
      versions: [{ version: HOSTILE.release, count: 3 }],
      firstSeen: "2026-12-07T03:00:00Z",
      lastSeen: "2026-12-07T03:02:00Z",
    },
    repo: "acme/shop",
    links: DEFAULT_CONFIG.links,
  });
}

function verification(occurrences: number, exposure: number, minutesAfter: number): string {
  const counts: CrashCounts = {
    provider: "generic",
    signature: "0123456789abcdef",
    version: HOSTILE.version,
    occurrences,
    exposure,
    exposureUnit: "sessions",
    before: { occurrences: 20, exposure: 10_000, versions: [HOSTILE.release] },
  };
  const deployed = new Date("2026-12-07T03:00:00Z");
  return renderVerification(
    decideVerification(
      counts,
      { confidence: 0.99, minWindowMinutes: 30, reportLagMinutes: 10 },
      deployed,
      new Date(deployed.getTime() + minutesAfter * 60_000),
    ),
    {
      environment: HOSTILE.environment,
    },
  );
}

describe("mentions and references from a crash stay inert, and copy as sent", () => {
  const { title, body } = issue(crash);

  it("the issue body links none of them", () => {
    const live = liveReferences(body);
    for (const token of TOKENS) expect(live, token).not.toContain(token);
  });

  it("the issue body shows every value as the reporter sent it", () => {
    const text = shown(body);
    for (const value of [
      HOSTILE.message,
      HOSTILE.crumb,
      HOSTILE.data,
      HOSTILE.tag,
      HOSTILE.release,
      HOSTILE.environment,
      HOSTILE.type,
      "Pixel @someone",
    ]) {
      expect(text, value).toContain(value);
    }
    // The release copies whole from its own code span.
    expect(body).toContain(codeSpan(HOSTILE.release, true));
  });

  it("the title is the reporter's text, plain, without invisible characters", () => {
    expect(title).toContain(HOSTILE.message);
    expect(title).not.toMatch(INVISIBLE);
  });

  it.each([
    ["not enough data yet", 0, 500, 60],
    ["verified", 0, 50_000, 24 * 60],
    ["not verified", 9, 5_000, 24 * 60],
  ])("the %s comment links none of them and shows the version as sent", (_name, occurrences, exposure, minutes) => {
    const comment = verification(occurrences, exposure, minutes);
    const live = liveReferences(comment);
    for (const token of TOKENS) expect(live, token).not.toContain(token);
    expect(shown(comment)).toContain(HOSTILE.version);
    expect(shown(comment)).toContain(HOSTILE.environment);
    expect(comment).not.toMatch(INVISIBLE);
  });
});

describe("no rendered text carries an invisible character", () => {
  it.each(corpus())("%s: title and body", (_name, report) => {
    const { title, body } = issue(report);
    expect(title).not.toMatch(INVISIBLE);
    expect(body).not.toMatch(INVISIBLE);
  });

  it("the check report, with hostile file names and config keys", () => {
    const finding = {
      rule: "maxFiles" as const,
      level: "fail" as const,
      message: "too many files @someone #12",
      file: "src/`a`|@someone#12.ts",
      line: 4,
    };
    const checked = renderCheckReport({
      kind: "checked",
      because: ["branch hotfix/x"],
      result: { verdict: "fail", files: 1, lines: 2, findings: [finding] },
    });
    const invalid = renderCheckReport({
      kind: "invalid-config",
      because: ["label hotfix"],
      invalidConfig: {
        path: ".github/hotfix.yml",
        problems: [{ key: "rules.`x`|y", message: "bad", file: ".github/hotfix.yml", line: 1, column: 2 }],
      },
    });
    for (const report of [checked, invalid]) {
      for (const text of [report.title, report.summary, report.comment]) expect(text).not.toMatch(INVISIBLE);
    }
    expect(shown(checked.summary)).toContain("src/`a`|@someone#12.ts:4");
    expect(shown(invalid.summary)).toContain("rules.`x`|y");
  });
});

describe("invisible characters the reporter sent are shown, not passed on", () => {
  const zwj = "shop@4.12\u200D.2";

  it("in the verification comment's version and the regression comment's release", () => {
    const deployed = new Date("2026-12-07T03:00:00Z");
    const counts: CrashCounts = {
      provider: "generic",
      signature: "0123456789abcdef",
      version: zwj,
      occurrences: 0,
      exposure: 500,
      exposureUnit: "sessions",
      before: { occurrences: 20, exposure: 10_000, versions: [zwj] },
    };
    const comment = renderVerification(
      decideVerification(
        counts,
        { confidence: 0.99, minWindowMinutes: 30, reportLagMinutes: 10 },
        deployed,
        new Date(deployed.getTime() + 3_600_000),
      ),
    );
    const regression = describeRegression({ outcome: "back", basis: "version-order", release: zwj }, zwj);
    for (const text of [comment, regression]) {
      expect(text).not.toMatch(INVISIBLE);
      expect(shown(text)).toContain("shop@4.12<U+200D>.2");
    }
  });

  it("in the hidden marker, as an escape that reads back to the exact version", () => {
    const marker = verificationMarker({ signature: "0123456789abcdef", version: zwj, verdict: "verified" });
    expect(marker).not.toMatch(INVISIBLE);
    expect(marker).toContain("\\u200d");
    expect(parseVerificationMarker(marker)?.version).toBe(zwj);
    expect(marker.startsWith(verificationMarkerKey({ signature: "0123456789abcdef", version: zwj }))).toBe(true);
  });
});
