import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configJsonSchema, DEFAULT_CONFIG } from "../../src/core/config.js";
import { parseConfigText } from "../../src/core/config-yaml.js";

describe("schema/hotfix.schema.json", () => {
  it("is what configJsonSchema() produces (regenerate: hotfix-loop config schema > schema/hotfix.schema.json)", () => {
    const committed = JSON.parse(readFileSync(join(import.meta.dirname, "../../schema/hotfix.schema.json"), "utf8")) as unknown;
    expect(committed).toEqual(configJsonSchema());
  });
});

describe("parseConfigText", () => {
  it("gives every key its default for an empty file", () => {
    const result = parseConfigText("");
    expect(result).toEqual({ ok: true, config: DEFAULT_CONFIG });
    expect(DEFAULT_CONFIG.links.tagTemplate).toBe("v{version}");
    expect(DEFAULT_CONFIG.rules.maxFiles).toEqual({ enabled: true, level: "fail", limit: 10 });
  });

  it("names the key of each error", () => {
    const result = parseConfigText("sources:\n  - provider: sentri\nrules:\n  maxFiles:\n    limit: 0\nissus: {}\n");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(3);
    expect(result.errors[0]).toMatch(/^sources\.0\.provider: .*sentri/);
    expect(result.errors[1]).toMatch(/^rules\.maxFiles\.limit: .*found number 0/);
    expect(result.errors[2]).toBe("issus: unknown key (check its spelling) (line 6, column 1)");
    expect(result.problems[1]).toMatchObject({ key: "rules.maxFiles.limit", line: 5, column: 5 });
  });

  it("reports YAML syntax errors", () => {
    const result = parseConfigText("sources: [\n");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]).toMatch(/^YAML: /);
  });
});

describe("README", () => {
  it("documents a full example that is a valid config", () => {
    const readme = readFileSync(join(import.meta.dirname, "../../README.md"), "utf8");
    const example = /```yaml\n# \.github\/hotfix\.yml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const result = parseConfigText(example ?? "");
    expect(result).toMatchObject({ ok: true });
    if (!result.ok) return;
    // Every top-level key appears in the example.
    expect(Object.keys(result.config).sort()).toEqual(Object.keys(DEFAULT_CONFIG).sort());
    expect(result.config.rules.maxFiles.limit).toBe(8);
  });

  it("documents every key of the config in its table", () => {
    const readme = readFileSync(join(import.meta.dirname, "../../README.md"), "utf8");
    const keys = (value: unknown, prefix: string): string[] =>
      value !== null && typeof value === "object" && !Array.isArray(value)
        ? Object.entries(value).flatMap(([k, v]) => {
            const path = prefix ? `${prefix}.${k}` : k;
            // A rule's own keys (enabled, level, limit, paths…) are documented on the rule's row.
            return path.startsWith("rules.") && path.split(".").length > 2 ? [] : [path, ...keys(v, path)];
          })
        : [];
    for (const key of keys(DEFAULT_CONFIG, "").filter(
      (k) => !["sources", "issues", "links", "hotfix", "rules", "verify", "issues.severityLabels", "verify.labels", "board"].includes(k),
    )) {
      expect(readme, key).toContain(`| \`${key}\``);
    }
    expect(readme).toContain("| `sources[].provider`");
  });
});
