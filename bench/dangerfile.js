// The bench's peer (bench/check.ts): danger-js applying hotfix-loop's size, lockfile and regression-test rules to the
// same PR. The limits and globs come from hotfix-loop's defaults through HOTFIX_RULES, so both judge by the same numbers.
// danger's runner provides `danger`, `fail` and `schedule`; `require` resolves from here, so picomatch is the repository's.
const picomatch = require("picomatch");

const rules = JSON.parse(process.env.HOTFIX_RULES ?? "{}");
const matcher = (globs) => picomatch(globs, { dot: true });
const isIgnored = matcher(rules.ignore);
const isManifest = matcher(rules.manifests);
const isTest = matcher(rules.tests);

const { created_files: created, modified_files: modified, deleted_files: deleted } = danger.git;
const changed = [...created, ...modified, ...deleted];
const counted = changed.filter((path) => !isIgnored(path));
const pr = danger.github.pr;

schedule(async () => {
  // The PR's totals less the lines of ignored files, which only the diff of each has.
  const ignored = await Promise.all(changed.filter(isIgnored).map((path) => danger.git.diffForFile(path)));
  const ignoredLines = ignored.reduce((sum, diff) => sum + (diff ? diff.added.split("\n").length + diff.removed.split("\n").length : 0), 0);
  // GitHub lists at most 3,000 files: the ones it did not list count as changed.
  const files = counted.length + Math.max(0, pr.changed_files - changed.length);
  const lines = pr.additions + pr.deletions - ignoredLines;
  if (files > rules.maxFiles) fail(`${files} files changed; a hotfix changes at most ${rules.maxFiles}`);
  if (lines > rules.maxLines) fail(`${lines} lines changed; a hotfix changes at most ${rules.maxLines}`);
  for (const path of changed.filter(isManifest))
    fail(`dependency manifest or lockfile \`${path}\` changed; ship dependency changes outside the hotfix`, path);
  if (![...created, ...modified].some(isTest)) fail("no regression test added or changed: add a test that reproduces the crash");
});
