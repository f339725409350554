import * as core from "@actions/core";
import type { ProviderName } from "../../core/crash.js";
import { countSources } from "../../providers/count-sources.js";
import type { ReporterSetting, ReporterSettings } from "../../providers/reporter-settings.js";
import type { CrashCountSource } from "../../providers/query.js";
import { formatRepoName } from "../../github/repo-name.js";
import type { Repo } from "../github.js";
import type { VerifyInputs } from "./inputs.js";

/** The crash reporters' count sources from the Action's inputs (or the environment's variables), secrets masked in the log. */

export interface ReporterSeams {
  /** fetch for the crash reporters' APIs. */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

const INPUT: Record<ReporterSetting, string> = {
  sentryToken: "sentry-auth-token",
  sentryOrg: "sentry-org",
  sentryUrl: "sentry-url",
  bugsnagToken: "bugsnag-auth-token",
  bugsnagUrl: "bugsnag-api-url",
  genericToken: "hotfix-api-token",
  appUrl: "app-url",
  repo: "repository",
};

/** `fromEnv`: the reporters' settings the workflow gives as environment variables (context.ts), under the inputs. */
export function actionCountSources(
  inputs: VerifyInputs,
  repo: Repo,
  fromEnv: ReporterSettings,
  seams: ReporterSeams,
): (provider: ProviderName) => CrashCountSource {
  return countSources(
    {
      sentryToken: inputs["sentry-auth-token"],
      sentryOrg: inputs["sentry-org"],
      sentryUrl: inputs["sentry-url"],
      bugsnagToken: inputs["bugsnag-auth-token"],
      bugsnagUrl: inputs["bugsnag-api-url"],
      genericToken: inputs["hotfix-api-token"],
      appUrl: inputs["app-url"],
      repo: formatRepoName(repo),
    },
    fromEnv,
    { ...seams, label: (setting) => `Input "${INPUT[setting]}"`, onSecret: (value) => core.setSecret(value) },
  );
}
