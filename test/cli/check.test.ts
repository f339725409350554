import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { changedFiles, run } from "../../src/cli/check.js";

let repo: string;
let printed: string[];
const cwd = process.cwd();

const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8" });
function write(path: string, text: string) {
  mkdirSync(dirname(join(repo, path)), { recursive: true });
  writeFileSync(join(repo, path), text);
}
const commit = (message: string) => {
  git("add", "-A");
  git("commit", "-q", "-m", message);
};

beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), "hotfix-cli-"));
  git("init", "-q", "-b", "main");
  git("config", "user.email", "dev@example.com");
  git("config", "user.name", "Dev");
  write("src/cart.ts", Array.from({ length: 20 }, (_, i) => `export const line${i} = ${i};`).join("\n") + "\n");
  write("package.json", '{ "name": "shop", "dependencies": {} }\n');
  commit("initial");
  git("checkout", "-q", "-b", "hotfix/cart-nan");
  process.chdir(repo);
  printed = [];
  vi.spyOn(console, "log").mockImplementation((...args) => void printed.push(args.join(" ")));
  vi.spyOn(console, "error").mockImplementation((...args) => void printed.push(args.join(" ")));
});

afterEach(() => {
  vi.restoreAllMocks();
  process.chdir(cwd);
  rmSync(repo, { recursive: true, force: true });
});

describe("hotfix-loop check", () => {
  it("passes a narrow branch with a regression test and prints the table", async () => {
    write("src/cart.ts", Array.from({ length: 20 }, (_, i) => `export const line${i} = ${i === 12 ? "Number.NaN" : i};`).join("\n") + "\n");
    write("src/cart.test.ts", "test('total is a number', () => {});\n");
    commit("Guard the cart total\n\nFixes #41");
    expect(await run(["--base", "main"])).toBe(0);
    const out = printed.join("\n");
    expect(out).toContain("branch `hotfix/cart-nan` matches `hotfix/**`");
    expect(out).toContain("Narrow hotfix: 2 files, 3 lines changed");
    expect(out).toContain("links #41; not checked against GitHub here");
  });

  it("exits 1 on a dependency change, a forbidden path and no test, with first changed lines", async () => {
    write("package.json", '{ "name": "shop", "dependencies": { "left-pad": "1.3.0" } }\n');
    write("db/migrations/001.sql", "DROP TABLE cart;\n");
    commit("quick fix");
    expect(await run(["--base", "main"])).toBe(1);
    const out = printed.join("\n");
    expect(out).toContain("| ❌ fail | forbidden paths | `db/migrations/001.sql` is a path a hotfix must not change | `db/migrations/001.sql:1` |");
    expect(out).toContain(
      "| ❌ fail | dependency changes | dependency manifest or lockfile `package.json` modified; ship dependency changes outside the hotfix | `package.json:1` |",
    );
    expect(out).toContain("| ❌ fail | regression test |");
    expect(out).toContain("| ❌ fail | linked hotfix issue | links no hotfix issue");
  });

  it("reads limits from .github/hotfix.yml and the flags over it", async () => {
    write(".github/hotfix.yml", "rules:\n  maxLines:\n    limit: 1\n  linkedIssue:\n    enabled: false\n");
    write("src/cart.test.ts", "a\nb\nc\n");
    commit("add config and test");
    expect(await run(["--base", "main"])).toBe(1);
    expect(printed.join("\n")).toContain("8 lines changed; a hotfix changes at most 1");
    printed.length = 0;
    expect(await run(["--base", "main", "--max-lines", "50"])).toBe(0);
  });

  it("computes files, counts and first changed lines from git diff against the merge base", async () => {
    write("src/cart.ts", Array.from({ length: 20 }, (_, i) => `export const line${i} = ${i === 7 ? -1 : i};`).join("\n") + "\n");
    commit("change line 8");
    git("checkout", "-q", "main");
    write("src/other.ts", "on main only\n");
    commit("main moves on");
    git("checkout", "-q", "hotfix/cart-nan");
    git("mv", "package.json", "package.renamed.json");
    commit("rename");
    const base = git("merge-base", "main", "HEAD").trim();
    expect(await changedFiles(repo, base, "HEAD")).toEqual([
      { path: "package.renamed.json", previousPath: "package.json", status: "renamed", additions: 0, deletions: 0 },
      { path: "src/cart.ts", status: "modified", additions: 1, deletions: 1, firstChangedLine: 8 },
    ]);
  });

  it("names a bad flag value and an unknown base", async () => {
    expect(await run(["--max-files", "none"])).toBe(2);
    expect(printed.join("\n")).toContain('--max-files: expected a whole number of at least 1; got "none"');
    expect(await run(["--base", "no-such-branch"])).toBe(2);
    expect(printed.join("\n")).toContain('no merge base between "no-such-branch" and "HEAD"');
  });
});
