import { parseArgs } from "node:util";
import { configJsonSchema } from "../core/config.js";
import { parseConfigText } from "../core/config-yaml.js";
import { readLocalFile } from "../local/config-file.js";

/**
 * `hotfix-loop config check [file]`: validates `.github/hotfix.yml` with the same schema the
 * App and the Action read it with, one line per error naming the key.
 * `hotfix-loop config schema`: the JSON Schema editors use to complete the file.
 */

const USAGE = `usage: hotfix-loop config check [file]   (default .github/hotfix.yml)
       hotfix-loop config schema         print the JSON Schema of the file`;

const DEFAULT_PATH = ".github/hotfix.yml";

async function check(file: string): Promise<number> {
  let text: string | null;
  try {
    text = await readLocalFile(file);
  } catch (error) {
    console.error(`${file}: cannot read it (${(error as Error).message})`);
    return 1;
  }
  if (text === null) {
    console.error(`${file}: cannot read it (no such file)`);
    return 1;
  }
  const result = parseConfigText(text);
  if (!result.ok) {
    for (const line of result.errors) console.error(`${file}: ${line}`);
    return 1;
  }
  const sources = result.config.sources.map((s) => (s.projects.length ? `${s.provider} (${s.projects.join(", ")})` : s.provider));
  console.log(
    `${file} is valid${sources.length ? `; takes alerts from ${sources.join(", ")}` : "; no sources yet, so the App opens no issues for this repository"}`,
  );
  return 0;
}

export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { help: { type: "boolean", short: "h" } } });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [command, file, ...extra] = parsed.positionals;
  if (parsed.values.help) {
    console.log(USAGE);
    return 0;
  }
  if (command === "check" && extra.length === 0) return check(file ?? DEFAULT_PATH);
  if (command === "schema" && file === undefined) {
    console.log(JSON.stringify(configJsonSchema(), null, 2));
    return 0;
  }
  console.error(USAGE);
  return 2;
}
