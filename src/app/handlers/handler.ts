import type { Logger } from "probot";
import * as z from "zod";
import type { Store } from "../../store/store.js";
import type { Octokit } from "../github.js";
import type { RefusalReport } from "../refusals.js";
import type { RepoRouter } from "../routing.js";
import type { AppVerifier } from "../verify-jobs.js";

/**
 * What every webhook handler is: a function of the delivery and the App's parts, registered in the
 * table in app.ts. Each handler parses its payload with its own zod schema, at the edge, and reads
 * only the fields it uses; the schemas are loose, so a field GitHub adds breaks nothing.
 */

export interface WebhookDeps {
  store: Store;
  router: RepoRouter;
  now: () => Date;
  log: Logger;
  /** The App's own login (`slug[bot]`): its comments and `verify.trustedAuthors`' are the trusted verdicts. */
  appLogin: () => Promise<string>;
  /** Schedules the App's own verification of a deployed hotfix. */
  verifier?: Pick<AppVerifier, "deployed">;
  /** What `heal` needs to take back jobs parked for a cause a webhook says is gone (refusals.ts). */
  healing: { store: Store; now: () => Date; log: Logger; report: RefusalReport; wake: () => void };
  /** The repository's CODEOWNERS changed: the cached rules are read again. */
  forgetCodeowners: (repo: string) => void;
}

/** The part of Probot's context a handler uses; the payload is unknown until the handler's schema has read it. */
export interface WebhookContext {
  payload: unknown;
  octokit: Octokit;
  /** Whether the sender is a bot (Probot's `context.isBot`). */
  isBot: boolean;
}

export type WebhookHandler = (context: WebhookContext, deps: WebhookDeps) => Promise<void>;

export const Repository = z.looseObject({ full_name: z.string().min(3) });
export const Timestamp = z.iso.datetime({ offset: true });

/** Parses a payload at the edge; a payload that does not fit is somebody else's business, not an error for GitHub to retry. */
export function readPayload<T>(schema: z.ZodType<T>, event: string, payload: unknown, log: Logger): T | null {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  log.warn({ event, problems: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".")}: ${i.message}`) }, "a webhook the App could not read");
  return null;
}
