import picomatch from "picomatch";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, parseConfig, type HotfixConfigInput } from "../../src/core/config.js";
import type { ChangedFile, PullRequestFacts } from "../../src/core/pull-request.js";
import { baseBranch } from "../../src/core/rules/base-branch.js";
import { dependencies } from "../../src/core/rules/dependencies.js";
import { globMatcher } from "../../src/core/rules/finding.js";
import { forbiddenPaths } from "../../src/core/rules/forbidden-paths.js";
import { linkedIssue } from "../../src/core/rules/linked-issue.js";
import { maxFiles } from "../../src/core/rules/max-files.js";
import { maxLines } from "../../src/core/rules/max-lines.js";
import { regressionTest } from "../../src/core/rules/regression-test.js";
import { testCommand } from "../../src/core/rules/test-command.js";
import { touchesStack } from "../../src/core/rules/touches-stack.js";

/** Each narrow-diff rule on its own: facts of a change in, plain findings out. */

const repo = { owner: "acme", repo: "shop" };
const marker = (frames: string[]) => ({ v: 1 as const, signature: "0123456789abcdef", provider: "sentry" as const, frames, versions: ["1.4.2"] });
const file = (path: string, extra: Partial<ChangedFile> = {}): ChangedFile => ({ path, status: "modified", additions: 2, deletions: 1, ...extra });
const change = (extra: Partial<PullRequestFacts> = {}): PullRequestFacts => ({
  repo,
  headRef: "hotfix/cart",
  baseRef: "main",
  labels: [],
  links: [{ ref: { ...repo, number: 7 }, issue: { state: "open", marker: marker(["src/cart.ts"]) } }],
  files: [file("src/cart.ts"), file("test/cart.test.ts", { status: "added" })],
  changedFiles: 2,
  ...extra,
});
function config(input: HotfixConfigInput) {
  const parsed = parseConfig(input);
  if (!parsed.ok) throw new Error(parsed.errors.join("; "));
  return parsed.config;
}

describe("maxFiles", () => {
  it("counts files after the ignore globs, renamed files by both paths", () => {
    const files = [file("a.ts"), file("b.ts"), file("package-lock.json"), file("gen/x.ts", { status: "renamed", previousPath: "dist/x.ts" })];
    expect(maxFiles(change({ files, changedFiles: 4 }), config({ rules: { maxFiles: { limit: 3 } } }))).toEqual([]);
    expect(maxFiles(change({ files, changedFiles: 4 }), config({ rules: { maxFiles: { limit: 2 } } }))).toEqual([
      { level: "fail", message: "3 files changed; a hotfix changes at most 2" },
    ]);
  });
  it("counts files GitHub did not list and says so", () => {
    expect(maxFiles(change({ changedFiles: 3412 }), DEFAULT_CONFIG)).toEqual([
      { level: "fail", message: "3412 files changed (GitHub lists only the first 3,000); a hotfix changes at most 10" },
    ]);
  });
  it("is silent when switched off", () => {
    expect(maxFiles(change({ changedFiles: 3412 }), config({ rules: { maxFiles: { enabled: false } } }))).toEqual([]);
  });
});

describe("maxLines", () => {
  it("sums additions and deletions of counted files, at the configured level", () => {
    const files = [file("a.ts", { additions: 150, deletions: 60 }), file("yarn.lock", { additions: 900 })];
    expect(maxLines(change({ files }), config({ rules: { maxLines: { level: "warn" } } }))).toEqual([
      { level: "warn", message: "210 lines changed; a hotfix changes at most 200" },
    ]);
  });
  it("says at least when some files were not listed", () => {
    expect(maxLines(change({ files: [file("a.ts", { additions: 300 })], changedFiles: 4000 }), DEFAULT_CONFIG)[0]?.message).toBe(
      "at least 301 lines changed; a hotfix changes at most 200",
    );
  });
});

describe("forbiddenPaths", () => {
  it("finds each forbidden file at its first changed line, renamed ones by their old path", () => {
    const files = [
      file("db/migrations/1.sql", { firstChangedLine: 3 }),
      file("src/ok.ts"),
      file("ops/deploy.yml", { status: "renamed", previousPath: ".github/workflows/deploy.yml" }),
    ];
    expect(forbiddenPaths(change({ files }), DEFAULT_CONFIG)).toEqual([
      { level: "fail", message: "`db/migrations/1.sql` is a path a hotfix must not change", file: "db/migrations/1.sql", line: 3 },
      { level: "fail", message: "`.github/workflows/deploy.yml` is a path a hotfix must not change", file: "ops/deploy.yml" },
    ]);
  });
});

describe("dependencies", () => {
  it("finds manifests and lockfiles at any depth", () => {
    const files = [file("services/api/package.json", { firstChangedLine: 12 }), file("go.sum", { status: "added" }), file("src/package.ts")];
    expect(dependencies(change({ files }), DEFAULT_CONFIG)).toEqual([
      {
        level: "fail",
        message: "dependency manifest or lockfile `services/api/package.json` modified; ship dependency changes outside the hotfix",
        file: "services/api/package.json",
        line: 12,
      },
      { level: "fail", message: "dependency manifest or lockfile `go.sum` added; ship dependency changes outside the hotfix", file: "go.sum" },
    ]);
  });
});

