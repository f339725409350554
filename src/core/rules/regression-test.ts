import { changesContent } from "../pull-request.js";
import { globMatcher, type NarrowDiffRule } from "./finding.js";

/** A hotfix adds or changes a test that reproduces the crash: a test file moved without a changed line is neither. */
export const regressionTest: NarrowDiffRule = (change, config) => {
  const rule = config.rules.regressionTest;
  if (!rule.enabled) return [];
  const isTest = globMatcher(rule.paths);
  if (change.files.some((f) => f.status !== "removed" && changesContent(f) && isTest(f.path))) return [];
  return [{ level: rule.level, message: "no regression test added or changed: add a test that reproduces the crash" }];
};
