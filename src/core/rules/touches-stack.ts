import { changesContent, hotfixIssueKind, isHotfixIssue, pathsOf } from "../pull-request.js";
import { codeList, type NarrowDiffRule } from "./finding.js";

/** Frame paths as the App writes them are repo-relative; tolerate a leading `./` or `/`. */
const repoRelative = (path: string) => path.replace(/^(?:\.\/|\/)+/, "");

/** The fix changes at least one file of the crash's in-app stack frames, as the linked hotfix issue records them. */
export const touchesStack: NarrowDiffRule = (change, config) => {
  const rule = config.rules.touchesStack;
  if (!rule.enabled) return [];
  const issues = change.links.filter(isHotfixIssue);
  if (issues.length === 0) {
    // An issue accepted by its label (the Action without the App) records no stack: nothing to compare with.
    const labelled = change.links.some((l) => hotfixIssueKind(l, config.rules.linkedIssue.labels)?.kind === "label");
    return labelled
      ? [{ level: "message", message: "skipped: the linked issue carries no hotfix-loop marker, so the crash's stack frames are not known" }]
      : [];
  }
  const frames = [...new Set(issues.flatMap((l) => l.issue?.marker?.frames ?? []).map(repoRelative))];
  if (frames.length === 0) return [{ level: "message", message: "the hotfix issue names no in-app stack frames to compare with" }];
  const changed = new Set(change.files.filter(changesContent).flatMap(pathsOf));
  if (frames.some((f) => changed.has(f))) return [];
  return [{ level: rule.level, message: `the fix may miss the crash: it changes none of the crash's in-app stack files (${codeList(frames)})` }];
};
