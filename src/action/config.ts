import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { DEFAULT_CONFIG, parseConfigText, type HotfixConfig } from "../core/config.js";
import { readRepoFile, type GitHub, type Repo } from "./github.js";

/** `.github/hotfix.yml` for the Action: absent means defaults, invalid stops the step with every error. */

export class ConfigError extends Error {}

export function configFromText(text: string | null, path: string): HotfixConfig {
  if (text === null) return DEFAULT_CONFIG;
  const result = parseConfigText(text);
  if (!result.ok) throw new ConfigError(`${path} is not valid:\n${result.errors.map((e) => `  - ${e}`).join("\n")}`);
  return result.config;
}

async function readWorkspaceFile(workspace: string, path: string): Promise<string | null> {
  try {
    return await readFile(join(workspace, path), "utf8");
  } catch (error) {
    if (error && typeof error === "object" && "code" in error && error.code === "ENOENT") return null;
    throw error;
  }
}

/**
 * The config from the checked-out workspace when it has one, else from the repository at `ref`
 * through the API (a job that did not run actions/checkout).
 */
export async function loadConfig(
  github: GitHub,
  args: { repo: Repo; path: string; ref?: string; workspace?: string },
): Promise<HotfixConfig> {
  const local = args.workspace ? await readWorkspaceFile(args.workspace, args.path) : null;
  const text = local ?? (await readRepoFile(github, { repo: args.repo, path: args.path, ...(args.ref ? { ref: args.ref } : {}) }));
  return configFromText(text, args.path);
}
