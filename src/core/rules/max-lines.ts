import type { NarrowDiffRule } from "./finding.js";
import { changeSize } from "./size.js";

/** A hotfix changes few lines (ignored paths aside). */
export const maxLines: NarrowDiffRule = (change, config) => {
  const rule = config.rules.maxLines;
  const { lines, listedAll } = changeSize(change, config);
  if (!rule.enabled || lines <= rule.limit) return [];
  const atLeast = listedAll ? "" : "at least ";
  return [{ level: rule.level, message: `${atLeast}${lines} lines changed; a hotfix changes at most ${rule.limit}` }];
};
