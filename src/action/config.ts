import { join } from "node:path";
import { invalidConfig, type ConfigResult, type HotfixConfig } from "../core/config.js";
import { parseConfigSources } from "../core/config-yaml.js";
import { configSources } from "../github/repo-config.js";
import { readRepoFile, type RepoPath } from "../github/repo-file.js";
import { ConfigError, configFromSources, readLocalFile } from "../local/config-file.js";
import type { GitHub, Repo } from "./github.js";

/**
 * `.github/hotfix.yml` for the Action, read as Probot apps read it: the repository's file, else its
 * organisation's `.github` repository's, each followed through `_extends`.
 */

/** The check's config: the files the first GraphQL read brought, extended through the contents API when they say so. */
export async function loadCheckConfig(github: GitHub, at: RepoPath, known: { own: string | null; org: string | null }): Promise<ConfigResult> {
  const found = await configSources((file) => readRepoFile(github, file), at, known);
  if (found.extendsProblem) return invalidConfig([{ key: "_extends", message: found.extendsProblem }]);
  return parseConfigSources(found.sources);
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
