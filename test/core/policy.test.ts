import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, parseConfig } from "../../src/core/config.js";
import { renderCheckReport } from "../../src/core/check-report.js";
import { evaluatePolicy, firstChangedLine, hotfixReasons, parseIssueLinks, type ChangedFile, type PullRequestFacts } from "../../src/core/policy.js";

const repo = { owner: "acme", repo: "shop" };
const marker = { v: 1 as const, signature: "0123456789abcdef", provider: "sentry" as const, frames: ["src/cart.ts"], versions: ["1.4.2"] };
const file = (path: string, extra: Partial<ChangedFile> = {}): ChangedFile => ({ path, status: "modified", additions: 2, deletions: 1, ...extra });
const pr = (extra: Partial<PullRequestFacts> = {}): PullRequestFacts => ({
  repo,
  headRef: "hotfix/cart",
  baseRef: "main",
  labels: [],
  links: [{ ref: { ...repo, number: 7 }, issue: { state: "open", marker } }],
  files: [file("src/cart.ts"), file("test/cart.test.ts", { status: "added" })],
  changedFiles: 2,
  ...extra,
});

describe("parseIssueLinks", () => {
  it("reads GitHub's closing keywords in their three forms, once each", () => {
    const body = "Fixes #12. closes: acme/api#3\nResolved https://github.com/acme/shop/issues/12 and fixes #12 again; mentions #99";
    expect(parseIssueLinks(body, repo)).toEqual([
      { owner: "acme", repo: "shop", number: 12 },
      { owner: "acme", repo: "api", number: 3 },
    ]);
  });
  it("ignores references without a closing keyword", () => {
    expect(parseIssueLinks("See #4, prefix#5, refs acme/shop#6", repo)).toEqual([]);
  });
  it("reads no link where GitHub reads none: HTML comments, fenced code, code spans, quoted text (issue 19, item 2)", () => {
    const body = [
      "<!-- Fixes #1 (the template's example) -->",
      "```",
      "Fixes #2",
      "```",
      "~~~md\nCloses #3\n~~~",
      "Run `git commit -m 'fixes #4'` first.",
      "> Fixes #5, as the reviewer wrote",
      "<!--",
      "Resolves #6",
      "-->",
      "Fixes #7",
    ].join("\n");
    expect(parseIssueLinks(body, repo)).toEqual([{ owner: "acme", repo: "shop", number: 7 }]);
  });
});

describe("firstChangedLine", () => {
  it("skips leading context lines of the first hunk", () => {
    expect(firstChangedLine("@@ -10,7 +10,8 @@ fn\n ctx\n ctx\n+added\n ctx")).toBe(12);
  });
  it("points a pure deletion at the line after the gap, and a new file at line 1", () => {
    expect(firstChangedLine("@@ -5,2 +4,0 @@\n-gone\n-gone")).toBe(5);
    expect(firstChangedLine("@@ -0,0 +1,3 @@\n+a")).toBe(1);
  });
  it("is undefined for a patch without hunks (binary file)", () => {
    expect(firstChangedLine("")).toBeUndefined();
  });
});

describe("hotfixReasons", () => {
  it("names each reason and is empty for an ordinary PR", () => {
    expect(hotfixReasons(pr({ labels: ["Hotfix"] }), DEFAULT_CONFIG.hotfix)).toEqual([
      "branch `hotfix/cart` matches `hotfix/**`",
      "label `Hotfix`",
      "links hotfix issue #7",
    ]);
    expect(
      hotfixReasons(
        pr({ headRef: "feature/x", links: [{ ref: { ...repo, number: 7 }, issue: { state: "closed", marker } }] }),
        DEFAULT_CONFIG.hotfix,
      ),
    ).toEqual([]);
  });
});

describe("evaluatePolicy", () => {
  it("passes a narrow PR and counts after the ignore globs", () => {
    const result = evaluatePolicy(
      pr({ files: [...pr().files, file("src/__snapshots__/cart.snap", { additions: 500 })], changedFiles: 3 }),
      DEFAULT_CONFIG,
    );
    expect(result).toEqual({ verdict: "pass", findings: [], files: 2, lines: 6 });
  });

  it("applies each rule's level and on/off switch from the config", () => {
    const parsed = parseConfig({ rules: { regressionTest: { level: "warn" }, baseBranch: { enabled: false } } });
    if (!parsed.ok) throw new Error(parsed.errors.join());
    const result = evaluatePolicy(pr({ baseRef: "develop", files: [file("src/cart.ts")] }), parsed.config);
    expect(result.verdict).toBe("warn");
    expect(result.findings).toEqual([
      { level: "warn", rule: "regressionTest", message: "no regression test added or changed: add a test that reproduces the crash" },
    ]);
  });

  it("fails a base branch a hotfix may not target", () => {
    expect(evaluatePolicy(pr({ baseRef: "develop" }), DEFAULT_CONFIG).findings).toEqual([
      {
        level: "fail",
        rule: "baseBranch",
        message: "base branch `develop` is not one a hotfix may target (`main`, `master`, `release/**`, `releases/**`)",
      },
    ]);
  });

  it("matches stack frames against renamed files' old paths too", () => {
    const files = [file("src/basket.ts", { status: "renamed", previousPath: "src/cart.ts" }), file("test/cart.test.ts")];
    expect(evaluatePolicy(pr({ files }), DEFAULT_CONFIG).findings).toEqual([]);
  });

  it("fails a test command that timed out", () => {
    const testRun = { command: "npm test", exitCode: null, timedOut: true, outputTail: "..." };
    expect(evaluatePolicy(pr({ testRun }), DEFAULT_CONFIG).findings).toEqual([
      { level: "fail", rule: "testCommand", message: "`npm test` did not finish in time" },
    ]);
  });
});

describe("renderCheckReport", () => {
  it("escapes table cells and keeps the test output in a fence it cannot close", () => {
    const result = evaluatePolicy(
      pr({ files: [file("infra/a|b.tf")], testRun: { command: "npm test", exitCode: 1, timedOut: false, outputTail: "```\n@everyone" } }),
      DEFAULT_CONFIG,
    );
    const report = renderCheckReport({
      kind: "checked",
      because: ["label `hotfix`"],
      result,
      testRun: { command: "npm test", exitCode: 1, timedOut: false, outputTail: "```\n@everyone" },
    });
    expect(report.summary).toContain("`infra/a\\|b.tf`");
    expect(report.text).toContain("````\n```\n@everyone\n````");
    expect(report.comment.startsWith("<!-- hotfix-loop:check -->\n")).toBe(true);
  });
});
