import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { DEFAULT_CONFIG } from "../core/config.js";
import { parseConfigText } from "../core/config-yaml.js";
import { CrashReport, ProviderName } from "../core/crash.js";
import { renderIssue } from "../core/render.js";
import { computeSignature } from "../core/signature.js";
import { formatIssues } from "../core/zod-problems.js";
import { isRepoName } from "../github/repo-name.js";
import { parseAlertPayload } from "../providers/index.js";

/**
 * `hotfix-loop render <payload.json>`: the hotfix issue a payload would open, printed instead
 * of posted. The file is a canonical CrashReport or a reporter's webhook payload.
 */

export const usage = `usage: hotfix-loop render <payload.json> [--provider sentry|bugsnag|generic] [--repo owner/name]
                          [--ref <commit or tag>] [--config .github/hotfix.yml]

Prints the hotfix issue a crash report or a reporter's webhook payload would open.
Exit: 0 printed, 1 the file is not a crash report or payload, 2 bad flags.`;

/** Which reporter sent a payload, from the shape their webhooks have. */
function guessProvider(body: unknown): ProviderName {
  if (body !== null && typeof body === "object") {
    const record = body as Record<string, unknown>;
    const data = record.data as Record<string, unknown> | undefined;
    if (data && typeof data === "object" && ("event" in data || "issue" in data || "error" in data)) return "sentry";
    if ("trigger" in record && "error" in record) return "bugsnag";
  }
  return "generic";
}

function fail(message: string, code: 1 | 2 = 1): number {
  console.error(`hotfix-loop render: ${message}${code === 2 ? `\n\n${usage}` : ""}`);
  return code;
}

export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        provider: { type: "string" },
        repo: { type: "string" },
        ref: { type: "string" },
        config: { type: "string" },
      },
    });
  } catch (error) {
    return fail((error as Error).message, 2);
  }
  const { values, positionals } = parsed;
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) return fail(file ? `one payload file at a time, got ${positionals.length}` : "which payload file?", 2);
  if (values.provider !== undefined && !ProviderName.safeParse(values.provider).success) {
    return fail(`--provider must be one of ${ProviderName.options.join(", ")}; got "${values.provider}"`, 2);
  }
  if (values.repo !== undefined && !isRepoName(values.repo)) return fail(`--repo must be owner/name; got "${values.repo}"`, 2);

  let body: unknown;
  try {
    body = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    return fail(`${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message}`);
  }

  let links = DEFAULT_CONFIG.links;
  const configFile = values.config ?? (existsSync(".github/hotfix.yml") ? ".github/hotfix.yml" : undefined);
  if (configFile !== undefined) {
    let text: string;
    try {
      text = await readFile(configFile, "utf8");
    } catch {
      return fail(`${configFile}: cannot read it`);
    }
    const config = parseConfigText(text);
    if (!config.ok) return fail(`${configFile}: ${config.errors.join("; ")}`);
    links = config.config.links;
  }

  let report: CrashReport;
  const canonical = CrashReport.safeParse(body);
  if (canonical.success && values.provider === undefined) {
    report = canonical.data;
  } else {
    const provider = (values.provider as ProviderName | undefined) ?? guessProvider(body);
    const result = parseAlertPayload(provider, body);
    if (!result.ok) {
      const asReport = canonical.success ? [] : formatIssues(canonical.error.issues, body, "as a CrashReport, ");
      return fail(`${file}: not a ${provider} payload (${result.error})${asReport.length ? `; ${asReport[0]}` : ""}`);
    }
    report = result.report;
  }

  const signature = computeSignature(report);
  const seen = report.lastSeen ?? report.firstSeen ?? "";
  const { title, body: issue } = renderIssue({
    report,
    signature,
    stats: {
      events: report.events ?? 1,
      users: report.users ?? 0,
      versions: report.release ? [{ version: report.release, count: report.events ?? 1 }] : [],
      firstSeen: report.firstSeen ?? seen,
      lastSeen: seen,
    },
    repo: values.repo,
    ref: values.ref,
    links,
  });
  console.log(title);
  console.log("");
  console.log(issue);
  return 0;
}
