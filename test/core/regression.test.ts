import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/core/config.js";
import {
  describeRegression,
  judgeRegression,
  releaseRef,
  releasesWithoutFix,
  reopens,
  type Comparison,
  type Fix,
  type RegressionQuestion,
} from "../../src/core/regression.js";

const links = DEFAULT_CONFIG.links;
const FIX: Fix = {
  pr: 12,
  mergeCommit: "f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1",
  commits: ["c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"],
  mergedAt: "2026-12-01T10:00:00.000Z",
};
const BACKPORT: Fix = { ...FIX, pr: 13, mergeCommit: "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2", mergedAt: "2026-12-02T10:00:00.000Z" };
const cmp = (status: Comparison["status"], aheadBy = 0, behindBy = 0): Comparison => ({ status, aheadBy, behindBy });

function question(overrides: Partial<RegressionQuestion> = {}): RegressionQuestion {
  return {
    release: "2026.12.07-3",
    releaseRef: "v2026.12.07-3",
    answers: [],
    releaseFirstSeen: "2026-12-07T09:00:00.000Z",
    resolvedAt: "2026-12-03T00:00:00.000Z",
    fixedIn: null,
    resolvedMaxVersion: null,
    ...overrides,
  };
}

describe("releaseRef", () => {
  it.each([
    ["a SHA release name", "9fceb02d0ae598e95dc970b74767f19372d61af8", {}, "9fceb02d0ae598e95dc970b74767f19372d61af8"],
    ["an abbreviated SHA, upper case", "9FCEB02", {}, "9fceb02"],
    ["Sentry's project@sha", "shop-web@9fceb02d", {}, "9fceb02d"],
    ["a +sha build suffix", "1.4.2+9fceb02", {}, "9fceb02"],
    ["the reporter's commit for this release", "1.4.2", { release: "1.4.2", commit: "ABCDEF1234" }, "abcdef1234"],
    ["semver through the tag template", "shop@1.4.2", {}, "v1.4.2"],
    ["a numeric build suffix is not a commit", "1.4.2+305", {}, "v1.4.2"],
    ["a date-named release through the tag template", "2026.12.07-3", {}, "v2026.12.07-3"],
    ["a build number of digits only is not a SHA", "20261207", {}, "v20261207"],
  ])("%s", (_name, release, report, expected) => {
    expect(releaseRef(release, report, links)).toBe(expected);
  });

  it("takes the reporter's commit only for the release it was sent with, and drops refs a link could not carry", () => {
    expect(releaseRef("1.4.3", { release: "1.4.2", commit: "abcdef1234" }, links)).toBe("v1.4.3");
    expect(releaseRef("2026.12.07-3", {}, { ...links, tagTemplate: "release/{release}" })).toBe("release/2026.12.07-3");
    expect(releaseRef("a b", {}, links)).toBeNull();
  });
});

describe("judgeRegression by commits", () => {
  it.each([
    ["ahead: the release contains the fix", cmp("ahead", 4, 0), "back"],
    ["identical: the release is the fix", cmp("identical"), "back"],
    ["behind: an old build", cmp("behind", 0, 9), "old-build"],
    ["diverged, first seen after the merge: a line without the fix", cmp("diverged", 3, 5), "missing"],
  ] as const)("%s", (_name, comparison, outcome) => {
    const verdict = judgeRegression(question({ answers: [{ fix: FIX, comparison }] }));
    expect(verdict).toMatchObject({ outcome, basis: "commits", release: "2026.12.07-3", releaseRef: "v2026.12.07-3", fix: FIX });
    expect(reopens(verdict)).toBe(outcome !== "old-build");
  });

  it("calls a diverged release first seen before the fix merged an old build", () => {
    const verdict = judgeRegression(
      question({ releaseFirstSeen: "2026-11-30T00:00:00.000Z", answers: [{ fix: FIX, comparison: cmp("diverged", 2, 2) }] }),
    );
    expect(verdict.outcome).toBe("old-build");
  });

  it("with a backport, one fix in the release is enough, and a line behind the backport is an old build", () => {
    const onMain = { fix: FIX, comparison: cmp("diverged", 2, 7) };
    expect(judgeRegression(question({ answers: [onMain, { fix: BACKPORT, comparison: cmp("ahead", 1) }] }))).toMatchObject({
      outcome: "back",
      fix: BACKPORT,
    });
    expect(judgeRegression(question({ answers: [onMain, { fix: BACKPORT, comparison: cmp("behind", 0, 1) }] }))).toMatchObject({
      outcome: "old-build",
      fix: BACKPORT,
    });
    expect(judgeRegression(question({ answers: [onMain] }))).toMatchObject({ outcome: "missing", behindBy: 7 });
  });

  it("ignores version order and dates when git answered", () => {
    const verdict = judgeRegression(question({ release: "9.9.9", fixedIn: "1.0.0", answers: [{ fix: FIX, comparison: cmp("behind", 0, 1) }] }));
    expect(verdict).toMatchObject({ outcome: "old-build", basis: "commits" });
  });
});

