import type { Logger } from "probot";
import { parseConfig, type ConfigResult, type HotfixConfig } from "../core/config.js";
import { parseConfigText, storedConfigValue } from "../core/config-yaml.js";
import type { ProviderName } from "../core/crash.js";
import { routesOf } from "../core/routes.js";
import type { RepoSettings, SettingsStore } from "../store/types.js";
import { configSources } from "../github/repo-config.js";
import { readRepoFile } from "../github/repo-file.js";
import { answered } from "../github/not-found.js";
import { parseRepoName } from "../github/repo-name.js";
import type { GitHubAccess, Octokit } from "./github.js";

/**
 * Which repositories take an alert. Repository settings (installation and `.github/hotfix.yml`)
 * are cached in the store and refreshed by GitHub's installation and push events, so routing an
 * alert costs no GitHub call; only a repository never seen before is looked up once.
 */

export const CONFIG_PATH = ".github/hotfix.yml";

/** Installation ids are positive; this one records that the App is not installed on the repository. */
const NOT_INSTALLED = 0;

export interface RepoTarget {
  repo: string;
  installationId: number;
  config: HotfixConfig;
}

export type RouteResult = { ok: true; targets: RepoTarget[] } | { ok: false; status: 403 | 404; reason: string };

/** Repository keys are lower case: GitHub names are case-insensitive and URLs vary. */
export function repoKey(fullName: string): string {
  return fullName.toLowerCase();
}

/** The cached config: parsed YAML, the YAML text itself when it did not parse, or null when absent. */
function settingsConfig(settings: RepoSettings): ConfigResult | null {
  if (settings.config === null) return null;
  return typeof settings.config === "string" ? parseConfigText(settings.config) : parseConfig(settings.config);
}

function describeAlert(provider: ProviderName, project: string | undefined): string {
  return project === undefined ? `${provider} alerts without a project` : `${provider} project ${JSON.stringify(project)}`;
}

/** Why `config` does not take this alert, or null when it does. */
function refusal(repo: string, config: HotfixConfig, provider: ProviderName, project: string | undefined): string | null {
  const sources = config.sources.filter((s) => s.provider === provider);
  if (sources.length === 0) {
    return `${repo} does not take ${provider} alerts: its ${CONFIG_PATH} sources do not list provider ${provider}`;
  }
  if (sources.some((s) => s.projects.length === 0 || (project !== undefined && s.projects.includes(project)))) return null;
  const listed = sources.flatMap((s) => s.projects).join(", ");
  return `${repo} takes ${provider} alerts only for projects ${listed} (sources.projects in ${CONFIG_PATH}); this alert is for ${
    project === undefined ? "no project" : `project ${JSON.stringify(project)}`
  }`;
}

export class RepoRouter {
  private readonly lookups = new Map<string, Promise<RepoSettings>>();
  /** Each alert is routed by its repositories' config: validated once per fetched version, not per alert. */
  private readonly validated = new Map<string, { fetchedAt: string; result: ConfigResult | null }>();

  constructor(
    private readonly store: SettingsStore,
    private readonly github: GitHubAccess,
    private readonly now: () => Date,
    private readonly log: Logger,
  ) {}

  /** The explicit route: the repository must have the App installed and opt in to this provider/project. */
  async explicit(fullName: string, provider: ProviderName, project: string | undefined): Promise<RouteResult> {
    const repo = repoKey(fullName);
    const settings = (await this.store.getRepoSettings(repo)) ?? (await this.lookUp(repo));
    if (settings.installationId === NOT_INSTALLED) {
      return { ok: false, status: 404, reason: `the hotfix-loop App is not installed on ${repo}` };
    }
    const parsed = this.validatedConfig(settings);
    if (parsed === null) {
      return {
        ok: false,
        status: 403,
        reason: `${repo} has not opted in: it has no ${CONFIG_PATH} (add sources: [{ provider: ${provider} }] to it)`,
      };
    }
    if (!parsed.ok) return { ok: false, status: 403, reason: `${repo}: ${CONFIG_PATH} is invalid: ${parsed.errors.join("; ")}` };
    const why = refusal(repo, parsed.config, provider, project);
    if (why) return { ok: false, status: 403, reason: why };
    return { ok: true, targets: [{ repo, installationId: settings.installationId, config: parsed.config }] };
  }

