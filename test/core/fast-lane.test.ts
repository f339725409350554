import { describe, expect, it } from "vitest";
import {
  branchVersion,
  conflictComment,
  conflictCommentPrefix,
  deployDispatch,
  parsePortMarker,
  pickPlan,
  portedFrom,
  portOf,
  portPullRequest,
  portTargets,
  type MergedHotfix,
} from "../../src/core/fast-lane.js";

const BRANCHES = [
  "main",
  "release/4.11",
  "release/4.12",
  "release/4.12.1",
  "release/4.13",
  "release/5.0",
  "release/next",
  "feature/x",
  "releases/4.14",
];

describe("portTargets", () => {
  it.each([
    ["into a release branch, no portTo: the default branch only", "release/4.12", [], ["main"]],
    [
      "newer release branches matching portTo, oldest first, after the default branch",
      "release/4.12",
      ["release/*"],
      ["main", "release/4.12.1", "release/4.13", "release/5.0"],
    ],
    ["never older ones nor the base itself", "release/4.13", ["release/*"], ["main", "release/5.0"]],
    ["a branch whose name has no version is never a glob target", "release/5.0", ["release/*"], ["main"]],
    ["several globs", "release/4.13", ["release/*", "releases/*"], ["main", "releases/4.14", "release/5.0"]],
    ["merged into the default branch: nothing to forward-port", "main", [], []],
    ["merged into the default branch: no glob target either (no version to be newer than)", "main", ["release/*"], []],
    ["a glob matching nothing", "release/4.12", ["hotfix-base/*"], ["main"]],
  ])("%s", (_why, base, portTo, expected) => {
    expect(portTargets({ base, defaultBranch: "main", branches: BRANCHES, portTo })).toEqual(expected);
  });

  it("reads the version from the last path segment", () => {
    expect(branchVersion("release/4.12")?.version).toBe("4.12.0");
    expect(branchVersion("v2/release-3.1")?.version).toBe("3.1.0");
    expect(branchVersion("release/next")).toBeNull();
  });
});

const pr: MergedHotfix = {
  number: 41,
  title: "Guard empty cart in total()",
  base: "release/4.12",
  mergeCommitSha: "a".repeat(40),
  mergeCommitParents: 2,
  commits: 2,
  issues: [{ number: 7, open: true }],
};

describe("pickPlan", () => {
  it.each([
    ["a merge commit: against its first parent", { mergeCommitParents: 2, commits: 3 }, "merge-commit"],
    ["one commit, squashed or rebased: the commit itself", { mergeCommitParents: 1, commits: 1 }, "commit"],
    ["several commits without a merge commit: the PR's own commits", { mergeCommitParents: 1, commits: 3 }, "pr-commits"],
  ] as const)("%s", (_why, shape, kind) => {
    expect(pickPlan({ ...pr, ...shape }).kind).toBe(kind);
  });
});

