import type { ProviderName } from "../core/crash.js";
import { bugsnagCountSource } from "./bugsnag-query.js";
import { genericCountSource } from "./generic-query.js";
import type { CrashCountSource, SourceOptions } from "./query.js";
import { SETTING_ENV, type ReporterSetting, type ReporterSettings } from "./reporter-settings.js";
import { sentryCountSource } from "./sentry-query.js";

/**
 * The one place a count source is built from settings, for the Action and the CLI alike.
 * Each front door names its settings its own way (an input, a flag); every setting may also
 * come from the environment variable below.
 */

const SECRETS: ReporterSetting[] = ["sentryToken", "bugsnagToken", "genericToken"];
const CRASH_WORDS: Record<ProviderName, string> = {
  sentry: "a Sentry crash",
  bugsnag: "a Bugsnag crash",
  generic: "a crash reported in the generic format",
};

/** A setting a provider needs is missing; `message` names it the way the front door does. */
export class MissingSettingError extends Error {}

export interface CountSourceOptions extends SourceOptions {
  /** The setting as the user sets it, e.g. `Input "sentry-org"` or `--org`. */
  label: (setting: ReporterSetting) => string;
  /** Called with every secret used, so the Action can mask it in the log. */
  onSecret?: (value: string) => void;
}

/** A memoised source per provider from explicit settings, falling back to others (those of the environment). */
export function countSources(
  explicit: ReporterSettings,
  fallback: ReporterSettings,
  options: CountSourceOptions,
): (provider: ProviderName) => CrashCountSource {
  const seams = { fetch: options.fetch, sleep: options.sleep };
  const value = (setting: ReporterSetting): string | undefined => {
    const found = explicit[setting] ?? fallback[setting];
    if (found && SECRETS.includes(setting)) options.onSecret?.(found);
    return found || undefined;
  };
  const need = (provider: ProviderName, setting: ReporterSetting): string => {
    const found = value(setting);
    if (found) return found;
    const name = SETTING_ENV[setting];
    throw new MissingSettingError(`${options.label(setting)}: required to verify ${CRASH_WORDS[provider]}${name ? ` (or set ${name})` : ""}`);
  };
  const make = (provider: ProviderName): CrashCountSource => {
    switch (provider) {
      case "sentry":
        return sentryCountSource({ token: need(provider, "sentryToken"), org: need(provider, "sentryOrg"), baseUrl: value("sentryUrl"), ...seams });
      case "bugsnag":
        return bugsnagCountSource({ token: need(provider, "bugsnagToken"), baseUrl: value("bugsnagUrl"), ...seams });
      case "generic":
        return genericCountSource({
          token: need(provider, "genericToken"),
          appUrl: need(provider, "appUrl"),
          repo: need(provider, "repo"),
          ...seams,
        });
    }
  };
  const made = new Map<ProviderName, CrashCountSource>();
  return (provider) => {
    const source = made.get(provider) ?? make(provider);
    made.set(provider, source);
    return source;
  };
}
