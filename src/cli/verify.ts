import { parseArgs } from "node:util";
import { ProviderName } from "../core/crash.js";
import { DEFAULT_CONFIG } from "../core/config.js";
import { decideVerdict, formatNumber, unitWords, type VerdictName } from "../core/verify.js";
import { bugsnagCountSource } from "../providers/bugsnag-query.js";
import { genericCountSource } from "../providers/generic-query.js";
import type { CrashCountSource } from "../providers/query.js";
import { sentryCountSource } from "../providers/sentry-query.js";

/**
 * `hotfix-loop verify`: the Action's verdict from a terminal, for one signature and version.
 * Exit code: 0 verified, 1 not verified, 3 not enough data yet, 2 usage error.
 */

const USAGE = `usage: hotfix-loop verify --provider sentry|bugsnag|generic --signature S --version V [options]

  --issue-id ID          Sentry issue id / Bugsnag error id (required for sentry and bugsnag)
  --org SLUG             Sentry organization (or SENTRY_ORG)
  --project ID           Bugsnag project id (required for bugsnag)
  --app-url URL          the hotfix-loop App (generic; or HOTFIX_APP_URL)
  --repo OWNER/NAME      repository of the hotfix issue (generic)
  --before V1,V2         (bugsnag) versions the crash was seen in before the fix (default: every earlier release)
  --exposure sessions|events   (default sessions; falls back to events without session data)
  --confidence 0.99      --deployed-at ISO-TIME   --min-window-minutes N (default 0)

Tokens come from SENTRY_AUTH_TOKEN, BUGSNAG_AUTH_TOKEN or HOTFIX_API_TOKEN; SENTRY_URL and BUGSNAG_API_URL override the hosts.`;

const EXIT: Record<VerdictName, number> = { verified: 0, "not-verified": 1, "not-enough-data": 3 };

class UsageError extends Error {}

function need(value: string | undefined, what: string): string {
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
}

function source(provider: ProviderName, values: { org?: string; "app-url"?: string; repo?: string }, env: NodeJS.ProcessEnv): CrashCountSource {
  switch (provider) {
    case "sentry":
      return sentryCountSource({
        token: need(env.SENTRY_AUTH_TOKEN, "SENTRY_AUTH_TOKEN in the environment"),
        org: need(values.org ?? env.SENTRY_ORG, "--org (or SENTRY_ORG)"),
        baseUrl: env.SENTRY_URL,
      });
    case "bugsnag":
      return bugsnagCountSource({ token: need(env.BUGSNAG_AUTH_TOKEN, "BUGSNAG_AUTH_TOKEN in the environment"), baseUrl: env.BUGSNAG_API_URL });
    case "generic":
      return genericCountSource({
        token: need(env.HOTFIX_API_TOKEN, "HOTFIX_API_TOKEN in the environment"),
        appUrl: need(values["app-url"] ?? env.HOTFIX_APP_URL, "--app-url (or HOTFIX_APP_URL)"),
        repo: need(values.repo, "--repo owner/name"),
      });
  }
}

export async function run(args: string[]): Promise<number> {
  try {
    const { values } = parseArgs({
      args,
      options: {
        provider: { type: "string" },
        signature: { type: "string" },
        version: { type: "string" },
        "issue-id": { type: "string" },
        org: { type: "string" },
        project: { type: "string" },
        "app-url": { type: "string" },
        repo: { type: "string" },
        before: { type: "string" },
        exposure: { type: "string" },
        confidence: { type: "string" },
        "deployed-at": { type: "string" },
        "min-window-minutes": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    const provider = ProviderName.safeParse(values.provider);
    if (!provider.success) throw new UsageError(`--provider must be sentry, bugsnag or generic, got ${values.provider ?? "nothing"}`);
    const exposure = values.exposure ?? DEFAULT_CONFIG.verify.exposure;
    if (exposure !== "sessions" && exposure !== "events") throw new UsageError(`--exposure must be sessions or events, got ${exposure}`);
    const confidence = Number(values.confidence ?? DEFAULT_CONFIG.verify.confidence);
    if (!(confidence > 0.5 && confidence < 1)) throw new UsageError(`--confidence must be a number between 0.5 and 1, got ${values.confidence}`);
    const minWindowMinutes = Number(values["min-window-minutes"] ?? 0);
    if (!Number.isInteger(minWindowMinutes) || minWindowMinutes < 0) throw new UsageError(`--min-window-minutes must be a whole number, got ${values["min-window-minutes"]}`);
    const now = new Date();
    const deployedAt = values["deployed-at"] ? new Date(values["deployed-at"]) : now;
    if (Number.isNaN(deployedAt.getTime())) throw new UsageError(`--deployed-at must be an ISO-8601 time, got ${values["deployed-at"]}`);

    const counts = await source(provider.data, values, process.env).count({
      signature: need(values.signature, "--signature"),
      version: need(values.version, "--version"),
      project: values.project,
      reporterGroupId: values["issue-id"],
      knownVersions: values.before ? values.before.split(",").map((v) => v.trim()).filter(Boolean) : [],
      exposure,
    });
    const verdict = decideVerdict(counts, { confidence, minWindowMinutes }, deployedAt, now);
    const unit = unitWords(counts.exposureUnit).many;
    console.log(verdict.sentence);
    console.log(
      `  before (${counts.before.versions.join(", ") || "no earlier versions"}): ${formatNumber(counts.before.occurrences)} crashes in ${formatNumber(counts.before.exposure)} ${unit}`,
    );
    console.log(`  ${counts.version}: ${formatNumber(counts.occurrences)} crashes in ${formatNumber(counts.exposure)} ${unit}`);
    return EXIT[verdict.verdict];
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS"))) {
      console.error(`hotfix-loop verify: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}
