import { isHotfixIssue, pathsOf } from "../pull-request.js";
import { codeList, type NarrowDiffRule } from "./finding.js";

/** Frame paths as the App writes them are repo-relative; tolerate a leading `./` or `/`. */
const repoRelative = (path: string) => path.replace(/^(?:\.\/|\/)+/, "");

/** The fix changes at least one file of the crash's in-app stack frames, as the linked hotfix issue records them. */
export const touchesStack: NarrowDiffRule = (change, config) => {
  const rule = config.rules.touchesStack;
  const issues = change.links.filter(isHotfixIssue);
  if (!rule.enabled || issues.length === 0) return [];
  const frames = [...new Set(issues.flatMap((l) => l.issue?.marker?.frames ?? []).map(repoRelative))];
  if (frames.length === 0) return [{ level: "message", message: "the hotfix issue names no in-app stack frames to compare with" }];
  const changed = new Set(change.files.flatMap(pathsOf));
  if (frames.some((f) => changed.has(f))) return [];
  return [{ level: rule.level, message: `the fix may miss the crash: it changes none of the crash's in-app stack files (${codeList(frames)})` }];
};