describe("regressionTest", () => {
  it("wants a test file added or changed; a removed test does not count", () => {
    expect(regressionTest(change(), DEFAULT_CONFIG)).toEqual([]);
    expect(regressionTest(change({ files: [file("src/cart.ts"), file("src/cart.test.ts", { status: "removed" })] }), DEFAULT_CONFIG)).toEqual([
      { level: "fail", message: "no regression test added or changed: add a test that reproduces the crash" },
    ]);
  });
});

describe("linkedIssue", () => {
  it("passes an open hotfix issue and explains every other link", () => {
    expect(linkedIssue(change(), DEFAULT_CONFIG)).toEqual([]);
    const links = [
      { ref: { ...repo, number: 1 }, issue: null },
      { ref: { owner: "acme", repo: "api", number: 2 }, issue: { state: "closed" as const, marker: marker([]) } },
      { ref: { ...repo, number: 3 }, issue: { state: "open" as const, marker: null } },
    ];
    expect(linkedIssue(change({ links }), DEFAULT_CONFIG)).toEqual([
      {
        level: "fail",
        message:
          "links no open hotfix issue: #1 is not an issue here; acme/api#2 is closed; #3 is not a hotfix issue (no hotfix-loop marker and no `hotfix` label)",
      },
    ]);
  });
  it("asks for a link when there is none, and only notes links it could not look up", () => {
    expect(linkedIssue(change({ links: [] }), DEFAULT_CONFIG)[0]?.message).toMatch(/^links no hotfix issue: add `Fixes #N`/);
    expect(linkedIssue(change({ links: [{ ref: { ...repo, number: 4 } }] }), DEFAULT_CONFIG)).toEqual([
      { level: "message", message: "links #4; not checked against GitHub here" },
    ]);
  });
});

describe("a file moved without a changed line (issue 19, item 3)", () => {
  const renamed = (path: string, changes: number) =>
    file(path, { status: "renamed", previousPath: path.replace("cart", "basket"), additions: changes, deletions: 0 });
  it("is no regression test; a renamed test with changed lines is one", () => {
    expect(regressionTest(change({ files: [file("src/cart.ts"), renamed("src/cart.test.ts", 0)] }), DEFAULT_CONFIG)).toEqual([
      { level: "fail", message: "no regression test added or changed: add a test that reproduces the crash" },
    ]);
    const copied = file("src/cart.test.ts", { status: "copied", previousPath: "src/old.test.ts", additions: 0, deletions: 0 });
    expect(regressionTest(change({ files: [file("src/cart.ts"), copied] }), DEFAULT_CONFIG)).toHaveLength(1);
    expect(regressionTest(change({ files: [file("src/cart.ts"), renamed("src/cart.test.ts", 3)] }), DEFAULT_CONFIG)).toEqual([]);
  });
  it("touches none of the crash's frames, at its old path or its new", () => {
    const links = [{ ref: { ...repo, number: 7 }, issue: { state: "open" as const, marker: marker(["src/cart.ts"]) } }];
    expect(touchesStack(change({ links, files: [renamed("src/cart.ts", 0)] }), DEFAULT_CONFIG)[0]?.level).toBe("warn");
    expect(touchesStack(change({ links, files: [renamed("src/cart.ts", 2)] }), DEFAULT_CONFIG)).toEqual([]);
  });
});

describe("the Action without the App: an open issue labelled hotfix (issue 21, item 5)", () => {
  const labelled = (labels: string[], state: "open" | "closed" = "open") => [
    { ref: { ...repo, number: 9 }, source: "description" as const, issue: { state, marker: null, labels } },
  ];
  it("passes linkedIssue saying what kind of link it found, and skips touchesStack with a note", () => {
    expect(linkedIssue(change({ links: labelled(["bug", "Hotfix"]) }), DEFAULT_CONFIG)).toEqual([
      {
        level: "message",
        message:
          "links #9, an open issue labelled `Hotfix` (found by the PR description); it carries no hotfix-loop marker, so the crash's stack is not known here",
      },
    ]);
    expect(touchesStack(change({ links: labelled(["hotfix"]) }), DEFAULT_CONFIG)).toEqual([
      { level: "message", message: "skipped: the linked issue carries no hotfix-loop marker, so the crash's stack frames are not known" },
    ]);
  });
  it("takes the labels from the config, and never a closed issue", () => {
    const urgent = config({ rules: { linkedIssue: { labels: ["urgent"] } } });
    expect(linkedIssue(change({ links: labelled(["hotfix"]) }), urgent)[0]?.level).toBe("fail");
    expect(linkedIssue(change({ links: labelled(["urgent"]) }), urgent)[0]?.level).toBe("message");
    expect(linkedIssue(change({ links: labelled(["hotfix"], "closed") }), DEFAULT_CONFIG)[0]?.level).toBe("fail");
  });
});

