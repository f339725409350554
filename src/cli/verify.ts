import { parseArgs } from "node:util";
import { DEFAULT_CONFIG } from "../core/config.js";
import { ProviderName } from "../core/crash.js";
import { reporterGroup } from "../core/reporter-group.js";
import { crashesIn, decideVerification, type VerdictName } from "../core/verify.js";
import { describeLag } from "../core/verify-report.js";
import { countSources, MissingSettingError } from "../providers/count-sources.js";
import { reporterSettingsFromEnv, type ReporterSetting } from "../providers/reporter-settings.js";
import { ProviderApiError } from "../providers/http.js";
import { countPastLag } from "../providers/lagged-count.js";
import { CountQueryError, UnknownReleaseError } from "../providers/query.js";

/**
 * `hotfix-loop verify`: the Action's verdict from a terminal, for one signature and version.
 * Exit codes (docs/cli.md "hotfix-loop verify" lists them): EXIT below.
 */

export const EXIT = {
  verified: 0,
  "not-verified": 1,
  usage: 2,
  "not-enough-data": 3,
  /** The reporter could not be asked: network, timeout, credentials, rate limit, an answer we cannot read. */
  reporter: 4,
  /** Anything else: a fault of hotfix-loop itself, never to be read as a verdict. */
  internal: 5,
} as const satisfies Record<VerdictName | "usage" | "reporter" | "internal", number>;

export const usage = `usage: hotfix-loop verify --provider sentry|bugsnag|generic --signature S --version V [options]

  --issue-id ID          Sentry issue id / Bugsnag error id (required for sentry and bugsnag); repeat it, or
                         separate ids with commas, to count every one joined on the hotfix issue
  --org SLUG             Sentry organization (or SENTRY_ORG)
  --project ID           Bugsnag project id (required for bugsnag)
  --app-url URL          the hotfix-loop App (generic; or HOTFIX_APP_URL)
  --repo OWNER/NAME      repository of the hotfix issue (generic)
  --before V1,V2         versions to compare with (default: every release since the crash first appeared)
  --exposure sessions|events   (default sessions; falls back to events when the new release has no session data)
  --confidence 0.99      --deployed-at ISO-TIME   --min-window-minutes N (default 0)
  --report-lag-minutes N count only up to N minutes ago, for late crash reports (default: measured from the
                         reporter's recent events, ${DEFAULT_CONFIG.verify.reportLagMinutes} when it cannot say)

Tokens come from SENTRY_AUTH_TOKEN, BUGSNAG_AUTH_TOKEN or HOTFIX_API_TOKEN; SENTRY_URL and BUGSNAG_API_URL override the hosts.
Exit: 0 verified, 1 not verified, 3 not enough data yet, 2 bad flags or unknown release, 4 the reporter could not be asked, 5 internal error.`;

const FLAG: Record<ReporterSetting, string> = {
  sentryToken: "SENTRY_AUTH_TOKEN in the environment",
  sentryOrg: "--org",
  sentryUrl: "SENTRY_URL",
  bugsnagToken: "BUGSNAG_AUTH_TOKEN in the environment",
  bugsnagUrl: "BUGSNAG_API_URL",
  genericToken: "HOTFIX_API_TOKEN in the environment",
  appUrl: "--app-url",
  repo: "--repo owner/name",
};

class UsageError extends Error {}

function need(value: string | undefined, what: string): string {
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
}

/** The items of a list flag, given once with commas or several times. */
function listed(values: string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);
}

/** A whole number flag ≥ 0, or its default. */
function wholeMinutes(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value)) throw new UsageError(`${flag} must be a whole number of minutes ≥ 0, got ${text}`);
  return value;
}

export interface VerifySeams {
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  env?: NodeJS.ProcessEnv;
}

