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

// The rest of GitHub's documented examples, each with the path it names and one it does not.
describe("CODEOWNERS as GitHub documents it", () => {
  const owners = (file: string, path: string) => userOwnersOf(parseCodeowners(file), path);

  it("`docs/*` owns the files in docs/ but not those in its subfolders", () => {
    expect(owners("docs/*  @writer", "docs/getting-started.md")).toEqual(["writer"]);
    expect(owners("docs/*  @writer", "docs/build-app/troubleshooting.md")).toEqual([]);
    expect(owners("* @all\ndocs/* @writer", "docs/a/b.md")).toEqual(["all"]);
  });

  it("a trailing slash owns a directory and everything below it, at any depth unless anchored", () => {
    expect(owners("apps/ @octocat", "apps/web/src/main.ts")).toEqual(["octocat"]);
    expect(owners("apps/ @octocat", "services/apps/x.rb")).toEqual(["octocat"]);
    expect(owners("/docs/ @doctocat", "docs/a/b/c.md")).toEqual(["doctocat"]);
    expect(owners("/docs/ @doctocat", "src/docs/a.md")).toEqual([]);
  });

  it("`**` matches any number of folders", () => {
    expect(owners("**/logs @octocat", "deeply/nested/logs/out.txt")).toEqual(["octocat"]);
    expect(owners("/apps/** @octocat", "apps/a/b/c.ts")).toEqual(["octocat"]);
    expect(owners("/apps/** @octocat", "x/apps/a.ts")).toEqual([]);
  });

  it("a leading slash anchors a file at the root", () => {
    expect(owners("/README.md @root", "README.md")).toEqual(["root"]);
    expect(owners("/README.md @root", "docs/README.md")).toEqual([]);
    expect(owners("README.md @any", "docs/README.md")).toEqual(["any"]);
  });

  it("paths are case-sensitive, `[` is literal and a negated line is skipped", () => {
    expect(owners("*.JS @upper", "src/app.js")).toEqual([]);
    expect(owners("/src/[id].ts @route", "src/[id].ts")).toEqual(["route"]);
    expect(owners("/src/[id].ts @route", "src/i.ts")).toEqual([]);
    expect(owners("* @all\n!*.md @none", "README.md")).toEqual(["all"]);
  });

  it("never throws on a path git would not accept", () => {
    expect(owners("* @all", "../outside.ts")).toEqual([]);
    expect(owners("* @all", "./src/a.ts")).toEqual(["all"]);
  });
});
