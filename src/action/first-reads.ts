import { readFileSync } from "node:fs";
import type { ClientRequest, IncomingMessage, RequestOptions } from "node:http";
import { HOTFIX_DEFAULTS } from "../core/hotfix-defaults.js";
import { hotfixReasons } from "../core/hotfix-reasons.js";
import { MAX_LINKS, PR_FILES_CAP, parseIssueLinks, type IssueRef } from "../core/pull-request.js";

/**
 * The check's first round of reads (the GraphQL read of config and linked issues, the PR's file pages, the sticky
 * comment's listing), sent by the Action's entry (index.ts) before the rest of the Action loads: loading zod, Octokit
 * and the rules took longer than a round trip to GitHub, so the reads now travel while the modules load. They go out
 * through node:http(s), not Node's fetch: the first call of fetch loads Node's own undici, which took 50-90 ms of a
 * cold start before anything was sent, and node:http reads the answers with less work than fetch.
 *
 * These are exactly the requests the check then makes through Octokit (check.ts, github.ts). Octokit's fetch
 * (createGitHub) answers a request with the matching read already on the wire, once, and sends any other itself: so
 * Octokit still sees every answer (its errors, retries and rate-limit waits are unchanged), and a read sent here that
 * the check does not make after all (its inputs or event turn out invalid) is only cancelled, never used.
 * This module stays free of zod and Octokit: it is what runs before they load.
 */

export const FILES_PER_PAGE = 100;
/**
 * Pages of files read at once: all of them. GitHub lists at most 3,000 files (30 pages), so a run has at most 32 requests
 * out (the pages, the GraphQL read and the comment listing), well under the 100 concurrent requests GitHub's secondary
 * limits allow, and 32 points of the 900 a minute REST allows; any smaller bound only adds round trips before the verdict.
 */
export const FILE_PAGES_IN_FLIGHT = PR_FILES_CAP / FILES_PER_PAGE;

/** The file pages known up front from the PR's `changed_files` (0 when the event does not say). */
export const expectedFilePages = (changedFiles: number | undefined) =>
  Math.min(Math.ceil((changedFiles ?? 0) / FILES_PER_PAGE), FILE_PAGES_IN_FLIGHT);

/** What the check needs of an issue: its state, its body (the App's marker) and its labels (a hotfix label without the App). */
const ISSUE_FIELDS = `state body labels(first: ${MAX_LINKS}) { nodes { name } }`;

/** The GraphQL read of the config at the base commit, the organisation's default, the PR's closing references and the linked issues. */
export function configAndIssuesQuery(args: {
  repo: { owner: string; repo: string };
  pullNumber: number;
  baseSha: string;
  configPath: string;
  links: IssueRef[];
}): {
  query: string;
  variables: Record<string, string | number>;
} {
  const variables: Record<string, string | number> = {
    owner: args.repo.owner,
    name: args.repo.repo,
    number: args.pullNumber,
    expression: `${args.baseSha}:${args.configPath}`,
    orgExpression: `HEAD:${args.configPath}`,
  };
  const decls = ["$owner: String!", "$name: String!", "$number: Int!", "$expression: String!", "$orgExpression: String!"];
  const fields = args.links.map((ref, i) => {
    variables[`o${i}`] = ref.owner;
    variables[`n${i}`] = ref.repo;
    variables[`i${i}`] = ref.number;
    decls.push(`$o${i}: String!`, `$n${i}: String!`, `$i${i}: Int!`);
    return `r${i}: repository(owner: $o${i}, name: $n${i}) { issue(number: $i${i}) { ${ISSUE_FIELDS} } }`;
  });
  const query = `query(${decls.join(", ")}) {
  base: repository(owner: $owner, name: $name) { config: object(expression: $expression) { ... on Blob { text } } }
  pr: repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      closingIssuesReferences(first: ${MAX_LINKS}) { nodes { number repository { name owner { login } } ${ISSUE_FIELDS} } }
    }
  }
  org: repository(owner: $owner, name: ".github") { config: object(expression: $orgExpression) { ... on Blob { text } } }
  ${fields.join("\n  ")}
}`;
  return { query, variables };
}

