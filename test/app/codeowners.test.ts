import { describe, expect, it } from "vitest";
import { parseCodeowners, userOwnersOf } from "../../src/app/codeowners.js";

// Patterns as GitHub documents them in "About code owners" (docs.github.com), example CODEOWNERS file.
const FILE = `
# These owners will be the default owners for everything in the repo.
*       @global-owner1 @global-owner2
*.js    @js-owner #This is an inline comment.
*.go docs@example.com
/build/logs/ @doctocat
docs/*  docs@example.com
apps/ @octocat
/docs/ @doctocat
/scripts/ @doctocat @octo-org/octocats
/apps/github
`;

describe("CODEOWNERS", () => {
  const rules = parseCodeowners(FILE);

  it("the last matching pattern wins", () => {
    expect(userOwnersOf(rules, "src/index.js")).toEqual(["js-owner"]);
    expect(userOwnersOf(rules, "README.md")).toEqual(["global-owner1", "global-owner2"]);
    expect(userOwnersOf(rules, "apps/web/main.ts")).toEqual(["octocat"]);
  });

  it("a pattern with no owners leaves the path without owners", () => {
    expect(userOwnersOf(rules, "apps/github/index.ts")).toEqual([]);
  });

  it("anchored patterns match at the root only; unanchored ones at any depth", () => {
    expect(userOwnersOf(rules, "build/logs/out.txt")).toEqual(["doctocat"]);
    expect(userOwnersOf(rules, "src/build/logs/out.txt")).toEqual(["global-owner1", "global-owner2"]);
    expect(userOwnersOf(rules, "src/apps/x.rb")).toEqual(["octocat"]);
  });

  it("teams and e-mail owners are not assignable", () => {
    expect(userOwnersOf(rules, "scripts/deploy.sh")).toEqual(["doctocat"]);
    expect(userOwnersOf(rules, "tools/main.go")).toEqual([]);
  });
});
