import { pathsOf } from "../pull-request.js";
import { globMatcher, placeOf, type Finding, type NarrowDiffRule } from "./finding.js";

/** Migrations, workflows and infrastructure are not changed in a hotfix: one finding per file. */
export const forbiddenPaths: NarrowDiffRule = (change, config) => {
  const rule = config.rules.forbiddenPaths;
  if (!rule.enabled) return [];
  const forbidden = globMatcher(rule.paths);
  return change.files.flatMap((file): Finding[] => {
    const hit = pathsOf(file).find((p) => forbidden(p));
    return hit ? [{ level: rule.level, message: `\`${hit}\` is a path a hotfix must not change`, ...placeOf(file) }] : [];
  });
};