describe("the port PR", () => {
  it("names the hotfix PR, closes the open hotfix issue, carries the label and a marker", () => {
    const port = portPullRequest(pr, "main");
    expect(port).toMatchObject({ head: "hotfix-port/41-to-main", base: "main", title: "[main] Guard empty cart in total()", labels: ["hotfix"] });
    expect(port.body).toContain("Ports #41 (Guard empty cart in total()) from `release/4.12` to `main`");
    expect(port.body).toContain("Fixes #7");
    expect(parsePortMarker(port.body)).toEqual({ pull: 41, target: "main" });
  });

  it("only names a hotfix issue that is already closed, with no closing keyword", () => {
    const body = portPullRequest({ ...pr, issues: [{ number: 7, open: false }] }, "main").body;
    expect(body).toContain("Hotfix issue: #7");
    expect(body).not.toMatch(/\b(fix|fixes|fixed|close[sd]?|resolve[sd]?)\s+#7/i);
  });
});

describe("the conflict comment", () => {
  it("lists the files and the exact commands, and carries the marker a rerun finds it by", () => {
    const text = conflictComment(pr, "main", pickPlan(pr), ["src/cart.ts", "src/total.ts"]);
    expect(text).toContain("- `src/cart.ts`\n- `src/total.ts`");
    const commands = text
      .slice(text.indexOf("```sh\n") + 6, text.lastIndexOf("```"))
      .trim()
      .split("\n");
    expect(commands).toEqual([
      "git fetch origin main release/4.12",
      "git switch -c hotfix-port/41-to-main origin/main",
      `git cherry-pick -x -m 1 ${"a".repeat(40)}`,
      "# resolve the conflicts, git add the files, then: git cherry-pick --continue",
      "git push origin hotfix-port/41-to-main",
      'gh pr create --base main --head hotfix-port/41-to-main --label hotfix --title "[main] Guard empty cart in total()" --body "Ports #41. Fixes #7."',
    ]);
    expect(text).toContain(conflictCommentPrefix(41, "main"));
    expect(text).not.toContain(conflictCommentPrefix(41, "release/4.13"));
  });

  it("fetches the PR's own commits when they are what is picked", () => {
    const plan = pickPlan({ ...pr, mergeCommitParents: 1, commits: 3 });
    const text = conflictComment(pr, "main", plan, ["a.ts"]);
    expect(text).toContain("git fetch origin pull/41/head");
    expect(text).toContain(`git cherry-pick -x $(git rev-list --reverse --no-merges FETCH_HEAD ^${"a".repeat(40)}^1)`);
  });

  it("escapes a title that would end the quoted shell word", () => {
    const text = conflictComment({ ...pr, title: 'Fix "total" $HOME `x`' }, "main", pickPlan(pr), ["a.ts"]);
    expect(text).toContain('--title "[main] Fix \\"total\\" \\$HOME \\`x\\`"');
  });
});

describe("deployDispatch", () => {
  it("runs at the branch merged into unless a ref is set, and always sends the merged commit as version", () => {
    const merged = { base: "release/4.12", mergeCommitSha: "b".repeat(40) };
    expect(deployDispatch({ workflow: "deploy.yml", inputs: { environment: "production" } }, merged)).toEqual({
      workflow: "deploy.yml",
      ref: "release/4.12",
      inputs: { environment: "production", version: "b".repeat(40) },
    });
    expect(deployDispatch({ workflow: "deploy.yml", ref: "main", inputs: { version: "x" } }, merged)).toMatchObject({
      ref: "main",
      inputs: { version: "b".repeat(40) },
    });
  });
});

describe("portedFrom", () => {
  const body = portPullRequest(pr, "main").body;
  it.each([
    ["a merged port onto the default branch: the hotfix PR", { body, base: "main", merged: true }, 41],
    ["not merged", { body, base: "main", merged: false }, null],
    ["a port onto a release branch", { body: portPullRequest(pr, "release/4.13").body, base: "release/4.13", merged: true }, null],
    ["a PR without the marker", { body: "Fixes #7", base: "main", merged: true }, null],
    ["a marker quoted into a PR onto another base", { body, base: "release/4.13", merged: true }, null],
    [
      "a port made by hand (the conflict comment's branch, no marker)",
      { body: "Ports #41. Fixes #7.", base: "main", head: "hotfix-port/41-to-main", merged: true },
      41,
    ],
    ["a port branch made by hand onto another base", { body: "", base: "release/4.13", head: "hotfix-port/41-to-main", merged: true }, null],
    ["a branch that only looks like one", { body: "", base: "main", head: "feature/hotfix-port/41-to-main", merged: true }, null],
  ])("%s", (_why, merged, expected) => {
    expect(portedFrom(merged, "main")).toBe(expected);
  });
});

describe("portOf", () => {
  it.each([
    [
      "an open port onto a release branch",
      { body: portPullRequest(pr, "release/4.13").body, base: "release/4.13" },
      { pull: 41, target: "release/4.13" },
    ],
    ["an open port onto the default branch", { body: portPullRequest(pr, "main").body, base: "main" }, { pull: 41, target: "main" }],
    ["a port made by hand", { body: null, base: "release/4.13", head: "hotfix-port/41-to-release/4.13" }, { pull: 41, target: "release/4.13" }],
    [
      "a marker whose target is not the base, whatever the branch says",
      { body: portPullRequest(pr, "main").body, base: "release/4.13", head: "hotfix-port/41-to-release/4.13" },
      null,
    ],
    ["an ordinary PR", { body: "Fixes #7", base: "main", head: "hotfix/cart" }, null],
  ])("%s", (_why, candidate, expected) => {
    expect(portOf(candidate)).toEqual(expected);
  });
});
