import picomatch from "picomatch";

/**
 * GitHub's CODEOWNERS: gitignore-style patterns, the last matching line wins, and a
 * line with no owners means the path has none. Only `@login` owners can be issue
 * assignees; teams (`@org/team`) and e-mail owners are dropped.
 */

/** Where GitHub looks for the file, in the order it looks. */
export const CODEOWNERS_PATHS = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"] as const;

export interface CodeownersRule {
  pattern: string;
  owners: string[];
  matches: (path: string) => boolean;
}

function matcherFor(pattern: string): (path: string) => boolean {
  let glob = pattern;
  const directoryOnly = glob.endsWith("/");
  if (directoryOnly) glob = glob.slice(0, -1);
  // A slash at the start or in the middle anchors the pattern at the repository root;
  // without one it matches at any depth.
  const anchored = glob.includes("/");
  glob = glob.replace(/^\//, "");
  if (!anchored) glob = `**/${glob}`;
  // A pattern naming a directory owns everything under it.
  const globs = directoryOnly ? [`${glob}/**`] : [glob, `${glob}/**`];
  return picomatch(globs, { dot: true });
}

export function parseCodeowners(text: string): CodeownersRule[] {
  const rules: CodeownersRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (!line) continue;
    const [pattern, ...owners] = line.split(/\s+/);
    if (!pattern) continue;
    rules.push({ pattern, owners, matches: matcherFor(pattern.replace(/\\#/g, "#")) });
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
