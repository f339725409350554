import * as z from "zod";
import { parse as parseYaml } from "yaml";
import { AppSettings, type SettingMeta } from "../app/settings.js";
import { configJsonSchema, DEFAULT_CONFIG } from "../core/config.js";

/**
 * The reference pages generated from where the code defines them: the config file's keys from its zod
 * schema, the Action's inputs and outputs from action.yml, the App's environment from its settings
 * schema. `npm run docs` writes them; test/docs/reference.test.ts fails while a committed copy is stale.
 */

export interface GeneratedFile {
  path: string;
  text: string;
}

const GENERATED = (source: string) => `<!-- generated from ${source} by \`npm run docs\`: edit the source, not this file -->`;

const code = (value: unknown) => {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.includes("`") ? `\`\` ${text} \`\`` : `\`${text}\``;
};

/** A default as it would be written: a list of globs item by item, so a long one wraps where a reader can follow it. */
const defaultText = (value: unknown) =>
  Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string") ? value.map(code).join(", ") : code(value);

/** A table cell: one line, pipes escaped. */
const cell = (text: string) => text.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|");

interface JsonSchema {
  type?: string;
  enum?: unknown[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  required?: string[];
  minimum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
}

function typeOf(schema: JsonSchema): string {
  if (schema.enum) return `one of ${schema.enum.map(code).join(", ")}`;
  if (schema.type === "array") return `list of ${schema.items ? typeOf(schema.items) : "values"}`;
  if (schema.type === "integer" || schema.type === "number") {
    const bounds = [
      schema.minimum !== undefined ? `≥ ${schema.minimum}` : "",
      schema.exclusiveMinimum !== undefined ? `> ${schema.exclusiveMinimum}` : "",
      schema.exclusiveMaximum !== undefined ? `< ${schema.exclusiveMaximum}` : "",
    ].filter(Boolean);
    return `${schema.type === "integer" ? "whole number" : "number"}${bounds.length ? ` ${bounds.join(", ")}` : ""}`;
  }
  if (schema.type === "string") return schema.minLength ? "non-empty text" : "text";
  return schema.type ?? "value";
}

function valueAt(root: unknown, path: string[]): unknown {
  return path.reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), root);
}

/** One list item per key, depth first in the schema's order; a list of mappings lists its items' keys under `key[]`. */
function keyLines(schema: JsonSchema, path: string[], inList: boolean): string[] {
  const lines: string[] = [];
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    const keyPath = [...path, name];
    const label = inList ? `${path.join(".")}[].${name}` : keyPath.join(".");
    if (child.type === "object" && child.properties) {
      if (child.description) lines.push(`- **\`${label}\`**: ${child.description}`);
      lines.push(...keyLines(child, keyPath, inList));
      continue;
    }
    const parts = [typeOf(child)];
    if (inList) {
      if (schema.required?.includes(name)) parts.push("required in each entry");
      else if ("default" in child) parts.push(`default ${code((child as { default: unknown }).default)}`);
    } else {
      const fallback = valueAt(DEFAULT_CONFIG, keyPath);
      parts.push(fallback === undefined ? "no default" : `default ${defaultText(fallback)}`);
    }
    const listNote =
      !inList && child.type === "array" && (valueAt(DEFAULT_CONFIG, keyPath) as unknown[]).length > 0
        ? " Setting it replaces the default list (repeat the defaults you want to keep)."
        : "";
    lines.push(`- **\`${label}\`** (${parts.join("; ")}): ${child.description ?? ""}${listNote}`);
    if (child.type === "array" && child.items?.type === "object") lines.push(...keyLines(child.items, keyPath, true));
  }
  return lines;
}

export function configurationPage(): string {
  const schema = configJsonSchema() as JsonSchema;
  const sections = Object.entries(schema.properties ?? {}).map(([name, child]) => {
    const lines =
      child.type === "object" && child.properties ? keyLines(child, [name], false) : keyLines({ properties: { [name]: child } }, [], false);
    const intro = child.type === "object" && child.description ? `${child.description}\n\n` : "";
    return `## \`${name}\`\n\n${intro}${lines.filter((l) => !l.startsWith(`- **\`${name}\`**: `)).join("\n")}`;
  });
  return `${GENERATED("src/core/config.ts")}

# Configuration: \`.github/hotfix.yml\`

