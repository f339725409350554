import { PR_FILES_CAP } from "../pull-request.js";
import type { NarrowDiffRule } from "./finding.js";
import { changeSize } from "./size.js";

/** A hotfix changes few files (ignored paths aside). */
export const maxFiles: NarrowDiffRule = (change, config) => {
  const rule = config.rules.maxFiles;
  const { files, listedAll } = changeSize(change, config);
  if (!rule.enabled || files <= rule.limit) return [];
  const beyond = listedAll ? "" : ` (GitHub lists only the first ${PR_FILES_CAP.toLocaleString("en-US")})`;
  return [{ level: rule.level, message: `${files} files changed${beyond}; a hotfix changes at most ${rule.limit}` }];
};
