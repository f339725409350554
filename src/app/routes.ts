import type { IncomingMessage, ServerResponse } from "node:http";
import { ProviderName } from "../core/crash.js";
import type { InboundRequest } from "../providers/alert.js";
import { providers } from "../providers/index.js";
import { countsReply } from "./counts-endpoint.js";
import { receiveAlert, type AlertIntake, type Reply } from "./ingest.js";
import { metrics } from "./metrics.js";

/**
 * The App's own HTTP routes, added beside Probot's webhook route:
 *   POST /hotfix/alerts/:provider                 alerts routed by the reporter's project
 *   POST /hotfix/alerts/:provider/:owner/:repo    alerts for one repository
 *   GET  /hotfix/api/repos/:owner/:repo/signatures/:signature   counts for the generic verifier
 */

export const DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024;

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

/** Reads the body up to `limit` bytes; null (and no further reading) when it is larger. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData);
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function lowerCaseHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  return headers;
}

export function hotfixRoutes(options: RouteOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? "/", "http://app.invalid");

    const counts = COUNTS_PATH.exec(url.pathname);
    if (counts) {
      if (req.method !== "GET") {
        send(res, { status: 405, body: { error: `${req.method} is not allowed here; use GET` }, headers: { allow: "GET" } });
        return true;
      }
      const [, owner, repo, signature] = counts;
      send(res, await countsReply(options.store, options.env.HOTFIX_API_TOKEN, req.headers.authorization, `${owner}/${repo}`, decodeURIComponent(signature!)));
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
      send(res, { status: 404, body: { error: `unknown provider ${JSON.stringify(providerName)}; expected one of ${ProviderName.options.join(", ")}` } });
      return true;
    }
    const rawBody = await readBody(req, options.maxBodyBytes);
    if (rawBody === null) {
      // The rest of the body is never read: close the connection instead.
      res.setHeader("connection", "close");
      metrics.alertAnswered(name.data, 413, undefined);
      send(res, { status: 413, body: { error: `body: larger than ${options.maxBodyBytes} bytes (HOTFIX_MAX_BODY_BYTES)` } });
      return true;
    }
    const inbound: InboundRequest = { rawBody, headers: lowerCaseHeaders(req), query: url.searchParams };
    const reply = await receiveAlert(options, providers[name.data], inbound, owner && repo ? `${owner}/${repo}` : undefined);
    metrics.alertAnswered(name.data, reply.status, reply.body.status);
    send(res, reply);
    return true;
  };
}
