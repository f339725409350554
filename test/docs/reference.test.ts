import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { AppSettings } from "../../src/app/settings.js";
import { DEFAULT_CONFIG } from "../../src/core/config.js";
import { generatedFiles } from "../../src/docs/reference.js";
import { leafKeys } from "../core/config-keys.js";

const ROOT = join(import.meta.dirname, "../..");
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");
const files = generatedFiles(read);
const page = (path: string) => files.find((f) => f.path === path)?.text ?? "";

describe("the generated reference", () => {
  it.each(files.map((f) => [f.path, f.text]))("%s is what its source generates (stale: run npm run docs and commit it)", (path, text) => {
    expect(read(path) === text, `${path} is stale: run npm run docs and commit it`).toBe(true);
  });

  it("lists every key of .github/hotfix.yml with its default", () => {
    const text = page("docs/configuration.md");
    for (const key of leafKeys(DEFAULT_CONFIG).filter((k) => k !== "sources")) expect(text, key).toContain(`**\`${key}\`**`);
    expect(text).toContain("**`sources[].provider`** (one of `sentry`, `bugsnag`, `generic`; required in each entry)");
    expect(text).toContain("**`rules.maxFiles.limit`** (whole number ≥ 1; default `10`)");
    expect(text).toMatch(
      /\*\*`rules\.ignore`\*\* \(list of non-empty text; default `\*\*\/package-lock\.json`, `\*\*\/yarn\.lock`, .*Setting it replaces the default list/,
    );
  });

  it("lists every input and output of action.yml", () => {
    const action = parseYaml(read("action.yml")) as { inputs: Record<string, unknown>; outputs: Record<string, unknown> };
    const text = page("docs/action-reference.md");
    for (const name of [...Object.keys(action.inputs), ...Object.keys(action.outputs)]) expect(text, name).toContain(`| \`${name}\` |`);
    expect(text).toContain("| `wait` | `0` |");
    expect(text).toContain("| `poll-interval` | `5m` |");
  });

  it("lists every environment variable of the App, marking the secrets", () => {
    const text = page("docs/environment.md");
    for (const name of Object.keys(AppSettings.shape)) expect(text, name).toContain(`| \`${name}\` |`);
    expect(text).toContain("| `HOTFIX_DB_PATH` | `./hotfix-loop.sqlite` |  |");
    expect(text).toMatch(/\| `WEBHOOK_SECRET` \| {2}\| yes \|/);
  });
});
