import type { IncomingMessage, ServerResponse } from "node:http";
import { ProviderName } from "../core/crash.js";
import type { InboundRequest } from "../providers/alert.js";
import { providers } from "../providers/index.js";
import { countsReply } from "./counts-endpoint.js";
import { receiveAlert, type AlertIntake, type Reply } from "./ingest.js";
import { readBody, refuseTooLarge } from "./request-body.js";
import { metrics } from "./metrics.js";

/**
 * The App's own HTTP routes, added beside Probot's webhook route:
 *   POST /hotfix/alerts/:provider                 alerts routed by the reporter's project
 *   POST /hotfix/alerts/:provider/:owner/:repo    alerts for one repository
 *   GET  /hotfix/api/repos/:owner/:repo/signatures/:signature   counts for the generic verifier
 */

export interface RouteOptions extends AlertIntake {
  maxBodyBytes: number;
}

const NAME = "[A-Za-z0-9_.-]+";
const ALERT_PATH = new RegExp(`^/hotfix/alerts/([^/]+)(?:/(${NAME})/(${NAME}))?/?$`);
const COUNTS_PATH = new RegExp(`^/hotfix/api/repos/(${NAME})/(${NAME})/signatures/([^/]+)/?$`);

function send(res: ServerResponse, reply: Reply): void {
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...reply.headers });
  res.end(text);
}

/** A percent-encoded path segment, or null when its escapes are malformed ("%E0%A4%A", "%zz"). */
function decodedSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

function lowerCaseHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  return headers;
}

export function hotfixRoutes(options: RouteOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    // Appended, not resolved: a path starting with "//" must not be read as a host (nor throw on one that is not).
    let url: URL;
    try {
      url = new URL(`http://app.invalid${req.url ?? "/"}`);
    } catch {
      send(res, { status: 400, body: { error: `path: ${JSON.stringify((req.url ?? "").slice(0, 80))} is not a valid request path` } });
      return true;
    }

    const counts = COUNTS_PATH.exec(url.pathname);
    if (counts) {
      if (req.method !== "GET") {
        send(res, { status: 405, body: { error: `${req.method} is not allowed here; use GET` }, headers: { allow: "GET" } });
        return true;
      }
      const [, owner, repo, encoded] = counts;
      const signature = decodedSegment(encoded!);
      if (signature === null) {
        send(res, { status: 400, body: { error: `path: the signature ${JSON.stringify(encoded!.slice(0, 80))} is not valid percent-encoding` } });
        return true;
      }
      send(res, await countsReply(options.store, options.secrets.apiToken, req.headers.authorization, `${owner}/${repo}`, signature));
      return true;
    }

    const alert = ALERT_PATH.exec(url.pathname);
    if (!alert) return false;
    if (req.method !== "POST") {
      send(res, { status: 405, body: { error: `${req.method} is not allowed here; crash reporters POST alerts` }, headers: { allow: "POST" } });
      return true;
    }
    const [, providerName, owner, repo] = alert;
    const name = ProviderName.safeParse(providerName);
    if (!name.success) {
      send(res, {
        status: 404,
        body: { error: `unknown provider ${JSON.stringify(providerName)}; expected one of ${ProviderName.options.join(", ")}` },
      });
      return true;
    }
    const rawBody = await readBody(req, options.maxBodyBytes);
    if (rawBody === null) {
      metrics.alertAnswered(name.data, 413, undefined);
      refuseTooLarge(req, res, options.maxBodyBytes, "HOTFIX_MAX_BODY_BYTES");
      return true;
    }
    const inbound: InboundRequest = { rawBody, headers: lowerCaseHeaders(req), query: url.searchParams };
    const reply = await receiveAlert(options, providers[name.data], inbound, owner && repo ? `${owner}/${repo}` : undefined);
    metrics.alertAnswered(name.data, reply.status, reply.body.status);
    send(res, reply);
    return true;
  };
}