/** A request as this module matches it: method, URL with its query sorted, and the JSON body in a canonical form. */
function requestKey(method: string, url: string, body: unknown): string {
  const parsed = new URL(url);
  parsed.searchParams.sort();
  let text = "";
  if (typeof body === "string" && body !== "") {
    try {
      text = canonicalJson(JSON.parse(body));
    } catch {
      text = body;
    }
  }
  return `${method.toUpperCase()} ${parsed.href} ${text}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** An answer read whole: the early reads are small (a page of 100 files, the GraphQL read, a page of comments). */
interface Answer {
  status: number;
  statusText: string;
  rawHeaders: string[];
  body: Buffer;
}

interface Sent {
  url: string;
  request: ClientRequest;
  answer: Promise<Answer>;
  /** Resolves once the request is written out. */
  written: Promise<void>;
}

/** Reads on the wire that no Octokit request has taken yet, by request key. */
const sent = new Map<string, Sent>();

/** Answers with no body, which a Response must be made without. */
const NULL_BODY = [101, 204, 205, 304];

/**
 * The matching read sent early as the Response Octokit's fetch would give, handed out once; undefined when there is
 * none. null for a redirect, which is not followed here: the caller's fetch sends the request again (and follows it).
 */
export function takeFirstRead(method: string, url: string, body: unknown): Promise<Response | null> | undefined {
  if (sent.size === 0) return undefined;
  const key = requestKey(method, url, body);
  const found = sent.get(key);
  if (!found) return undefined;
  sent.delete(key);
  return found.answer.then((answer) => {
    if (answer.status >= 300 && answer.status < 400) return null;
    const headers = new Headers();
    for (let i = 0; i + 1 < answer.rawHeaders.length; i += 2) headers.append(answer.rawHeaders[i]!, answer.rawHeaders[i + 1]!);
    const response = new Response(NULL_BODY.includes(answer.status) ? null : answer.body, {
      status: answer.status,
      statusText: answer.statusText,
      headers,
    });
    // Octokit reports the answer's URL (in errors, too); a Response made here has none of its own.
    Object.defineProperty(response, "url", { value: found.url });
    return response;
  });
}

/** Cancels the reads no request took, so that they keep the process alive no longer. */
export function dropFirstReads(): void {
  for (const read of sent.values()) read.request.destroy();
  sent.clear();
}

/**
 * The longest index.ts waits for the reads to be written before it loads the rest of the Action. Loading it blocks the
 * event loop for longer than a round trip, and a request not yet written waits for the loop: so the reads must be on
 * the wire first. Against a loopback GitHub that takes a few ms; a TLS handshake to a distant one takes round trips
 * the Action spends better loading, so the wait is bounded.
 */
const SEND_WAIT_MS = 50;

/** Resolves once every read sent is written out, or after SEND_WAIT_MS. */
export async function firstReadsWritten(): Promise<void> {
  if (sent.size === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, SEND_WAIT_MS)));
  await Promise.race([Promise.all([...sent.values()].map((read) => read.written)), bound]);
  clearTimeout(timer);
  // Node's fetch (its Response and Headers, which the answers are handed out as) loads on first use: now, while the
  // reads travel, rather than once they are back.
  void Response;
}

/**
 * Octokit's `request.fetch`: the matching early read when there is one, `fetch` otherwise. An early read that failed
 * on the network, or answered with a redirect, is sent again through `fetch`, as Octokit would have sent it.
 */
export function withFirstReads(fetch: typeof globalThis.fetch): typeof globalThis.fetch {
  return async (url, init) => {
    const early = typeof url === "string" ? takeFirstRead(init?.method ?? "GET", url, init?.body) : undefined;
    const answer = early ? await early.catch(() => null) : null;
    return answer ?? fetch(url, init);
  };
}

/** An input as @actions/core reads it (INPUT_<NAME>, trimmed). */
const input = (env: Record<string, string | undefined>, name: string) => (env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "").trim();
const YAML_BOOLEAN = ["true", "True", "TRUE", "false", "False", "FALSE"];
const wholeNumberOrUnset = (text: string) => text === "" || (/^\d+$/.test(text) && Number(text) >= 1);

interface PullRequestPayload {
  action?: unknown;
  pull_request?: {
    number?: unknown;
    body?: unknown;
    changed_files?: unknown;
    labels?: unknown;
    head?: { ref?: unknown };
    base?: { sha?: unknown };
  };
  repository?: { name?: unknown; owner?: { login?: unknown } };
}

/**
 * Sends the check's first round of reads when the run is a PR check whose inputs and event will parse (see main.ts and
 * check.ts for the rules this follows); does nothing otherwise, or when GitHub is reached through a proxy (Octokit's
 * fetch then goes through it). Returns how many reads it sent.
 */
export async function startFirstReads(env: Record<string, string | undefined>): Promise<number> {
  try {
    if (["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"].some((name) => env[name])) return 0;
    const eventName = env.GITHUB_EVENT_NAME ?? "";
    if (eventName !== "pull_request" && eventName !== "pull_request_target") return 0;
    const mode = input(env, "mode");
    const token = input(env, "github-token");
    const comment = input(env, "comment");
    if (!["", "auto", "check"].includes(mode) || token === "" || !(comment === "" || YAML_BOOLEAN.includes(comment))) return 0;
    if (!["max-files", "max-lines", "test-timeout-minutes"].every((name) => wholeNumberOrUnset(input(env, name)))) return 0;
    if (!env.GITHUB_EVENT_PATH) return 0;
    const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, "utf8")) as PullRequestPayload;
    // In auto mode a closed PR is the fast lane's (main.ts).
    if (mode !== "check" && event.action === "closed") return 0;
    const pr = event.pull_request;
    const owner = event.repository?.owner?.login;
    const name = event.repository?.name;
    const number = pr?.number;
    const headRef = pr?.head?.ref;
    const baseSha = pr?.base?.sha;
    const body = pr?.body ?? null;
    const changedFiles = pr?.changed_files;
    const labels = pr?.labels ?? [];
    if (typeof owner !== "string" || typeof name !== "string" || typeof headRef !== "string" || typeof baseSha !== "string") return 0;
    if (typeof number !== "number" || !Number.isInteger(number) || (body !== null && typeof body !== "string")) return 0;
    if (changedFiles !== undefined && (typeof changedFiles !== "number" || !Number.isInteger(changedFiles))) return 0;
    if (!Array.isArray(labels) || !labels.every((l: { name?: unknown } | null) => typeof l?.name === "string")) return 0;

    const apiUrl = (env.GITHUB_API_URL || "https://api.github.com").replace(/\/$/, "");
    // @octokit/graphql's endpoint: GitHub Enterprise Server's REST root `/api/v3` has its GraphQL at `/api/graphql`.
    const graphqlUrl = /\/api\/v3\/?$/.test(apiUrl) ? apiUrl.replace(/\/api\/v3\/?$/, "/api/graphql") : `${apiUrl}/graphql`;
    const headers = { authorization: `token ${token}`, accept: "application/vnd.github.v3+json", "user-agent": "hotfix-loop-action" };
    const { request }: { request: typeof import("node:http").request } =
      new URL(apiUrl).protocol === "https:" ? await import("node:https") : await import("node:http");
    const send = (method: string, url: string, body?: string) => {
      const options: RequestOptions = {
        method,
        headers: body ? { ...headers, "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) } : headers,
        // One request a connection, closed after its answer: nothing is left open to keep the process alive.
        agent: false,
      };
      const req = request(url, options);
      const written = new Promise<void>((resolve) => {
        req.on("finish", resolve);
        req.on("error", () => resolve());
      });
      const answer = new Promise<Answer>((resolve, reject) => {
        req.on("error", reject);
        req.on("response", (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", reject);
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? "", rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }),
          );
        });
      });
      answer.catch(() => undefined);
      req.end(body);
      sent.set(requestKey(method, url, body), { url, request: req, answer, written });
    };
    const repo = { owner, repo: name };
    const repoPath = `${apiUrl}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
    const payload = { repo, headRef, labels: (labels as { name: string }[]).map((l) => l.name), links: [] };
    // As check.ts decides: the files (and the sticky comment) are read beside the GraphQL read when the default rules say hotfix.
    const likely = hotfixReasons(payload, HOTFIX_DEFAULTS).length > 0;
    const pages = likely ? Math.max(expectedFilePages(changedFiles), 1) : 0;
    for (let page = 1; page <= pages; page++) send("GET", `${repoPath}/pulls/${number}/files?per_page=${FILES_PER_PAGE}&page=${page}`);
    const commentOn = comment === "" || ["true", "True", "TRUE"].includes(comment);
    if (commentOn && (likely || event.action !== "opened")) send("GET", `${repoPath}/issues/${number}/comments?per_page=100`);
    const configPath = input(env, "config-path") || ".github/hotfix.yml";
    const read = configAndIssuesQuery({ repo, pullNumber: number, baseSha, configPath, links: parseIssueLinks(body ?? "", repo) });
    send("POST", graphqlUrl, JSON.stringify(read));
    return sent.size;
  } catch {
    // Whatever stops the reads here stops the check too, which says why in its own words.
    dropFirstReads();
    return 0;
  }
}
