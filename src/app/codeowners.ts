import ignore from "ignore";

/**
 * GitHub's CODEOWNERS: gitignore patterns (matched by the `ignore` package, which implements
 * git's rules), the last matching line wins, and a line with no owners means the path has none.
 * Where GitHub's documented rules differ from gitignore, the pattern is adjusted: `docs/*` owns
 * the files directly in `docs/` only, paths are case-sensitive, and `!` negation and `[ ]` ranges
 * do not work. Only `@login` owners can be issue assignees; teams and e-mail owners are dropped.
 */

/** Where GitHub looks for the file, in the order it looks. */
export const CODEOWNERS_PATHS = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"] as const;

export interface CodeownersRule {
  pattern: string;
  owners: string[];
  matches: (path: string) => boolean;
}

function matcherFor(pattern: string): (path: string) => boolean {
  // `[` is a literal in CODEOWNERS; gitignore would read a character range.
  const gitignore = pattern.replace(/\[/g, "\\[");
  const patterns = [gitignore];
  // gitignore lets `dir/*` match the directory `dir/sub` and so everything under it; GitHub does not.
  if (/(^|\/)\*$/.test(gitignore) && gitignore !== "*") patterns.push(`!${gitignore}/`);
  const matcher = ignore({ ignorecase: false }).add(patterns);
  return (path) => {
    const relative = path.replace(/^(?:\.\/|\/)+/, "");
    return ignore.isPathValid(relative) && matcher.ignores(relative);
  };
}

export function parseCodeowners(text: string): CodeownersRule[] {
  const rules: CodeownersRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (!line) continue;
    const [pattern, ...owners] = line.split(/\s+/);
    // GitHub skips a negated pattern as an error rather than un-owning the paths.
    if (!pattern || pattern.startsWith("!")) continue;
    rules.push({ pattern, owners, matches: matcherFor(pattern) });
  }
  return rules;
}

/** User logins (without "@") owning `path`: the last matching rule decides. */
export function userOwnersOf(rules: CodeownersRule[], path: string): string[] {
  for (let i = rules.length - 1; i >= 0; i--) {
    const rule = rules[i]!;
    if (!rule.matches(path)) continue;
    return rule.owners.filter((owner) => /^@[A-Za-z0-9-]+$/.test(owner)).map((owner) => owner.slice(1));
  }
  return [];
}
