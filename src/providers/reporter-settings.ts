/**
 * The crash reporters' settings and the environment variables that may give them: read by the Action's context on every
 * run (src/action/context.ts), so kept apart from the count sources (count-sources.ts), whose providers a PR check never loads.
 */

export interface ReporterSettings {
  sentryToken?: string;
  sentryOrg?: string;
  sentryUrl?: string;
  bugsnagToken?: string;
  bugsnagUrl?: string;
  genericToken?: string;
  appUrl?: string;
  /** owner/name of the hotfix issue's repository (generic). */
  repo?: string;
}
export type ReporterSetting = keyof ReporterSettings;

export const SETTING_ENV: Record<ReporterSetting, string | null> = {
  sentryToken: "SENTRY_AUTH_TOKEN",
  sentryOrg: "SENTRY_ORG",
  sentryUrl: "SENTRY_URL",
  bugsnagToken: "BUGSNAG_AUTH_TOKEN",
  bugsnagUrl: "BUGSNAG_API_URL",
  genericToken: "HOTFIX_API_TOKEN",
  appUrl: "HOTFIX_APP_URL",
  repo: null,
};

/**
 * The settings the environment variables above give: the Action's and the CLI's fallback from the raw environment, and
 * the App's from its parsed settings (app/settings.ts), which hold the same names with their defaults applied.
 */
export function reporterSettingsFromEnv(env: Readonly<Record<string, unknown>>): ReporterSettings {
  const settings: ReporterSettings = {};
  for (const [setting, name] of Object.entries(SETTING_ENV) as [ReporterSetting, string | null][]) {
    const value = name ? env[name] : undefined;
    if (typeof value === "string" && value !== "") settings[setting] = value;
  }
  return settings;
}