describe("touchesStack", () => {
  it("warns when no changed file is one of the crash's frames, leading ./ or / tolerated", () => {
    const links = [{ ref: { ...repo, number: 7 }, issue: { state: "open" as const, marker: marker(["./src/checkout.ts", "/src/pay.ts"]) } }];
    expect(touchesStack(change({ links, files: [file("src/pay.ts")] }), DEFAULT_CONFIG)).toEqual([]);
    expect(touchesStack(change({ links }), DEFAULT_CONFIG)).toEqual([
      { level: "warn", message: "the fix may miss the crash: it changes none of the crash's in-app stack files (`src/checkout.ts`, `src/pay.ts`)" },
    ]);
  });
  it("only notes an issue without frames, and says nothing without a hotfix issue", () => {
    const links = [{ ref: { ...repo, number: 7 }, issue: { state: "open" as const, marker: marker([]) } }];
    expect(touchesStack(change({ links }), DEFAULT_CONFIG)).toEqual([
      { level: "message", message: "the hotfix issue names no in-app stack frames to compare with" },
    ]);
    expect(touchesStack(change({ links: [] }), DEFAULT_CONFIG)).toEqual([]);
  });
});

describe("baseBranch", () => {
  it("accepts release lines and refuses other bases", () => {
    expect(baseBranch(change({ baseRef: "release/2.1" }), DEFAULT_CONFIG)).toEqual([]);
    expect(baseBranch(change({ baseRef: "develop" }), config({ rules: { baseBranch: { branches: ["main"] } } }))).toEqual([
      { level: "fail", message: "base branch `develop` is not one a hotfix may target (`main`)" },
    ]);
  });
});

describe("testCommand", () => {
  it("fails a non-zero exit, a kill and a time-out; passes exit 0 and no command", () => {
    const run = { command: "npm test", exitCode: 0, timedOut: false, outputTail: "" };
    expect(testCommand(change(), DEFAULT_CONFIG)).toEqual([]);
    expect(testCommand(change({ testRun: run }), DEFAULT_CONFIG)).toEqual([]);
    expect(testCommand(change({ testRun: { ...run, exitCode: 2 } }), DEFAULT_CONFIG)).toEqual([
      { level: "fail", message: "`npm test` failed with exit code 2" },
    ]);
    expect(testCommand(change({ testRun: { ...run, exitCode: null } }), DEFAULT_CONFIG)).toEqual([
      { level: "fail", message: "`npm test` failed with exit code (killed)" },
    ]);
    expect(testCommand(change({ testRun: { ...run, exitCode: null, timedOut: true } }), DEFAULT_CONFIG)).toEqual([
      { level: "fail", message: "`npm test` did not finish in time" },
    ]);
  });
});

describe("globMatcher", () => {
  it("matches exactly what picomatch's matcher of the same list matches", () => {
    const lists = [DEFAULT_CONFIG.rules.ignore, DEFAULT_CONFIG.rules.dependencies.manifests, DEFAULT_CONFIG.rules.regressionTest.paths];
    const globs = [
      ...lists,
      ["!src/**", "docs/*.md", "lib/[ab].ts", "**/*.{yml,yaml}"],
      // Globs ending in a fixed text are tried only on paths ending with it (finding.ts): exact names, `?`, slashes, a `+`.
      ["exact.txt", "docs/a?c.md", "**/c++/*.h", "infra/**", "**/*.tf", "**/gradle/libs.versions.toml", "src/*"],
    ];
    const paths = [
      "src/cart.ts",
      "package-lock.json",
      "apps/web/yarn.lock",
      ".github/workflows/ci.yml",
      "a/.hidden/Cargo.lock",
      "test/cart.test.ts",
      "src/FooTest.java",
      "requirements-dev.txt",
      "docs/readme.md",
      "docs/deep/readme.md",
      "lib/a.ts",
      "lib/[ab].ts",
      "**/go.sum",
      "package.json",
      "apps/package.json/",
      "apps/package.jsonx",
      "xpackage.json",
      "Pipfile",
      "Pipfile.lock",
      "a/Pipfile.lock/",
      "requirements.txt.bak",
      "terraform/main.tf",
      "main.tf/",
      ".tf",
      "a/../go.sum",
      "./yarn.lock",
      "a/./x.tf",
      "exact.txt",
      "a/exact.txt",
      "docs/abc.md",
      "docs/a/c.md",
      "lib/c++/x.h",
      "gradle/libs.versions.toml",
      "a/gradle/libs.versions.toml",
      "infra",
      "infra/x",
      "src/x/",
      "dist",
      "dist/app.js",
      "",
    ];
    for (const list of globs) {
      const reference = picomatch(list, { dot: true });
      const matcher = globMatcher(list);
      expect(paths.map((p) => matcher(p))).toEqual(paths.map((p) => reference(p)));
    }
    expect(globMatcher([])("src/cart.ts")).toBe(false);
  });
});
