import * as z from "zod";
import { reporterSettingsFromEnv, type ReporterSettings } from "../providers/reporter-settings.js";

/**
 * The runner's context the Action works in: the variables GitHub Actions sets for every step
 * (GITHUB_EVENT_NAME, GITHUB_SHA, GITHUB_API_URL…), and the reporters' settings a workflow may give
 * as environment variables instead of inputs (SENTRY_AUTH_TOKEN…). main.ts reads them once, with
 * this schema, and passes the typed context down; no other module of the Action reads the environment.
 * Inputs are read by @actions/core (inputs.ts), which has its own rules (INPUT_<NAME>).
 */

// An empty variable is an unset one, as the runner leaves some.
const text = () => z.preprocess((v) => (v === "" ? undefined : v), z.string().optional());

export const RunnerVariables = z.object({
  GITHUB_EVENT_NAME: text().describe("The event that triggered the workflow (pull_request, deployment_status…)."),
  GITHUB_EVENT_PATH: text().describe("The file holding the event's webhook payload."),
  GITHUB_SHA: text().describe("The commit the workflow runs on."),
  GITHUB_REPOSITORY: text().describe("owner/name of the repository."),
  GITHUB_WORKSPACE: text().describe("The checked-out repository's directory."),
  GITHUB_API_URL: text().describe("GitHub's REST root (GitHub Enterprise Server's own)."),
  GITHUB_SERVER_URL: text().describe("GitHub's web root, for links to the run."),
  GITHUB_RUN_ID: text().describe("The workflow run, for links to it."),
  GITHUB_STEP_SUMMARY: text().describe("The job summary's file; unset outside a runner."),
});

export interface ActionContext {
  /** "" when unset (the Action then says it must run in a workflow, where it is needed). */
  eventName: string;
  eventPath?: string;
  sha?: string;
  /** owner/name */
  repository?: string;
  workspace?: string;
  apiUrl: string;
  serverUrl: string;
  runId?: string;
  /** Whether the runner gives a job summary to write. */
  hasStepSummary: boolean;
  /** The reporters' settings from the environment, the fallback for the inputs (SENTRY_AUTH_TOKEN…). */
  reporters: ReporterSettings;
}

export function readActionContext(env: Record<string, string | undefined>): ActionContext {
  const v = RunnerVariables.parse(env);
  return {
    eventName: v.GITHUB_EVENT_NAME ?? "",
    eventPath: v.GITHUB_EVENT_PATH,
    sha: v.GITHUB_SHA,
    repository: v.GITHUB_REPOSITORY,
    workspace: v.GITHUB_WORKSPACE,
    apiUrl: v.GITHUB_API_URL ?? "https://api.github.com",
    serverUrl: v.GITHUB_SERVER_URL ?? "https://github.com",
    runId: v.GITHUB_RUN_ID,
    hasStepSummary: v.GITHUB_STEP_SUMMARY !== undefined,
    reporters: reporterSettingsFromEnv(env),
  };
}
