import type { ProviderName } from "../core/crash.js";
import type { AlertProvider, ParseResult } from "./alert.js";
import { bugsnag } from "./bugsnag.js";
import { generic } from "./generic.js";
import { sentry } from "./sentry.js";

export type { AlertProvider, AuthResult, InboundRequest, ParseResult } from "./alert.js";

export const providers: Record<ProviderName, AlertProvider> = { sentry, bugsnag, generic };

/** Parses a payload without authenticating it: for the CLI, on a file the user trusts. */
export function parseAlertPayload(provider: ProviderName, body: unknown): ParseResult {
  return providers[provider].parse(body, { rawBody: Buffer.from(JSON.stringify(body) ?? ""), headers: {}, query: new URLSearchParams() });
}
