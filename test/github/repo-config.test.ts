import { describe, expect, it } from "vitest";
import { parseConfigSources, storedConfigValue } from "../../src/core/config-yaml.js";
import { configSources } from "../../src/github/repo-config.js";
import type { RepoPath } from "../../src/github/repo-file.js";

/** Which files make a repository's config, as Probot's context.config finds them, with a fake GitHub. */

function github(files: Record<string, string>) {
  const reads: string[] = [];
  const read = async (at: RepoPath) => {
    const key = `${at.owner}/${at.repo}:${at.path}${at.ref ? `@${at.ref}` : ""}`;
    reads.push(key);
    return files[key] ?? null;
  };
  return { read, reads };
}
const at = { owner: "acme", repo: "shop", path: ".github/hotfix.yml" };

describe("configSources", () => {
  it("takes the repository's own file and does not look further", async () => {
    const gh = github({ "acme/shop:.github/hotfix.yml": "hotfix: { labels: [urgent] }", "acme/.github:.github/hotfix.yml": "x: 1" });
    expect((await configSources(gh.read, at)).sources.map((s) => s.name)).toEqual(["acme/shop:.github/hotfix.yml"]);
    expect(gh.reads).toEqual(["acme/shop:.github/hotfix.yml"]);
  });

  it("falls back to the organisation's .github repository, at its default branch", async () => {
    const gh = github({ "acme/.github:.github/hotfix.yml": "rules: { maxFiles: { limit: 4 } }" });
    const found = await configSources(gh.read, { ...at, ref: "abc123" });
    expect(found.sources.map((s) => s.name)).toEqual(["acme/.github:.github/hotfix.yml"]);
    expect(gh.reads).toEqual(["acme/shop:.github/hotfix.yml@abc123", "acme/.github:.github/hotfix.yml"]);
  });

  it("follows _extends as repo, owner/repo and owner/repo:path, merging as Probot does", async () => {
    const gh = github({
      "acme/shop:.github/hotfix.yml": '_extends: policies\nrules:\n  maxFiles: { limit: 3 }\n  forbiddenPaths: { paths: ["db/**"] }\n',
      "acme/policies:.github/hotfix.yml": "_extends: platform/rules:hotfix/base.yml\nrules:\n  maxLines: { limit: 50 }\n",
      "platform/rules:hotfix/base.yml": 'rules:\n  maxFiles: { limit: 20 }\n  forbiddenPaths: { paths: ["infra/**"] }\n',
    });
    const found = await configSources(gh.read, at);
    expect(found.sources.map((s) => s.name)).toEqual([
      "acme/shop:.github/hotfix.yml",
      "acme/policies:.github/hotfix.yml",
      "platform/rules:hotfix/base.yml",
    ]);
    const result = parseConfigSources(found.sources);
    if (!result.ok) throw new Error(result.errors.join("; "));
    expect(result.config.rules.maxFiles.limit).toBe(3);
    expect(result.config.rules.maxLines.limit).toBe(50);
    // deepmerge, Probot's merge: lists are joined.
    expect(result.config.rules.forbiddenPaths.paths).toEqual(["infra/**", "db/**"]);
  });

  it("stops at a loop, a missing file or a malformed _extends, keeping the files read before", async () => {
    const loop = github({ "acme/shop:.github/hotfix.yml": "_extends: a", "acme/a:.github/hotfix.yml": "_extends: shop" });
    expect(await configSources(loop.read, at)).toMatchObject({
      sources: [{}, {}],
      extendsProblem: expect.stringContaining("acme/shop:.github/hotfix.yml was already read (a loop)"),
    });
    const missing = github({ "acme/shop:.github/hotfix.yml": "_extends: gone" });
    expect((await configSources(missing.read, at)).extendsProblem).toContain("acme/gone:.github/hotfix.yml does not exist");
    const bad = github({ "acme/shop:.github/hotfix.yml": '_extends: "../../etc/passwd"' });
    expect((await configSources(bad.read, at)).extendsProblem).toContain("expected `repo`, `owner/repo` or `owner/repo:path.yml`");
  });

  it("names the file and line of an error in an extended file", async () => {
    const gh = github({
      "acme/shop:.github/hotfix.yml": "_extends: policies\n",
      "acme/policies:.github/hotfix.yml": "rules:\n  maxFiles:\n    limit: -1\n",
    });
    const result = parseConfigSources((await configSources(gh.read, at)).sources);
    expect(!result.ok && result.errors).toEqual([
      expect.stringMatching(/^rules\.maxFiles\.limit: .* \(acme\/policies:\.github\/hotfix\.yml line 3, column 5\)$/),
    ]);
  });
});

describe("storedConfigValue (what the App caches between reads)", () => {
  it("keeps the merged value without _extends, or the text of a file that is not YAML", () => {
    const merged = storedConfigValue([
      { name: "acme/shop:.github/hotfix.yml", text: "_extends: policies\nsources: [{ provider: sentry }]\n" },
      { name: "acme/policies:.github/hotfix.yml", text: "issues: { assignees: [dana] }\n" },
    ]);
    expect(merged).toEqual({ sources: [{ provider: "sentry" }], issues: { assignees: ["dana"] } });
    expect(
      storedConfigValue([
        { name: "a", text: "ok: 1" },
        { name: "b", text: "sources: [\n" },
      ]),
    ).toBe("sources: [\n");
  });
});