describe("judgeRegression without commits", () => {
  const byName = (release: string, fixedIn: string | null, resolvedMaxVersion: string | null) =>
    judgeRegression(question({ release, releaseRef: null, fixedIn, resolvedMaxVersion }));

  it("orders versions the way reporters write them, against fixedIn", () => {
    expect(byName("1.4.2", "1.4.2", "1.4.1")).toMatchObject({ outcome: "back", basis: "version-order" });
    expect(byName("my-app@1.4.3+77", "1.4.2", "1.4.1").outcome).toBe("back");
    expect(byName("1.4.2-beta.1", "1.4.2", "1.4.1").outcome).toBe("old-build");
    expect(byName("1.4.1", "1.4.2", "1.4.1").outcome).toBe("old-build");
    expect(byName("2.0.0", "v2.0.0", null).outcome).toBe("back");
  });

  it("without fixedIn, needs a version newer than every one seen before the close", () => {
    expect(byName("1.9.9", null, "1.10.0").outcome).toBe("old-build");
    expect(byName("1.10.0", null, "1.10.0").outcome).toBe("old-build");
    expect(byName("1.10.1", null, "1.10.0")).toMatchObject({ outcome: "back", basis: "version-order" });
  });

  it("judges names that are not versions by when the release was first seen: an old build seen before the close never reopens", () => {
    const seenBefore = { releaseFirstSeen: "2026-12-01T00:00:00.000Z", resolvedAt: "2026-12-03T00:00:00.000Z" };
    expect(judgeRegression(question({ ...seenBefore, release: "9fceb02", releaseRef: null }))).toMatchObject({
      outcome: "old-build",
      basis: "first-seen",
    });
    expect(judgeRegression(question({ release: "9fceb02", releaseRef: null }))).toMatchObject({ outcome: "back", basis: "first-seen" });
    expect(judgeRegression(question({ release: "shop@octocat", releaseRef: null, fixedIn: "shop@1.4.2" })).basis).toBe("first-seen");
  });
});

describe("releasesWithoutFix", () => {
  it("gives the releases that do not contain the fix, whatever their names", () => {
    const answers = new Map<string, Comparison>([
      ["9fceb02", cmp("behind", 0, 3)],
      ["2026.12.07-3", cmp("ahead", 2)],
      ["1.4.2", cmp("identical")],
      ["release-1.3@77aa88b", cmp("diverged", 1, 4)],
    ]);
    expect(releasesWithoutFix(answers)).toEqual(["9fceb02", "release-1.3@77aa88b"]);
    expect(releasesWithoutFix(new Map())).toEqual([]);
  });
});

describe("describeRegression", () => {
  it("says the crash is back in a release that contains the fix", () => {
    const verdict = judgeRegression(question({ answers: [{ fix: FIX, comparison: cmp("ahead", 3) }] }));
    expect(describeRegression(verdict, null)).toBe(
      "**The crash is back in `2026.12.07-3`**: `2026.12.07-3` (`v2026.12.07-3`) contains the fix (#12, merged as `f1f1f1f1f1f1`), and this crash happened in it again.",
    );
  });

  it("says the fix is missing, with the commits to port", () => {
    const verdict = judgeRegression(question({ answers: [{ fix: FIX, comparison: cmp("diverged", 2, 1) }] }));
    const text = describeRegression(verdict, null);
    expect(text).toMatch(/^\*\*The fix is missing from `2026\.12\.07-3`\*\*: .* on a line that does not contain it, 1 commit of the fix's line\./);
    expect(text).toContain("Commits to port: `c0ffee00c0ff`.");
    // A PR whose commits could not be read: the merge commit is the one to port.
    const bare = judgeRegression(question({ answers: [{ fix: { ...FIX, commits: [] }, comparison: cmp("diverged", 2, 1) }] }));
    expect(describeRegression(bare, null)).toContain("Commits to port: `f1f1f1f1f1f1`.");
  });

  it("says when release names decided, and a release name cannot break out of its code span", () => {
    expect(describeRegression(judgeRegression(question({ release: "1.4.3", releaseRef: null, fixedIn: "1.4.2" })), "1.4.2")).toBe(
      "**Regressed in `1.4.3`**: this crash happened again, after the fix in `1.4.2`.\n\nJudged by version order: no commit of the release or of the fix could be found.",
    );
    expect(describeRegression(judgeRegression(question({ release: "9fceb02", releaseRef: null })), null)).toContain("Judged by release dates");
    expect(describeRegression(judgeRegression(question({ release: "x`@team`", releaseRef: null })), null)).toMatch(
      /^\*\*Regressed in `` x`@team` ``\*\*/,
    );
  });
});
