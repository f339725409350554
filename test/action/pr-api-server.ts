import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { checkRequest } from "../contracts/contracts.js";

/**
 * A loopback stand-in for the GitHub API calls the narrow-diff check makes on one pull request,
 * for the Action's tests, the built Action (dist test) and the cold-start bench. It records every
 * call, and answers as GitHub does when its limits are hit or the token is a fork's read-only one.
 */

export interface Comment {
  id: number;
  body: string;
  user: { login: string; type: "User" | "Bot" };
}

/** One refusal GitHub makes, for the first `times` requests that `match`. */
export interface Fault {
  match: (method: string, path: string) => boolean;
  times: number;
  status: number;
  headers?: Record<string, string>;
  message: string;
}

/** GitHub's answers when a secondary rate limit is hit (403 or 429 with `retry-after`), as its docs show them. */
export const secondaryRateLimit = (match: Fault["match"], times: number, retryAfterSeconds: number, status: 403 | 429 = 403): Fault => ({
  match,
  times,
  status,
  headers: { "retry-after": String(retryAfterSeconds), "x-ratelimit-remaining": "4000" },
  message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
});

/** The primary limit: no requests left until `x-ratelimit-reset`. */
export const primaryRateLimit = (match: Fault["match"], times: number, resetInSeconds: number): Fault => ({
  match,
  times,
  status: 403,
  headers: { "x-ratelimit-limit": "1000", "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(Math.ceil(Date.now() / 1000) + resetInSeconds) },
  message: "API rate limit exceeded for installation ID 1.",
});

export interface PrApiOptions {
  owner: string;
  repo: string;
  pullNumber: number;
  files: unknown[];
  configText?: string | null;
  /** `.github/hotfix.yml` of the organisation's `.github` repository. */
  orgConfigText?: string | null;
  /** Other files, by `owner/repo:path`, for the contents API (`_extends`). */
  repoFiles?: Record<string, string>;
  /** Bodies (and labels) of linked issues by number; absent numbers are not issues. */
  issues?: Record<number, { state: "OPEN" | "CLOSED"; body: string; labels?: string[] }>;
  /**
   * The issues GitHub gives as the PR's `closingIssuesReferences`: the ones its description closes when the PR targets
   * the default branch, and those linked in its sidebar. None by default (as for a PR into another branch).
   */
  closes?: number[];
  comments?: Comment[];
  /** Who the token is: GraphQL's viewer login (bots without `[bot]`); REST comments are written as `<login>[bot]`. */
  viewer?: string;
  /** A fork's `pull_request` token: every write answers 403. */
  readOnly?: boolean;
  faults?: Fault[];
  /** Added to every answer, as a real API's round trip (the bench's 100 ms). */
  latencyMs?: number;
  /**
   * The pull request as the REST API shows it (`GET /pulls/{n}`), for a client that reads the PR itself rather than
   * taking it from the event: danger-js, the bench's peer. It also gets the PR's issue, commits, reviews and requested
   * reviewers (none), and commit statuses are accepted.
   */
  pullRequest?: Record<string, unknown>;
  /** Hold every request to GitHub's description (default); the bench leaves it out of the latency it measures. */
  contracts?: boolean;
}

export interface PrApi {
  url: string;
  calls: { method: string; path: string; body: any; at: number }[];
  comments: Comment[];
  checkRuns: any[];
  /** The most requests the stand-in was answering at once. */
  maxInFlight: number;
  /** Commit statuses posted (danger-js reports its verdict with one). */
  statuses: any[];
  close(): Promise<void>;
}

/** A request's headers as fetch's Headers (repeated headers left out: none of GitHub's requests sends one). */
export const headersOf = (req: IncomingMessage) =>
  new Headers(Object.entries(req.headers).flatMap(([name, value]) => (typeof value === "string" ? [[name, value] as [string, string]] : [])));

/** GitHub lists at most 3,000 files of a PR. */
const LAST_PAGE = 30;

export async function startPrApi(options: PrApiOptions): Promise<PrApi> {
  const calls: PrApi["calls"] = [];
  const comments = [...(options.comments ?? [])];
  const checkRuns: any[] = [];
  const statuses: any[] = [];
  const faults = (options.faults ?? []).map((f) => ({ ...f }));
  const viewer = options.viewer ?? "github-actions";
  const author = { login: `${viewer}[bot]`, type: "Bot" as const };
  const repoPath = `/repos/${options.owner}/${options.repo}`;
  let inFlight = 0;
  const state = { maxInFlight: 0 };
  const server = createServer((req, res) => {
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    res.on("close", () => inFlight--);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://loopback");
      const text = Buffer.concat(chunks).toString("utf8");
      const body = text ? JSON.parse(text) : undefined;
      const method = req.method ?? "";
      calls.push({ method, path: url.pathname, body, at: Date.now() });
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        const answer = () => {
          res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
          res.end(JSON.stringify(payload));
        };
        if (options.latencyMs) setTimeout(answer, options.latencyMs);
        else answer();
      };
      const refusal = options.contracts === false ? null : checkRequest("github", { method, url, headers: headersOf(req), body });
      if (refusal) return send(refusal.status, refusal.body);
      const fault = faults.find((f) => f.times > 0 && f.match(method, url.pathname));
      if (fault) {
        fault.times--;
        return send(
          fault.status,
          { message: fault.message, documentation_url: "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api" },
          fault.headers,
        );
      }
      const isWrite = method !== "GET" && url.pathname !== "/graphql";
      if (options.readOnly && isWrite) {
        return send(403, { message: "Resource not accessible by integration", documentation_url: "https://docs.github.com/rest", status: "403" });
      }
      const route = `${method} ${url.pathname}`;
      if (route === "POST /graphql") {
        if (/\bviewer\b/.test(body.query)) return send(200, { data: { viewer: { login: viewer } } });
        const blob = (t: string | null | undefined) => ({ config: t == null ? null : { text: t } });
        const data: Record<string, unknown> = {
          base: blob(options.configText),
          org: options.orgConfigText == null ? null : blob(options.orgConfigText),
        };
        const issue = (n: number) => {
          const found = options.issues?.[n];
          return found ? { state: found.state, body: found.body, labels: { nodes: (found.labels ?? []).map((name) => ({ name })) } } : null;
        };
        for (const [key, value] of Object.entries(body.variables as Record<string, unknown>)) {
          const m = /^i(\d+)$/.exec(key);
          if (m) data[`r${m[1]}`] = { issue: issue(Number(value)) };
        }
        const repository = { name: options.repo, owner: { login: options.owner } };
        const nodes = (options.closes ?? []).flatMap((n) => {
          const found = issue(n);
          return found ? [{ number: n, repository, ...found }] : [];
        });
        data.pr = { pullRequest: { closingIssuesReferences: { nodes } } };
        // No `.github` repository: GitHub answers the rest and names the missing one in `errors`.
        const errors =
          options.orgConfigText == null
            ? { errors: [{ type: "NOT_FOUND", path: ["org"], message: "Could not resolve to a Repository with the name '.github'." }] }
            : {};
        return send(200, { data, ...errors });
      }
      const contents = /^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/.exec(url.pathname);
      if (method === "GET" && contents) {
        const file = options.repoFiles?.[`${contents[1]}/${contents[2]}:${decodeURIComponent(contents[3] ?? "")}`];
        if (file === undefined) return send(404, { message: "Not Found" });
        return send(200, { type: "file", encoding: "base64", content: Buffer.from(file).toString("base64"), path: contents[3] });
      }
      if (method === "GET" && new RegExp(`^(?:${repoPath}|/repositories/\\d+)/pulls/${options.pullNumber}/files$`).test(url.pathname)) {
        const page = Number(url.searchParams.get("page") ?? "1");
        const perPage = Number(url.searchParams.get("per_page") ?? "30");
        const last = Math.min(LAST_PAGE, Math.ceil(options.files.length / perPage));
        const next: Record<string, string> =
          page < last
            ? {
                link: `<http://${req.headers.host}/repositories/1/pulls/${options.pullNumber}/files?per_page=${perPage}&page=${page + 1}>; rel="next"`,
              }
            : {};
        return send(200, options.files.slice((page - 1) * perPage, page * perPage), next);
      }
      const pr = options.pullRequest;
      if (pr && method === "GET") {
        const number = options.pullNumber;
        if (url.pathname === `${repoPath}/pulls/${number}`) return send(200, pr);
        if (url.pathname === `${repoPath}/issues/${number}`)
          return send(200, { number, title: pr.title, body: pr.body, labels: pr.labels, state: "open" });
        if (url.pathname === `${repoPath}/pulls/${number}/commits`) {
          const head = pr.head as { sha: string };
          const who = { name: "Codertocat", email: "octocat@github.com", date: "2019-05-15T15:20:30Z" };
          const commit = { message: String(pr.title), author: who, committer: who, tree: { sha: head.sha, url: "" }, url: "" };
          return send(200, [{ sha: head.sha, commit, author: null, committer: null, parents: [], url: "" }]);
        }
        if ([`${repoPath}/pulls/${number}/reviews`, `${repoPath}/pulls/${number}/comments`].includes(url.pathname)) return send(200, []);
        if (url.pathname === `${repoPath}/pulls/${number}/requested_reviewers`) return send(200, { users: [], teams: [] });
      }
      if (pr && method === "POST" && url.pathname.startsWith(`${repoPath}/statuses/`)) {
        statuses.push(body);
        return send(201, { id: statuses.length, ...body });
      }
      if (route === `POST ${repoPath}/check-runs`) {
        checkRuns.push(body);
        return send(201, { id: checkRuns.length, ...body });
      }
      const checkUpdate = new RegExp(`^PATCH ${repoPath}/check-runs/(\\d+)$`).exec(route);
      if (checkUpdate) return send(200, { id: Number(checkUpdate[1]) });
      if (route === `GET ${repoPath}/issues/${options.pullNumber}/comments`) return send(200, comments);
      if (route === `POST ${repoPath}/issues/${options.pullNumber}/comments`) {
        const comment = { id: 1000 + comments.length, body: body.body, user: author };
        comments.push(comment);
        return send(201, comment);
      }
      const commentEdit = new RegExp(`^PATCH ${repoPath}/issues/comments/(\\d+)$`).exec(route);
      const existing = commentEdit ? comments.find((c) => c.id === Number(commentEdit[1])) : undefined;
      if (existing) {
        existing.body = body.body;
        return send(200, existing);
      }
      send(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    comments,
    checkRuns,
    statuses,
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
