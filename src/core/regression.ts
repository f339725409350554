import * as z from "zod";
import { linkRef, type Links } from "./links.js";
import { codeSpan } from "./markdown.js";
import { isNewer, isSameOrNewer, isVersion } from "./version.js";

/**
 * Whether a crash seen again after its issue was closed is news: git answers it when the
 * crashing release resolves to a commit and the fix's merge is known (GitHub's compare of
 * fix...release), the release names only when it cannot. Pure: the compare answers, the
 * fix and the dates come in; a verdict comes out, stored as it is and rendered into the
 * reopening comment.
 */

/** GitHub's compare of base...head: `ahead` when head has commits base lacks and lacks none of base's. */
export const Comparison = z.object({
  status: z.enum(["ahead", "behind", "identical", "diverged"]),
  aheadBy: z.number().int().nonnegative(),
  behindBy: z.number().int().nonnegative(),
});
export type Comparison = z.infer<typeof Comparison>;

/** A merged hotfix PR as the App recorded it from its pull_request event. */
export const Fix = z.object({
  pr: z.number().int().positive(),
  /** GitHub's merge_commit_sha: the merge, squash or last rebased commit; every fix commit is its ancestor. */
  mergeCommit: z.string().min(1),
  /** The PR's own commits, what a line without the fix must take. */
  commits: z.array(z.string().min(1)),
  mergedAt: z.string(),
});
export type Fix = z.infer<typeof Fix>;

export const RegressionVerdict = z.object({
  /** back: the crash happened in a release that has the fix; missing: in a newer release without it; old-build: not news. */
  outcome: z.enum(["back", "missing", "old-build"]),
  /** commits: git ancestry; version-order: the release names as versions; first-seen: when the release was first seen. */
  basis: z.enum(["commits", "version-order", "first-seen"]),
  release: z.string(),
  /** The commit or tag the release resolved to, when one was found. */
  releaseRef: z.string().optional(),
  /** The fix the answer is about (basis commits). */
  fix: Fix.optional(),
  /** Commits of the fix's line the release lacks (compare's behind_by). */
  behindBy: z.number().int().nonnegative().optional(),
});
export type RegressionVerdict = z.infer<typeof RegressionVerdict>;

/** Abbreviated (7+) or full hex; a name of digits only is a build number, not a commit. */
const SHA = /^[0-9a-f]{7,40}$/i;
const isSha = (text: string) => SHA.test(text) && /[a-f]/i.test(text);

/**
 * The git ref a release was built from: the reporter's commit for that release, a SHA
 * release name (also Sentry's `project@sha`), a `+sha` build suffix, else the tag
 * `links.tagTemplate` names. Null when none is a plain ref.
 */
export function releaseRef(release: string, report: { release?: string | undefined; commit?: string | undefined }, links: Links): string | null {
  if (report.release?.trim() === release && report.commit && isSha(report.commit)) return report.commit.toLowerCase();
  const name = release.slice(release.lastIndexOf("@") + 1);
  if (isSha(name)) return name.toLowerCase();
  const suffix = name.slice(name.lastIndexOf("+") + 1);
  if (name.includes("+") && isSha(suffix)) return suffix.toLowerCase();
  return linkRef(undefined, undefined, release, links);
}

const containsFix = (c: Comparison) => c.status === "ahead" || c.status === "identical";

/**
 * The releases that do not contain the fix, from GitHub's compare of fix...release per release:
 * the "before" of a verification, whatever the releases are called.
 */
export function releasesWithoutFix(answers: ReadonlyMap<string, Comparison>): string[] {
  return [...answers].filter(([, answer]) => !containsFix(answer)).map(([release]) => release);
}