export async function run(args: string[], seams: VerifySeams = {}): Promise<number> {
  try {
    const { values } = parseArgs({
      args,
      options: {
        provider: { type: "string" },
        signature: { type: "string" },
        version: { type: "string" },
        "issue-id": { type: "string", multiple: true },
        org: { type: "string" },
        project: { type: "string" },
        "app-url": { type: "string" },
        repo: { type: "string" },
        before: { type: "string" },
        exposure: { type: "string" },
        confidence: { type: "string" },
        "deployed-at": { type: "string" },
        "min-window-minutes": { type: "string" },
        "report-lag-minutes": { type: "string" },
      },
    });
    const provider = ProviderName.safeParse(values.provider);
    if (!provider.success) throw new UsageError(`--provider must be sentry, bugsnag or generic, got ${values.provider ?? "nothing"}`);
    const exposure = values.exposure ?? DEFAULT_CONFIG.verify.exposure;
    if (exposure !== "sessions" && exposure !== "events") throw new UsageError(`--exposure must be sessions or events, got ${exposure}`);
    const confidence = Number(values.confidence ?? DEFAULT_CONFIG.verify.confidence);
    if (!(confidence > 0.5 && confidence < 1)) throw new UsageError(`--confidence must be a number between 0.5 and 1, got ${values.confidence}`);
    const minWindowMinutes = wholeMinutes("--min-window-minutes", values["min-window-minutes"], 0);
    const fixedLag = values["report-lag-minutes"] === undefined ? undefined : wholeMinutes("--report-lag-minutes", values["report-lag-minutes"], 0);
    const now = seams.now?.() ?? new Date();
    const deployedAt = values["deployed-at"] ? new Date(values["deployed-at"]) : now;
    if (Number.isNaN(deployedAt.getTime())) throw new UsageError(`--deployed-at must be an ISO-8601 time, got ${values["deployed-at"]}`);
    if (deployedAt.getTime() > now.getTime())
      throw new UsageError(`--deployed-at ${deployedAt.toISOString()} is in the future (now ${now.toISOString()})`);

    const sourceFor = countSources(
      { sentryOrg: values.org, appUrl: values["app-url"], repo: values.repo },
      reporterSettingsFromEnv(seams.env ?? process.env),
      {
        fetch: seams.fetch,
        sleep: seams.sleep,
        label: (setting) => FLAG[setting],
      },
    );
    const { counts, reportLag } = await countPastLag(
      sourceFor(provider.data),
      {
        signature: need(values.signature, "--signature"),
        version: need(values.version, "--version"),
        project: values.project,
        reporterGroups: listed(values["issue-id"]).map((id) => reporterGroup(provider.data, values.project, id)),
        before: values.before ? listed([values.before]) : undefined,
        exposure,
      },
      { configuredMinutes: DEFAULT_CONFIG.verify.reportLagMinutes, fixedMinutes: fixedLag },
      now,
    );
    const verdict = decideVerification(
      counts,
      { confidence, minWindowMinutes, reportLagMinutes: reportLag.minutes, measuredLag: reportLag.measured },
      deployedAt,
      now,
    );
    console.log(verdict.sentence);
    console.log(
      `  before (${counts.before.versions.join(", ") || "no earlier versions"}): ${crashesIn(counts.before.occurrences, counts.before.exposure, counts.exposureUnit)}`,
    );
    console.log(`  ${counts.version}: ${crashesIn(counts.occurrences, counts.exposure, counts.exposureUnit)}`);
    console.log(
      `  counted ${verdict.window.deployedAt.toISOString()} to ${verdict.window.until.toISOString()}; test: ${verdict.test?.name ?? "none (nothing to compare)"}`,
    );
    if (reportLag.measured) console.log(`  ${describeLag(reportLag.minutes, reportLag.measured)}`);
    return EXIT[verdict.verdict];
  } catch (error) {
    if (
      error instanceof UsageError ||
      error instanceof MissingSettingError ||
      (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS"))
    ) {
      console.error(`hotfix-loop verify: ${error.message}\n\n${usage}`);
      return EXIT.usage;
    }
    if (error instanceof UnknownReleaseError || error instanceof CountQueryError) {
      console.error(`hotfix-loop verify: ${error.message}`);
      return EXIT.usage;
    }
    if (error instanceof ProviderApiError) {
      console.error(`hotfix-loop verify: ${error.message}`);
      return EXIT.reporter;
    }
    console.error(
      `hotfix-loop verify: unexpected error (exit ${EXIT.internal}): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return EXIT.internal;
  }
}
