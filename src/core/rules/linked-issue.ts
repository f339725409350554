import { formatIssueRef, hotfixIssueKind, linkSourceText, type IssueLink } from "../pull-request.js";
import type { NarrowDiffRule } from "./finding.js";

/**
 * A hotfix closes an open hotfix issue, so the fix and the crash stay linked: one the App opened (its marker), or, for a
 * team that runs the Action without the App, an open issue with one of the rule's labels. The check says which it found.
 */
export const linkedIssue: NarrowDiffRule = (change, config) => {
  const rule = config.rules.linkedIssue;
  if (!rule.enabled) return [];
  const ref = (l: IssueLink) => formatIssueRef(l.ref, change.repo);
  const found = change.links.map((link) => ({ link, kind: hotfixIssueKind(link, rule.labels) }));
  const byMarker = found.find((f) => f.kind?.kind === "marker");
  if (byMarker) return [];
  const byLabel = found.find((f) => f.kind?.kind === "label");
  if (byLabel?.kind?.kind === "label") {
    const { link, kind } = byLabel;
    return [
      {
        level: "message",
        message: `links ${ref(link)}, an open issue labelled \`${kind.label}\` (found by ${linkSourceText(link.source)}); it carries no hotfix-loop marker, so the crash's stack is not known here`,
      },
    ];
  }
  const unchecked = change.links.filter((l) => l.issue === undefined);
  if (unchecked.length > 0) return [{ level: "message", message: `links ${unchecked.map(ref).join(", ")}; not checked against GitHub here` }];
  if (change.links.length === 0) {
    return [{ level: rule.level, message: "links no hotfix issue: add `Fixes #N` naming the crash's issue to the PR description" }];
  }
  const labels = rule.labels.map((l) => `\`${l}\``).join(" or ");
  const why = change.links.map((l) => {
    if (!l.issue) return `${ref(l)} is not an issue here`;
    if (l.issue.state === "closed") return `${ref(l)} is closed`;
    return `${ref(l)} is not a hotfix issue (no hotfix-loop marker${labels ? ` and no ${labels} label` : ""})`;
  });
  return [{ level: rule.level, message: `links no open hotfix issue: ${why.join("; ")}` }];
};
