import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback stand-in for the GitHub API calls the narrow-diff check makes on one pull request,
 * for the built Action (dist test) and the cold-start bench. It records every call.
 */

export interface PrApiOptions {
  owner: string;
  repo: string;
  pullNumber: number;
  files: unknown[];
  configText?: string | null;
  /** Bodies of linked issues by number; absent numbers are not issues. */
  issues?: Record<number, { state: "OPEN" | "CLOSED"; body: string }>;
  comments?: { id: number; body: string }[];
}

export interface PrApi {
  url: string;
  calls: { method: string; path: string; body: any }[];
  comments: { id: number; body: string }[];
  checkRuns: any[];
  close(): Promise<void>;
}

/** GitHub lists at most 3,000 files of a PR. */
const LAST_PAGE = 30;

export async function startPrApi(options: PrApiOptions): Promise<PrApi> {
  const calls: PrApi["calls"] = [];
  const comments = [...(options.comments ?? [])];
  const checkRuns: any[] = [];
  const repoPath = `/repos/${options.owner}/${options.repo}`;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://loopback");
      const text = Buffer.concat(chunks).toString("utf8");
      const body = text ? JSON.parse(text) : undefined;
      calls.push({ method: req.method ?? "", path: url.pathname, body });
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify(payload));
      };
      const route = `${req.method} ${url.pathname}`;
      if (route === "POST /graphql") {
        const data: Record<string, unknown> = { base: { config: options.configText == null ? null : { text: options.configText } } };
        for (const [key, value] of Object.entries(body.variables as Record<string, unknown>)) {
          const m = /^i(\d+)$/.exec(key);
          if (m) data[`r${m[1]}`] = { issue: options.issues?.[Number(value)] ?? null };
        }
        return send(200, { data });
      }
      if (req.method === "GET" && new RegExp(`^(?:${repoPath}|/repositories/\\d+)/pulls/${options.pullNumber}/files$`).test(url.pathname)) {
        const page = Number(url.searchParams.get("page") ?? "1");
        const perPage = Number(url.searchParams.get("per_page") ?? "30");
        const last = Math.min(LAST_PAGE, Math.ceil(options.files.length / perPage));
        const next: Record<string, string> = page < last ? { link: `<http://${req.headers.host}/repositories/1/pulls/${options.pullNumber}/files?per_page=${perPage}&page=${page + 1}>; rel="next"` } : {};
        return send(200, options.files.slice((page - 1) * perPage, page * perPage), next);
      }
      if (route === `POST ${repoPath}/check-runs`) {
        checkRuns.push(body);
        return send(201, { id: checkRuns.length, ...body });
      }
      const checkUpdate = new RegExp(`^PATCH ${repoPath}/check-runs/(\\d+)$`).exec(route);
      if (checkUpdate) return send(200, { id: Number(checkUpdate[1]) });
      if (route === `GET ${repoPath}/issues/${options.pullNumber}/comments`) return send(200, comments);
      if (route === `POST ${repoPath}/issues/${options.pullNumber}/comments`) {
        const comment = { id: 1000 + comments.length, body: body.body };
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
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

