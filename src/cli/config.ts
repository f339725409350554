import { parseArgs } from "node:util";
import { configJsonSchema } from "../core/config.js";
import { extendsOf, parseConfigText } from "../core/config-yaml.js";
import { readLocalFile } from "../local/config-file.js";

/**
 * `hotfix-loop config check [file]`: validates `.github/hotfix.yml` with the same schema the
 * App and the Action read it with, one line per error naming the key.
 * `hotfix-loop config schema`: the JSON Schema editors use to complete the file.
 */

export const usage = `usage: hotfix-loop config check [file]   validate the file (default .github/hotfix.yml; none there: every default applies)
       hotfix-loop config schema         print the JSON Schema of the file (schema/hotfix.schema.json)
Exit: 0 valid, 1 not valid or not readable, 2 bad arguments.`;

const DEFAULT_PATH = ".github/hotfix.yml";

async function check(file: string, named: boolean): Promise<number> {
  let text: string | null;
  try {
    text = await readLocalFile(file);
  } catch (error) {
    console.error(`${file}: cannot read it (${(error as Error).message})`);
    return 1;
  }
  if (text === null) {
    // No file at the default path is a valid config (every default); a file named on the command line must exist.
    if (named) {
      console.error(`${file}: cannot read it (no such file)`);
      return 1;
    }
    console.log(`no ${file}: every default applies, and with no sources the App opens no issues for this repository`);
    return 0;
  }
  const result = parseConfigText(text);
  if (!result.ok) {
    for (const line of result.errors) console.error(`${file}: ${line}`);
    return 1;
  }
  const sources = result.config.sources.map((s) => (s.projects.length ? `${s.provider} (${s.projects.join(", ")})` : s.provider));
  const extended = extendsOf(text);
  console.log(
    `${file} is valid${extended === null ? "" : " on its own"}${sources.length ? `; takes alerts from ${sources.join(", ")}` : "; no sources yet, so the App opens no issues for this repository"}`,
  );
  if (extended !== null) {
    console.log(`it extends ${extended}, which config check does not read: the App and the Action read it from GitHub and check the merged config`);
  }
  return 0;
}

export async function run(args: string[]): Promise<number> {
  let positionals;
  try {
    ({ positionals } = parseArgs({ args, allowPositionals: true, options: {} }));
  } catch (error) {
    console.error(`hotfix-loop config: ${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const [command, file, ...extra] = positionals;
  if (command === "check" && extra.length === 0) return check(file ?? DEFAULT_PATH, file !== undefined);
  if (command === "schema" && file === undefined) {
    console.log(JSON.stringify(configJsonSchema(), null, 2));
    return 0;
  }
  console.error(
    `hotfix-loop config: ${command === undefined ? "which subcommand?" : `unknown subcommand or extra argument in "${positionals.join(" ")}"`}\n\n${usage}`,
  );
  return 2;
}