One file, read by the App (from the default branch) and by the Action (at the PR's base commit). It is read the way
Probot apps read their config (\`context.config\`): when a repository has no \`.github/hotfix.yml\`, the organisation's
\`.github\` repository's \`.github/hotfix.yml\` is used, so one file can set defaults for every repository.

- **Every key has a default**, so an empty file, or none, is valid (\`hotfix-loop config check\` says so and exits 0). A
  repository opts in to hotfix issues by listing \`sources\`.
- **Unknown keys are errors**, so a misspelt key never silently does nothing. An error names the file, the key, the
  line and the column.
- **A list you set replaces its default.** \`rules.ignore: ["build/**"]\` means only \`build/**\` is ignored: the
  lockfiles, \`vendor/\` and the other defaults drop out. Repeat the defaults you want to keep (they are listed below).
  Mappings are different: \`rules: { maxFiles: { limit: 8 } }\` changes only that limit.
- **\`_extends\`** (a string: \`other-repo\`, \`owner/repo\` or \`owner/repo:path/to/file.yml\`) builds on that file,
  following the chain (at most 5 files, loops refused). The files are merged as Probot merges them (deepmerge):
  mappings key by key with the repository's own values winning, **lists joined** (the repository's items after the
  extended file's), and only then are the defaults filled in. The App and the Action read the extended files from
  GitHub; \`hotfix-loop config check\` checks the local file on its own and says that it did not read what it extends.
- **Check a file** before pushing with \`hotfix-loop config check [file]\` (one line per error, naming the key), and point
  your editor at [\`schema/hotfix.schema.json\`](../schema/hotfix.schema.json) for completion and descriptions (VS Code
  with the YAML extension: \`# yaml-language-server: $schema=<raw URL of schema/hotfix.schema.json>\` as the file's first
  line). The schema accepts \`_extends\`.

A full example, every key at a value you might choose, is [\`examples/hotfix.yml\`](../examples/hotfix.yml) (a test
checks that it is valid and sets every key).

${sections.join("\n\n")}
`;
}

/** What action.yml says about each input and output: the part of its format this page reads. */
const ActionYml = z.object({
  inputs: z.record(z.string(), z.object({ description: z.string(), required: z.boolean().optional(), default: z.string().optional() })),
  outputs: z.record(z.string(), z.object({ description: z.string() })),
});

export function actionReferencePage(actionYmlText: string): string {
  const action = ActionYml.parse(parseYaml(actionYmlText));
  const inputs = Object.entries(action.inputs).map(
    ([name, input]) => `| \`${name}\` | ${input.default === undefined ? "" : code(input.default)} | ${cell(input.description)} |`,
  );
  const outputs = Object.entries(action.outputs).map(([name, output]) => `| \`${name}\` | ${cell(output.description)} |`);
  return `${GENERATED("action.yml")}

# The Action's inputs and outputs

Every input is optional. The check mode is described in [check.md](check.md), the verify mode in [verify.md](verify.md).

| Input | Default | Meaning |
| --- | --- | --- |
${inputs.join("\n")}

| Output | Meaning |
| --- | --- |
${outputs.join("\n")}
`;
}

export function environmentPage(): string {
  const rows = new Map<SettingMeta["group"], string[]>();
  for (const [name, schema] of Object.entries(AppSettings.shape)) {
    const meta = schema.meta() as { description: string; hotfix: SettingMeta };
    const { group, default: fallback, secret } = meta.hotfix;
    const row = `| \`${name}\` | ${fallback === undefined ? "" : code(fallback)} | ${secret ? "yes" : ""} | ${cell(meta.description)} |`;
    rows.set(group, [...(rows.get(group) ?? []), row]);
  }
  const sections = [...rows].map(
    ([group, lines]) => `## ${group}

| Variable | Default | Secret | Meaning |
| --- | --- | --- | --- |
${lines.join("\n")}`,
  );
  return `${GENERATED("src/app/settings.ts")}

# The App's environment variables

The App reads these at start-up (from the environment, or \`.env\` in its working directory) and checks them once:
a wrong value stops it with a message naming the variable. Keep the ones marked secret in your platform's secrets.
How to deploy: [deploying.md](deploying.md).

${sections.join("\n\n")}
`;
}

/** Every generated file, from the repository's own sources (`read` returns a file's text by its path in the repository). */
export function generatedFiles(read: (path: string) => string): GeneratedFile[] {
  return [
    { path: "docs/configuration.md", text: configurationPage() },
    { path: "docs/action-reference.md", text: actionReferencePage(read("action.yml")) },
    { path: "docs/environment.md", text: environmentPage() },
    { path: "schema/hotfix.schema.json", text: `${JSON.stringify(configJsonSchema(), null, 2)}\n` },
  ];
}
