import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { headersOf } from "../../src/demo/github-standin.js";
import { checkRequest, type Service } from "../contracts/contracts.js";

/**
 * Loopback stand-ins for the crash reporters' APIs the verifier reads, serving one world of
 * releases. They behave as the services do where it matters to the counts: auth headers, 404
 * for unknown ids, pagination by Link headers (Sentry's cursor with results="true|false",
 * Bugsnag's offset), Sentry's cap on the groups of one sessions answer (largest first, so a new
 * release with few sessions is the one dropped), Bugsnag's X-Total-Count, releases without
 * session data left out of session answers, and injected 429s with Retry-After.
 * Shapes as in test/fixtures/sentry-api and test/fixtures/bugsnag-api (see their SOURCE.md).
 */

export interface StandinRelease {
  version: string;
  /** ISO time the reporter first saw the release. */
  firstSeen: string;
  /** 0: the release sends no session data. */
  sessions: number;
  /** All error events of the release. */
  events: number;
  /** Events of the crash under test. */
  crashes: number;
  /** Events of the same crash under a second reporter group (SENTRY_JOINED_ISSUE, BUGSNAG_IDS.joinedError) joined on its hotfix issue. */
  joinedCrashes?: number;
}

export interface Standin {
  url: string;
  /** "METHOD path?query" of every request, in order. */
  requests: string[];
  /** The JSON bodies of the writes (PUT, PATCH) the stand-in accepted, by "METHOD path". */
  writes: { request: string; body: unknown }[];
  setReleases(releases: StandinRelease[]): void;
  close(): Promise<void>;
}

export interface StandinOptions {
  releases: StandinRelease[];
  /** Answer this many requests with 429 (Retry-After: 1) before serving. */
  rateLimited?: number;
  /** Minutes from occurrence to arrival of the project's recent events, newest arrival first (none: the reporter lists no events). */
  delaysMinutes?: number[];
}

/** The stand-ins' "now": recent events arrived up to here. */
export const STANDIN_NOW = new Date("2024-05-01T13:00:00Z");

/** Recent events, one a minute back from STANDIN_NOW, each occurred its delay before it arrived. */
function recentEvents(delaysMinutes: number[]): { occurred: string; received: string }[] {
  return delaysMinutes.map((delay, i) => {
    const received = STANDIN_NOW.getTime() - i * 60_000;
    return { occurred: new Date(received - delay * 60_000).toISOString(), received: new Date(received).toISOString() };
  });
}

type Route = (url: URL, req: IncomingMessage, body: unknown) => { status: number; body: unknown; headers?: Record<string, string> };

/** A JSON Schema as the services' API descriptions write request bodies (the subset their update bodies use). */
interface BodySchema {
  type?: string;
  enum?: unknown[];
  properties?: Record<string, BodySchema>;
  required?: string[];
  additionalProperties?: boolean;
  allOf?: BodySchema[];
}

const requestSchema = (path: string) => JSON.parse(readFileSync(new URL(`../fixtures/${path}`, import.meta.url), "utf8")) as BodySchema;

/** What `value` breaks of `schema`, as "where: why"; empty when the description accepts it. */
export function schemaProblems(schema: BodySchema, value: unknown, where = "body"): string[] {
  const problems: string[] = [];
  const kind = value === null ? "null" : Array.isArray(value) ? "array" : Number.isInteger(value) ? "integer" : typeof value;
  if (schema.type && schema.type !== kind && !(schema.type === "number" && kind === "integer"))
    problems.push(`${where}: expected ${schema.type}, got ${kind}`);
  if (schema.enum && !schema.enum.includes(value)) problems.push(`${where}: ${JSON.stringify(value)} is not one of ${schema.enum.join(", ")}`);
  for (const part of schema.allOf ?? []) problems.push(...schemaProblems(part, value, where));
  if (kind === "object" && (schema.properties || schema.required)) {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in object)) problems.push(`${where}.${key}: required`);
    for (const [key, item] of Object.entries(object)) {
      const property = schema.properties?.[key];
      if (property) problems.push(...schemaProblems(property, item, `${where}.${key}`));
      else if (schema.additionalProperties === false) problems.push(`${where}.${key}: not in the API description`);
    }
  }
  return problems;
}

