import type { NarrowDiffRule } from "./finding.js";

/** The `test-command` input (or `--test-command` flag), when one ran, passed in time. */
export const testCommand: NarrowDiffRule = (change) => {
  const run = change.testRun;
  if (!run) return [];
  if (run.refused) return [{ level: "fail", message: `\`${run.command}\` was not run: ${run.refused}` }];
  if (run.timedOut) return [{ level: "fail", message: `\`${run.command}\` did not finish in time` }];
  if (run.exitCode !== 0) return [{ level: "fail", message: `\`${run.command}\` failed with exit code ${run.exitCode ?? "(killed)"}` }];
  return [];
};