  /** The project route: every installed repository whose config takes this provider/project. */
  async byProject(provider: ProviderName, project: string | undefined): Promise<RouteResult> {
    const targets: RepoTarget[] = [];
    const invalid: string[] = [];
    for (const settings of await this.store.routesFor(provider, project)) {
      if (settings.installationId === NOT_INSTALLED) continue;
      const parsed = this.validatedConfig(settings);
      if (parsed === null) continue;
      if (!parsed.ok) {
        invalid.push(`${settings.repo}: ${CONFIG_PATH} is invalid: ${parsed.errors.join("; ")}`);
        continue;
      }
      if (refusal(settings.repo, parsed.config, provider, project) === null) {
        targets.push({ repo: settings.repo, installationId: settings.installationId, config: parsed.config });
      }
    }
    if (targets.length > 0) return { ok: true, targets };
    if (invalid.length > 0) return { ok: false, status: 403, reason: invalid.join(" | ") };
    return { ok: false, status: 404, reason: `no repository takes alerts for ${describeAlert(provider, project)}` };
  }

  private validatedConfig(settings: RepoSettings): ConfigResult | null {
    const known = this.validated.get(settings.repo);
    if (known?.fetchedAt === settings.fetchedAt) return known.result;
    const result = settingsConfig(settings);
    this.validated.set(settings.repo, { fetchedAt: settings.fetchedAt, result });
    return result;
  }

  /** The repository's current installation (it changes on a reinstall), or null when the App was removed. */
  async installationOf(repo: string, known: number): Promise<number | null> {
    const settings = await this.store.getRepoSettings(repoKey(repo));
    if (!settings) return known;
    return settings.installationId === NOT_INSTALLED ? null : settings.installationId;
  }

  /** The config the App uses for a repository's issues, or null when it has none that is valid. */
  async configOf(repo: string): Promise<HotfixConfig | null> {
    const settings = await this.store.getRepoSettings(repoKey(repo));
    const parsed = settings ? this.validatedConfig(settings) : null;
    return parsed?.ok ? parsed.config : null;
  }

  /**
   * Re-reads `.github/hotfix.yml` as Probot's `context.config` does (the organisation's `.github`
   * repository when the repository has none, `_extends` followed) and caches it (installation and push events).
   */
  async refresh(fullName: string, installationId: number, octokit: Octokit): Promise<RepoSettings> {
    const found = await configSources((at) => readRepoFile(octokit, at), { ...parseRepoName(fullName), path: CONFIG_PATH });
    if (found.extendsProblem) this.log.warn({ repo: fullName }, `${CONFIG_PATH}: ${found.extendsProblem}; using the files read before it`);
    const settings: RepoSettings = {
      repo: repoKey(fullName),
      installationId,
      config: found.sources.length === 0 ? null : storedConfigValue(found.sources),
      fetchedAt: this.now().toISOString(),
    };
    await this.store.putRepoSettings(settings, routesOf(settings.config));
    return settings;
  }

  /** The App was uninstalled from the repository (or suspended): it takes no alerts until installed again. */
  async uninstalled(fullName: string): Promise<void> {
    // No config, no routes: an uninstalled repository takes no alert by any route.
    await this.store.putRepoSettings(
      { repo: repoKey(fullName), installationId: NOT_INSTALLED, config: null, fetchedAt: this.now().toISOString() },
      [],
    );
  }

  /** A repository not in the cache: one installation look-up and one config read, shared by concurrent alerts. */
  private lookUp(repo: string): Promise<RepoSettings> {
    let pending = this.lookups.get(repo);
    if (!pending) {
      pending = this.fetchSettings(repo).finally(() => this.lookups.delete(repo));
      this.lookups.set(repo, pending);
    }
    return pending;
  }

  private async fetchSettings(repo: string): Promise<RepoSettings> {
    let installationId: number;
    try {
      const app = await this.github.asApp();
      installationId = (await app.rest.apps.getRepoInstallation(parseRepoName(repo))).data.id;
    } catch (error) {
      if (!answered(error, 404)) throw error;
      this.log.info({ repo }, "alert for a repository without the App installed");
      await this.uninstalled(repo);
      return (await this.store.getRepoSettings(repo))!;
    }
    return this.refresh(repo, installationId, await this.github.asInstallation(installationId));
  }
}
