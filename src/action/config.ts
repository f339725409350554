import { join } from "node:path";
import { DEFAULT_CONFIG, HotfixConfig, invalidConfig, type ConfigResult } from "../core/config.js";
import { parseConfigSources, storedConfigValue } from "../core/config-yaml.js";
import { configSources } from "../github/repo-config.js";
import { readRepoFile, type RepoPath } from "../github/repo-file.js";
import { ConfigError, configFromSources, readLocalFile } from "../local/config-file.js";
import type { GitHub, Repo } from "./github.js";

/**
 * `.github/hotfix.yml` for the Action, read as Probot apps read it: the repository's file, else its
 * organisation's `.github` repository's, each followed through `_extends`.
 */

/**
 * The check's config: the files the first GraphQL read brought, extended through the contents API when
 * they say so. `hotfix` says which PRs are hotfixes even when the rest is invalid: the file's own
 * `hotfix` section when that part is valid, else the defaults.
 */
export async function loadCheckConfig(
  github: GitHub,
  at: RepoPath,
  known: { own: string | null; org: string | null },
): Promise<{ result: ConfigResult; hotfix: HotfixConfig["hotfix"] }> {
  const found = await configSources((file) => readRepoFile(github, file), at, known);
  const result = found.extendsProblem ? invalidConfig([{ key: "_extends", message: found.extendsProblem }]) : parseConfigSources(found.sources);
  if (result.ok) return { result, hotfix: result.config.hotfix };
  const value = storedConfigValue(found.sources);
  const section = value && typeof value === "object" ? HotfixConfig.shape.hotfix.safeParse((value as { hotfix?: unknown }).hotfix) : null;
  return { result, hotfix: section?.success ? section.data : DEFAULT_CONFIG.hotfix };
}

/**
 * The config from the checked-out workspace when it has one, else from the repository at `ref`
 * through the API (a job that did not run actions/checkout). Invalid stops the step with every error.
 */
export async function loadConfig(github: GitHub, args: { repo: Repo; path: string; ref?: string; workspace?: string }): Promise<HotfixConfig> {
  const local = args.workspace ? await readLocalFile(join(args.workspace, args.path)) : null;
  const at = { ...args.repo, path: args.path, ...(args.ref ? { ref: args.ref } : {}) };
  const found = await configSources((file) => readRepoFile(github, file), at, local === null ? {} : { own: local });
  if (found.extendsProblem) throw new ConfigError(`${args.path} is not valid: ${found.extendsProblem}`);
  return configFromSources(found.sources, args.path);
}
