import { readFile } from "node:fs/promises";
import { DEFAULT_CONFIG, type ConfigResult, type HotfixConfig } from "../core/config.js";
import { parseConfigSources, type ConfigSource } from "../core/config-yaml.js";

/** `.github/hotfix.yml` from a checkout, for the CLI and the Action: absent means defaults, invalid is an error naming every key. */

export class ConfigError extends Error {}

/** A file's text, or null when there is none. */
export async function readLocalFile(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if (error && typeof error === "object" && "code" in error && error.code === "ENOENT") return null;
    throw error;
  }
}

/** The config the sources make, or a ConfigError listing each problem with its line and column. */
export function configOrThrow(result: ConfigResult, path: string): HotfixConfig {
  if (!result.ok) throw new ConfigError(`${path} is not valid:\n${result.errors.map((e) => `  - ${e}`).join("\n")}`);
  return result.config;
}

/** No sources: every default. */
export const configFromSources = (sources: ConfigSource[], path: string): HotfixConfig =>
  sources.length === 0 ? DEFAULT_CONFIG : configOrThrow(parseConfigSources(sources), path);
