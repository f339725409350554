import picomatch from "picomatch";
import { codeList, type NarrowDiffRule } from "./finding.js";

/** A hotfix targets a release line (main, release branches), not a feature branch. */
export const baseBranch: NarrowDiffRule = (change, config) => {
  const rule = config.rules.baseBranch;
  if (!rule.enabled || rule.branches.some((glob) => picomatch(glob)(change.baseRef))) return [];
  return [{ level: rule.level, message: `base branch \`${change.baseRef}\` is not one a hotfix may target (${codeList(rule.branches)})` }];
};