export interface RegressionQuestion {
  release: string;
  releaseRef: string | null;
  /** Compare answers of fix...releaseRef, one per recorded fix that GitHub could compare. */
  answers: { fix: Fix; comparison: Comparison }[];
  /** When the release was first seen in the repository (any crash), ISO. */
  releaseFirstSeen: string;
  /** When the issue was closed, ISO. */
  resolvedAt: string;
  fixedIn: string | null;
  /** Newest version seen before the close. */
  resolvedMaxVersion: string | null;
}

/**
 * With compare answers: in a release with any fix, the crash is back; behind a fix (or on
 * a line that branched off before it, first seen before it merged), an old build; else the
 * fix is missing from the release. Without: release names, by version order when both
 * sides read as versions, else by whether the release was first seen after the close.
 */
export function judgeRegression(q: RegressionQuestion): RegressionVerdict {
  const ref = q.releaseRef === null ? {} : { releaseRef: q.releaseRef };
  if (q.answers.length > 0) {
    const per = q.answers.map(({ fix, comparison }) => ({
      fix,
      comparison,
      outcome: containsFix(comparison)
        ? ("back" as const)
        : comparison.status === "diverged" && q.releaseFirstSeen > fix.mergedAt
          ? ("missing" as const)
          : ("old-build" as const),
    }));
    const chosen = per.find((p) => p.outcome === "back") ?? per.find((p) => p.outcome === "old-build") ?? per[0]!;
    return {
      outcome: chosen.outcome,
      basis: "commits",
      release: q.release,
      ...ref,
      fix: chosen.fix,
      behindBy: chosen.comparison.behindBy,
    };
  }
  const anchor = q.fixedIn ?? q.resolvedMaxVersion;
  if (anchor !== null && (q.release === anchor || (isVersion(q.release) && isVersion(anchor)))) {
    const back = q.fixedIn !== null ? isSameOrNewer(q.release, q.fixedIn) : isNewer(q.release, anchor);
    return { outcome: back ? "back" : "old-build", basis: "version-order", release: q.release, ...ref };
  }
  return { outcome: q.releaseFirstSeen > q.resolvedAt ? "back" : "old-build", basis: "first-seen", release: q.release, ...ref };
}

/** Whether the verdict reopens the issue. */
export const reopens = (verdict: RegressionVerdict) => verdict.outcome !== "old-build";

const short = (sha: string) => codeSpan(sha.slice(0, 12));

/** The reopening comment's words: what happened, and what it was judged by. */
export function describeRegression(verdict: RegressionVerdict, fixedIn: string | null): string {
  const release = codeSpan(verdict.release);
  const fix = verdict.fix ? `the fix (#${verdict.fix.pr}, merged as ${short(verdict.fix.mergeCommit)})` : "the fix";
  const at = verdict.releaseRef && verdict.releaseRef !== verdict.release ? ` (${codeSpan(verdict.releaseRef)})` : "";
  if (verdict.basis === "commits" && verdict.outcome === "missing") {
    const port = verdict.fix && verdict.fix.commits.length > 0 ? verdict.fix.commits : verdict.fix ? [verdict.fix.mergeCommit] : [];
    const behind = verdict.behindBy ? `, ${verdict.behindBy} commit${verdict.behindBy === 1 ? "" : "s"} of the fix's line` : "";
    return [
      `**The fix is missing from ${release}**: this crash happened in ${release}${at}, a release first seen after ${fix}, on a line that does not contain it${behind}.`,
      port.length > 0 ? `\nCommits to port: ${port.map(short).join(", ")}.` : "",
    ].join("\n");
  }
  if (verdict.basis === "commits")
    return `**The crash is back in ${release}**: ${release}${at} contains ${fix}, and this crash happened in it again.`;
  const after = fixedIn ? `, after the fix in ${codeSpan(fixedIn)}` : "";
  const why =
    verdict.basis === "version-order"
      ? "Judged by version order: no commit of the release or of the fix could be found."
      : "Judged by release dates: no commit of the release or of the fix could be found, and the release was first seen after the issue was closed.";
  return `**Regressed in ${release}**: this crash happened again${after}.\n\n${why}`;
}