/** `service`: whose published description every request is held to (none for the App's own counts endpoint). */
async function serve(options: StandinOptions, service: Service | null, route: (state: { releases: StandinRelease[] }) => Route): Promise<Standin> {
  const state = { releases: options.releases };
  const requests: string[] = [];
  const writes: Standin["writes"] = [];
  let limited = options.rateLimited ?? 0;
  const handle = route(state);
  const respond = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://loopback");
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      return send(400, { detail: "body is not JSON" });
    }
    const refusal = service && checkRequest(service, { method: req.method ?? "GET", url, headers: headersOf(req), body: json });
    if (refusal) return send(refusal.status, refusal.body);
    if (limited > 0) {
      limited--;
      return send(429, { detail: "Request was throttled." }, { "retry-after": "1" });
    }
    const { status, body, headers } = handle(url, req, json);
    if (status < 300 && (req.method === "PUT" || req.method === "PATCH")) writes.push({ request: `${req.method} ${url.pathname}`, body: json });
    send(status, body, headers);
  };
  const server = createServer((req, res) => void respond(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    writes,
    setReleases: (releases) => {
      state.releases = releases;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** One page of `items` from `offset`, and whether more follow. */
function page<T>(items: T[], offset: number, perPage: number): { items: T[]; more: boolean } {
  return { items: items.slice(offset, offset + perPage), more: offset + perPage < items.length };
}

const perPageOf = (url: URL, fallback: number) => Math.min(Number(url.searchParams.get("per_page") ?? fallback) || fallback, 100);
const newestFirst = (releases: StandinRelease[]) => [...releases].sort((a, b) => b.firstSeen.localeCompare(a.firstSeen));

// ---- Sentry ---------------------------------------------------------------------------

export const SENTRY_ISSUE = { id: "4509876543", projectId: "4505123", slug: "checkout-web" };
/** A second Sentry issue of the same crash in the same project (another browser's stack shape, say). */
export const SENTRY_JOINED_ISSUE = { id: "4509876600" };

const SENTRY_ISSUE_UPDATE = requestSchema("sentry-api/issue-update.request.schema.json");

/** Sentry answers at most this many groups in one sessions response. */
export const SENTRY_SESSION_GROUP_CAP = 25;

/** `release:["a","b"]` → [a, b]. */
function releaseList(query: string): string[] | null {
  const m = /release:\[(.*)\]/.exec(query);
  return m ? (JSON.parse(`[${m[1]}]`) as string[]) : null;
}

export function startSentry(options: StandinOptions & { token: string; org: string }): Promise<Standin> {
  return serve(options, "sentry", (state) => (url, req, body) => {
    if (req.headers.authorization !== `Bearer ${options.token}`) return { status: 401, body: { detail: "Invalid token" } };
    const base = `/api/0/organizations/${options.org}/`;
    if (!url.pathname.startsWith(base)) return { status: 404, body: { detail: "The requested resource does not exist" } };
    const path = url.pathname.slice(base.length);
    const cursorOffset = Number((url.searchParams.get("cursor") ?? "0:0:0").split(":")[1] ?? 0);
    const link = (more: boolean, next: number) => ({
      Link: `<${url.origin}${url.pathname}?${withParam(url, "cursor", `0:${next}:0`)}>; rel="next"; results="${more}"; cursor="0:${next}:0"`,
    });
    const issueId = /^issues\/(\d+)\/$/.exec(path)?.[1];
    if ((issueId === SENTRY_ISSUE.id || issueId === SENTRY_JOINED_ISSUE.id) && req.method === "PUT") {
      const problems = schemaProblems(SENTRY_ISSUE_UPDATE, body);
      if (problems.length > 0) return { status: 400, body: { detail: problems.join("; ") } };
      return { status: 200, body: { ...(body as object), id: issueId } };
    }
    if (issueId === SENTRY_ISSUE.id || issueId === SENTRY_JOINED_ISSUE.id)
      return { status: 200, body: { id: issueId, project: { id: SENTRY_ISSUE.projectId, slug: SENTRY_ISSUE.slug } } };
    if (path.startsWith("issues/")) return { status: 404, body: { detail: "The requested resource does not exist" } };
    if (path === "releases/") {
      const perPage = perPageOf(url, 25);
      const { items, more } = page(newestFirst(state.releases), cursorOffset, perPage);
      const body = items.map((r) => ({
        version: r.version,
        shortVersion: r.version,
        dateCreated: r.firstSeen,
        firstEvent: r.events > 0 ? r.firstSeen : null,
      }));
      return { status: 200, body, headers: link(more, cursorOffset + perPage) };
    }
    if (path === "events/") {
      // Sentry's published description requires the dataset; only error events are counted here.
      if (url.searchParams.get("dataset") !== "errors") return { status: 400, body: { detail: "dataset: this field is required (errors)" } };
      const fields = url.searchParams.getAll("field");
      if (fields.includes("received")) {
        if (url.searchParams.get("sort") !== "-received") return { status: 400, body: { detail: "expected sort=-received" } };
        const data = recentEvents(options.delaysMinutes ?? []).map((e) => ({
          timestamp: e.occurred.replace("Z", "+00:00"),
          received: e.received.replace("Z", "+00:00"),
        }));
        return { status: 200, body: { data: data.slice(0, perPageOf(url, 50)), meta: { fields: { timestamp: "date", received: "date" } } } };
      }
      const query = url.searchParams.get("query") ?? "";
      const wanted = releaseList(query);
      const rows = state.releases
        .filter((r) => wanted === null || wanted.includes(r.version))
        .map((r) => ({
          release: r.version,
          "count()": query.includes(`issue.id:${SENTRY_ISSUE.id}`)
            ? r.crashes
            : query.includes(`issue.id:${SENTRY_JOINED_ISSUE.id}`)
              ? (r.joinedCrashes ?? 0)
              : query.includes("event.type:error")
                ? r.events
                : 0,
        }))
        .filter((row) => row["count()"] > 0)
        .sort((a, b) => b["count()"] - a["count()"]);
      const perPage = perPageOf(url, 50);
      const { items, more } = page(rows, cursorOffset, perPage);
      return {
        status: 200,
        body: { data: items, meta: { fields: { release: "string", "count()": "integer" } } },
        headers: link(more, cursorOffset + perPage),
      };
    }
    if (path === "sessions/") {
      const wanted = releaseList(url.searchParams.get("query") ?? "");
      const groups = state.releases
        .filter((r) => r.sessions > 0 && (wanted === null || wanted.includes(r.version)))
        .sort((a, b) => b.sessions - a.sessions)
        .slice(0, Math.min(perPageOf(url, SENTRY_SESSION_GROUP_CAP), SENTRY_SESSION_GROUP_CAP))
        .map((r) => ({ by: { release: r.version }, totals: { "sum(session)": r.sessions }, series: { "sum(session)": [r.sessions] } }));
      return { status: 200, body: { start: "2024-02-01T00:00:00Z", end: "2024-05-01T13:00:00Z", intervals: [], groups } };
    }
    return { status: 404, body: { detail: "The requested resource does not exist" } };
  });
}

function withParam(url: URL, key: string, value: string): string {
  const params = new URLSearchParams(url.search);
  params.set(key, value);
  return params.toString();
}

// ---- Bugsnag --------------------------------------------------------------------------

export const BUGSNAG_IDS = { project: "5f8a1b2c3d4e5f6a7b8c9d0e", error: "60a1b2c3d4e5f6a7b8c9d0e1", joinedError: "60a1b2c3d4e5f6a7b8c9d0f2" };

const BUGSNAG_ERROR_UPDATE = requestSchema("bugsnag-api/error-update.request.schema.json");

export function startBugsnag(options: StandinOptions & { token: string }): Promise<Standin> {
  return serve(options, "bugsnag", (state) => (url, req, body) => {
    if (req.headers.authorization !== `token ${options.token}`) return { status: 401, body: { errors: ["Invalid authentication token"] } };
    if (req.headers["x-version"] !== "2") return { status: 400, body: { errors: ["X-Version header must be 2"] } };
    const project = `/projects/${BUGSNAG_IDS.project}`;
    const versions = url.searchParams.getAll("filters[app.version][][value]");
    const inFilter = (r: StandinRelease) => versions.length === 0 || versions.includes(r.version);
    const total = (value: (r: StandinRelease) => number) => state.releases.filter(inFilter).reduce((sum, r) => sum + value(r), 0);
    const events = (n: number) => ({ status: 200, body: n > 0 ? [{ id: "5c8a1b2c3d4e5f6a7b8c9d01" }] : [], headers: { "X-Total-Count": String(n) } });
    if (url.pathname === `${project}/releases`) {
      const perPage = perPageOf(url, 30);
      const offset = Number(url.searchParams.get("offset") ?? 0);
      const { items, more } = page(newestFirst(state.releases), offset, perPage);
      const body = items.map((r) => ({
        id: `release-${r.version}`,
        project_id: BUGSNAG_IDS.project,
        release_time: r.firstSeen,
        app_version: r.version,
        total_sessions_count: r.sessions > 0 ? r.sessions : null,
        release_stage: { name: "production" },
      }));
      const headers: Record<string, string> = { "X-Total-Count": String(state.releases.length) };
      if (more) headers.Link = `<${url.origin}${url.pathname}?${withParam(url, "offset", String(offset + perPage))}>; rel="next"`;
      return { status: 200, body, headers };
    }
    const errorId = new RegExp(`^${project}/errors/([0-9a-f]+)$`).exec(url.pathname)?.[1];
    if ((errorId === BUGSNAG_IDS.error || errorId === BUGSNAG_IDS.joinedError) && req.method === "PATCH") {
      const problems = schemaProblems(BUGSNAG_ERROR_UPDATE, body);
      if (problems.length > 0) return { status: 400, body: { errors: problems } };
      return { status: 200, body: { id: errorId, status: (body as { operation: string }).operation === "fix" ? "fixed" : "open" } };
    }
    if (url.pathname === `${project}/errors/${BUGSNAG_IDS.error}/events`) return events(total((r) => r.crashes));
    if (url.pathname === `${project}/events` && url.searchParams.get("full_reports") === "true") {
      const body = recentEvents(options.delaysMinutes ?? []).map((e, i) => ({
        id: `6632017e6fcd89001829f${String(i).padStart(3, "0")}`,
        received_at: e.received,
        device: { time: e.occurred, osName: "android" },
        app: { releaseStage: "production" },
      }));
      return { status: 200, body: body.slice(0, perPageOf(url, 30)) };
    }
    if (url.pathname === `${project}/errors/${BUGSNAG_IDS.joinedError}/events`) return events(total((r) => r.joinedCrashes ?? 0));
    if (url.pathname === `${project}/events`) return events(total((r) => r.events));
    return { status: 404, body: { errors: ["Not found"] } };
  });
}

// ---- the hotfix-loop App's counts endpoint (generic format) --------------------------

export function startCountsApi(options: StandinOptions & { token: string; repo: string; signature: string }): Promise<Standin> {
  return serve(options, null, (state) => (url, req) => {
    if (req.headers.authorization !== `Bearer ${options.token}`) return { status: 401, body: { error: "missing or wrong bearer token" } };
    if (url.pathname !== `/hotfix/api/repos/${options.repo}/signatures/${options.signature}`)
      return { status: 404, body: { error: "unknown signature" } };
    const row = (r: StandinRelease, count: number) => ({ version: r.version, count, firstSeen: r.firstSeen, lastSeen: r.firstSeen });
    return {
      status: 200,
      body: {
        repo: options.repo,
        signature: options.signature,
        issueNumber: 5,
        state: "open",
        fixedIn: null,
        versions: state.releases.filter((r) => r.crashes > 0).map((r) => row(r, r.crashes)),
        repoVersions: state.releases.filter((r) => r.events > 0).map((r) => row(r, r.events)),
      },
    };
  });
}
