import { createHash } from "node:crypto";
import type { Logger } from "probot";
import { reporterGroupOf } from "../core/reporter-group.js";
import { computeSignature, signatureAliases } from "../core/signature.js";
import type { AlertProvider, InboundRequest } from "../providers/alert.js";
import type { Store } from "../store/store.js";
import type { RepoRouter } from "./routing.js";
import type { AlertSecrets } from "./settings.js";

/**
 * One crash alert from authentication to a durable store write. Nothing here calls GitHub
 * (except the one-time look-up of a repository never seen before): issues are written
 * later by the outbox worker, so the reporter gets its answer within its timeout.
 */

export interface Reply {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

export interface AlertIntake {
  store: Store;
  router: RepoRouter;
  /** The secrets alerts are authenticated with (SENTRY_CLIENT_SECRET, BUGSNAG_WEBHOOK_TOKEN, HOTFIX_GENERIC_SECRET). */
  secrets: AlertSecrets;
  now: () => Date;
  /**
   * Called once the store has committed a job that is due now (a new crash, a regression),
   * to wake the outbox worker. Repeats schedule refreshes for later, which the worker's poll
   * finds: waking it for each of a storm's alerts would only spin it.
   */
  onJobDue: () => void;
  log: Logger;
}

const refuse = (status: number, error: string): Reply => ({ status, body: { error } });

/** Deeper than any reporter's payload; deeper input would overflow the stack of every recursive step after parsing. */
export const MAX_JSON_DEPTH = 64;

interface Visit {
  node: unknown;
  depth: number;
  parent: Visit | null;
  key: string;
}

/** "body.a[0].b": the path is spelled only for the value that is reported, not for every value visited. */
function pathOf(visit: Visit): string {
  let path = "";
  for (let at: Visit = visit; at.parent; at = at.parent) path = Array.isArray(at.parent.node) ? `[${at.key}]${path}` : `.${at.key}${path}`;
  return `body${path}`;
}

/** The path to the first value nested deeper than `max`, found without recursion; null when none is. */
function tooDeep(value: unknown, max: number): string | null {
  const stack: Visit[] = [{ node: value, depth: 0, parent: null, key: "" }];
  while (stack.length > 0) {
    const visit = stack.pop()!;
    const { node, depth } = visit;
    if (node === null || typeof node !== "object") continue;
    if (depth >= max) return pathOf(visit);
    for (const key of Object.keys(node)) {
      const child = (node as Record<string, unknown>)[key];
      // Scalars need no visit: only containers can be too deep.
      if (child !== null && typeof child === "object") stack.push({ node: child, depth: depth + 1, parent: visit, key });
    }
  }
  return null;
}

export async function receiveAlert(
  intake: AlertIntake,
  provider: AlertProvider,
  request: InboundRequest,
  explicitRepo: string | undefined,
): Promise<Reply> {
  const secret = intake.secrets[provider.name];
  if (!secret) {
    return refuse(403, `${provider.secretEnv} is not set on the App, so ${provider.name} alerts cannot be authenticated`);
  }
  const auth = provider.authenticate(request, secret, intake.now());
  if (!auth.ok) return refuse(auth.status, auth.reason);

  let body: unknown;
  try {
    body = JSON.parse(request.rawBody.toString("utf8"));
  } catch (error) {
    return refuse(400, `body: not valid JSON (${(error as Error).message})`);
  }
  const deep = tooDeep(body, MAX_JSON_DEPTH);
  if (deep) return refuse(400, `${deep.slice(0, 200)}: nested deeper than ${MAX_JSON_DEPTH} levels`);
  const parsed = provider.parse(body, request);
  if (!parsed.ok) return refuse(400, parsed.error);
  const { report } = parsed;
  const signature = computeSignature(report);
  const aliases = signatureAliases(report);
  const reporterGroup = reporterGroupOf(report);

  try {
    const route = explicitRepo
      ? await intake.router.explicit(explicitRepo, provider.name, report.project)
      : await intake.router.byProject(provider.name, report.project);
    if (!route.ok) return refuse(route.status, route.reason);

    const delivery = parsed.deliveryId ?? createHash("sha256").update(request.rawBody).digest("hex");
    let stored = 0;
    let due = false;
    for (const target of route.targets) {
      const result = await intake.store.ingest(
        {
          repo: target.repo,
          installationId: target.installationId,
          signature,
          aliases,
          reporterGroup,
          report,
          deliveryId: `${provider.name}:${delivery}`,
          refreshIntervalSeconds: target.config.issues.refreshIntervalSeconds,
          reopenOnRegression: target.config.issues.reopenOnRegression,
        },
        intake.now(),
      );
      if (result.status === "stored") {
        stored++;
        due ||= result.created || result.candidate;
      }
    }
    const repos = route.targets.map((t) => t.repo);
    if (stored === 0) return { status: 200, body: { status: "duplicate", signature, repos } };
    if (due) intake.onJobDue();
    return { status: 202, body: { status: "accepted", signature, repos } };
  } catch (error) {
    intake.log.error({ err: error, provider: provider.name }, "alert not stored");
    // 503 makes reporters deliver again; nothing was acknowledged.
    return { status: 503, body: { error: `the alert was not stored, try again: ${(error as Error).message}` }, headers: { "retry-after": "5" } };
  }
}
