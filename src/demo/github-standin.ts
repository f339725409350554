import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { compareRefs } from "./commit-graph.js";
import { parseRepoName } from "../github/repo-name.js";
import { GITHUB_SECONDARY_LIMITS, isContentCreating } from "../github/secondary-limits.js";
import { RATE_LIMIT_DOCS } from "./github-standin/faults.js";
import { pullRequestCheckRoutes, readForCheck } from "./github-standin/pull-request-check.js";
import type {
  GitHubStandin,
  Handled,
  Handler,
  InjectedFault,
  IssueAnswer,
  StandinCall,
  StandinCheckRun,
  StandinComment,
  StandinContext,
  StandinDispatch,
  StandinIssue,
  StandinLimits,
  StandinOptions,
  StandinPullRequest,
  StandinRequestCheck,
  StandinStatus,
} from "./github-standin/types.js";

export type * from "./github-standin/types.js";
export { primaryRateLimit, secondaryRateLimit } from "./github-standin/faults.js";

/**
 * Over 300 lines on purpose: one table of the GitHub REST routes the App uses, a few lines each,
 * sharing the issues they serve and the limits they keep.
 *
 * A loopback stand-in for the part of GitHub's REST API the App uses, so the demo, the
 * end-to-end tests and the storm benchmark run without a GitHub account or network.
 * It counts every call, can answer slowly, and can inject the failures GitHub really
 * sends (502, 429 with Retry-After, the 403 secondary rate limit). Search can lag behind
 * writes as GitHub's index does, which is what trips a search-then-create bot.
 *
 * It keeps GitHub's documented limits, so every test meets them: the secondary limit on
 * content-creating requests (80 a minute, 500 an hour, then 403 with Retry-After; the same
 * definition the App paces itself by, github/secondary-limits.ts), 422 for an
 * issue or comment body over 65,536 characters, at most 3,000 files in a pull request's file
 * list, and pages with `Link` headers. Its answers are typed with GitHub's OpenAPI types.
 *
 * Its types are in github-standin/types.ts; the routes of the Action's pull-request check (check runs, the check's
 * GraphQL read) in github-standin/pull-request-check.ts. With `viewer` and `readOnly` it is the workflow token of
 * the Action, or a fork's read-only one.
 */

const GITHUB_LIMITS: StandinLimits = { contentCreation: GITHUB_SECONDARY_LIMITS.contentCreation };
/** GitHub lists at most this many files of a pull request. */
const PR_FILES_CAP = 3_000;
const BODY_MAX = 65_536;

let defaultCheck: StandinRequestCheck | undefined;

/**
 * Holds every stand-in started from now on to `check`: the tests set it to GitHub's own REST description and GraphQL
 * schema (test/contracts/), which the demo does not carry.
 */
export function checkStandinRequests(check: StandinRequestCheck): void {
  defaultCheck = check;
}

/** The App's slug: comments written with its installation token are shown as `${APP_SLUG}[bot]`. */
export const APP_SLUG = "hotfix-loop";

/** A request's headers as fetch's Headers (repeated headers left out: none of the requests we serve sends one). */
export const headersOf = (req: IncomingMessage): Headers =>
  new Headers(Object.entries(req.headers).flatMap(([name, value]) => (typeof value === "string" ? [[name, value] as [string, string]] : [])));

/** Mulberry32: small, seedable, good enough to spread faults and latency (and the fuzz proof's mutations). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return undefined;
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function startGitHubStandin(options: StandinOptions): Promise<GitHubStandin> {
  const rand = seededRandom(options.seed ?? 1);
  const checkRequest = options.checkRequest === undefined ? defaultCheck : (options.checkRequest ?? undefined);
  const viewer = options.viewer ?? APP_SLUG;
  const issues = new Map<string, StandinIssue[]>();
  const pulls = new Map<string, StandinPullRequest[]>();
  const calls: StandinCall[] = [];
  const statuses = new Map<string, StandinStatus[]>();
  const dispatches = new Map<string, StandinDispatch[]>();
  const checkRuns = new Map<string, StandinCheckRun[]>();
  let nextCommentId = 1;
  let nextRunId = 9_000_001;
  const now = () => Date.now();

  const repoOf = (m: RegExpExecArray) => `${m.groups?.owner}/${m.groups?.repo}`;
  const known = (repo: string) => options.repos[repo];
  const issueList = (repo: string) => {
    let list = issues.get(repo);
    if (!list) issues.set(repo, (list = []));
    return list;
  };
  const render = (repo: string, issue: StandinIssue): IssueAnswer => ({
    id: issue.number * 1000 + 7,
    number: issue.number,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    labels: issue.labels.map((name) => ({ name })),
    assignees: issue.assignees.map((login) => ({ login })),
    html_url: `https://github.com/${repo}/issues/${issue.number}`,
    created_at: new Date(issue.createdAt).toISOString(),
    comments: issue.comments.length,
  });
  const notFound: Handled = { status: 404, body: { message: "Not Found" } };
  const tooLong = (field: string): Handled => ({
    status: 422,
    body: {
      message: "Validation Failed",
      errors: [{ resource: "Issue", field, code: "custom", message: `${field} is too long (maximum is ${BODY_MAX} characters)` }],
    },
  });
  /** One page of a list as GitHub pages it: per_page (at most 100) and page, with next and last in a Link header. */
  const paged = <T>(items: T[], url: URL): Handled => {
    const perPage = Math.min(Math.max(Number(url.searchParams.get("per_page") ?? 30) || 30, 1), 100);
    const page = Math.max(Number(url.searchParams.get("page") ?? 1) || 1, 1);
    const last = Math.max(Math.ceil(items.length / perPage), 1);
    const link = (n: number, rel: string) => {
      const to = new URL(url);
      to.searchParams.set("page", String(n));
      return `<${to.toString()}>; rel="${rel}"`;
    };
    const links = [
      ...(page < last ? [link(page + 1, "next"), link(last, "last")] : []),
      ...(page > 1 ? [link(page - 1, "prev"), link(1, "first")] : []),
    ];
    return { status: 200, body: items.slice((page - 1) * perPage, page * perPage), headers: links.length ? { link: links.join(", ") } : {} };
  };
  const pullAnswer = (repo: string, pr: StandinPullRequest) => ({
    number: pr.number,
    title: pr.title ?? "",
    body: pr.body,
    state: pr.state,
    html_url: `https://github.com/${repo}/pull/${pr.number}`,
    head: { ref: pr.head ?? "" },
    base: { ref: pr.base ?? "" },
  });
  const findIssue = (m: RegExpExecArray) => issueList(repoOf(m)).find((i) => i.number === Number(m.groups?.number));
  const labelNames = (labels: unknown): string[] =>
    Array.isArray(labels) ? labels.map((l) => (typeof l === "string" ? l : String((l as { name?: string }).name))) : [];

  const routes: [string, RegExp, Handler][] = [
    ["GET /app", /^\/app$/, () => ({ status: 200, body: { id: 1, slug: APP_SLUG, name: APP_SLUG } })],
    [
      "POST /app/installations/{id}/access_tokens",
      /^\/app\/installations\/(?<id>\d+)\/access_tokens$/,
      () => ({
        status: 201,
        body: { token: "ghs_standin", expires_at: new Date(now() + 3_600_000).toISOString(), permissions: { issues: "write", contents: "read" } },
      }),
    ],
    [
      "GET /repos/{owner}/{repo}/installation",
      /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/installation$/,
      (m) => {
        const repo = known(repoOf(m));
        return repo ? { status: 200, body: { id: repo.installationId, account: { login: m.groups?.owner } } } : notFound;
      },
    ],
    [
      "GET /installation/repositories",
      /^\/installation\/repositories$/,
      () => ({
        status: 200,
        body: {
          total_count: Object.keys(options.repos).length,
          repositories: Object.keys(options.repos).map((full_name, i) => {
            const { owner, repo: name } = parseRepoName(full_name);
            return { id: i + 1, full_name, name, owner: { login: owner } };
          }),
        },
      }),
    ],
    [
      "GET /repos/{owner}/{repo}/contents/{path}",
      /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/contents\/(?<path>.+)$/,
      (m) => {
        const file = known(repoOf(m))?.files?.[decodeURIComponent(m.groups?.path ?? "")];
        if (file === undefined) return notFound;
        return { status: 200, body: { type: "file", encoding: "base64", content: Buffer.from(file).toString("base64"), path: m.groups?.path } };
      },
    ],
    [
      "GET /search/issues",
      /^\/search\/issues$/,
      (_m, _req, _body, url) => {
        const q = url.searchParams.get("q") ?? "";
        const repo = /repo:(\S+)/.exec(q)?.[1] ?? "";
        const phrase = /"([^"]*)"/.exec(q)?.[1] ?? "";
        const visible = issueList(repo).filter((i) => i.indexedAt <= now() && i.title.includes(phrase));
        return { status: 200, body: { total_count: visible.length, incomplete_results: false, items: visible.map((i) => render(repo, i)) } };
      },
    ],
    [
      "GET /repos/{owner}/{repo}/issues",
      /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/issues$/,
      (m, _req, _body, url) => {
        const repo = repoOf(m);
        if (!known(repo)) return notFound;
        const state = url.searchParams.get("state") ?? "open";
        const wanted = (url.searchParams.get("labels") ?? "").split(",").filter(Boolean);
        const all = issueList(repo)
          .filter((i) => (state === "all" || i.state === state) && wanted.every((l) => i.labels.includes(l)))
          .sort((a, b) => b.number - a.number);
        return paged(
          all.map((i) => render(repo, i)),
          url,
        );
      },
    ],
    [
      "POST /repos/{owner}/{repo}/issues",
      /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/issues$/,
      (m, _req, body) => {
        const repo = repoOf(m);
        if (!known(repo)) return notFound;
        const docs = "https://docs.github.com/rest/issues/issues#create-an-issue";
        if (known(repo)?.issuesDisabled) return { status: 410, body: { message: "Issues are disabled for this repo", documentation_url: docs } };
        if (known(repo)?.issuesReadOnly) return { status: 403, body: { message: "Resource not accessible by integration", documentation_url: docs } };
        const b = body as { title?: string; body?: string; labels?: unknown; assignees?: string[] };
        if (!b?.title) return { status: 422, body: { message: "Validation Failed", errors: [{ field: "title", code: "missing_field" }] } };
        if ((b.body ?? "").length > BODY_MAX) return tooLong("body");
        const list = issueList(repo);
        const issue: StandinIssue = {
          number: list.length + 1,
          title: b.title,
          body: b.body ?? "",
          state: "open",
          labels: labelNames(b.labels),
          assignees: b.assignees ?? [],
          comments: [],
          createdAt: now(),
          indexedAt: now() + (options.searchLagMs ?? 0),
        };
        list.push(issue);
        return { status: 201, body: render(repo, issue) };
      },
    ],
    [
      "GET /repos/{owner}/{repo}/issues/{number}",
      /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/issues\/(?<number>\d+)$/,
      (m) => {
        const issue = findIssue(m);
        return issue ? { status: 200, body: render(repoOf(m), issue) } : notFound;
      },
    ],
    [
      "PATCH /repos/{owner}/{repo}/issues/{number}",
      /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/issues\/(?<number>\d+)$/,
      (m, _req, body) => {
        const issue = findIssue(m);
        if (!issue) return notFound;
        const b = body as Partial<{ title: string; body: string; state: "open" | "closed"; labels: unknown; assignees: string[] }>;
        if (b.body !== undefined && b.body.length > BODY_MAX) return tooLong("body");
        if (b.title !== undefined) issue.title = b.title;
        if (b.body !== undefined) issue.body = b.body;
        if (b.state !== undefined) issue.state = b.state;
        if (b.labels !== undefined) issue.labels = labelNames(b.labels);
        if (b.assignees !== undefined) issue.assignees = b.assignees;
        return { status: 200, body: render(repoOf(m), issue) };
      },
    ],
    [
      "POST /repos/{owner}/{repo}/issues/{number}/labels",
      /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/issues\/(?<number>\d+)\/labels$/,
      (m, _req, body) => {
        const issue = findIssue(m);
        if (!issue) return notFound;
        const add = labelNames(Array.isArray(body) ? body : (body as { labels?: unknown })?.labels);
        issue.labels = [...new Set([...issue.labels, ...add])];
        return { status: 200, body: issue.labels.map((name) => ({ name })) };
      },
    ],
    [
      "POST /repos/{owner}/{repo}/issues/{number}/assignees",
      /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/issues\/(?<number>\d+)\/assignees$/,
      (m, _req, body) => {
        const issue = findIssue(m);
        if (!issue) return notFound;
        issue.assignees = [...new Set([...issue.assignees, ...((body as { assignees?: string[] })?.assignees ?? [])])];
        return { status: 201, body: render(repoOf(m), issue) };
      },
    ],
    [
      "POST /repos/{owner}/{repo}/pulls",
      /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/pulls$/,
      (m, _req, body) => {
        const repo = repoOf(m);
        if (!known(repo)) return notFound;
        const b = body as { title?: string; head?: string; base?: string; body?: string };
        if ((b.body ?? "").length > BODY_MAX) return tooLong("body");
        const list = pulls.get(repo) ?? [];
        // GitHub refuses a second open PR of the same head and base.
        if (list.some((p) => p.state === "open" && p.head === b.head && p.base === b.base)) {
          return {
            status: 422,
            body: {
              message: "Validation Failed",
              errors: [{ resource: "PullRequest", code: "custom", message: `A pull request already exists for ${b.head}.` }],
            },
          };
        }
        // A pull request is an issue too: one numbering, and its comments and labels are the issue's.
        const issues = issueList(repo);
        const number = issues.length + 1;
        issues.push({
          number,
          title: b.title ?? "",
          body: b.body ?? "",
          state: "open",
          labels: [],
          assignees: [],
          comments: [],
          createdAt: now(),
          indexedAt: now() + (options.searchLagMs ?? 0),
        });
        const pr: StandinPullRequest = { number, title: b.title ?? "", body: b.body ?? "", state: "open", head: b.head ?? "", base: b.base ?? "" };
        pulls.set(repo, [...list, pr]);
        return { status: 201, body: pullAnswer(repo, pr) };
      },
    ],
    [
      "GET /repos/{owner}/{repo}/pulls",
      /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/pulls$/,
      (m, _req, _body, url) => {
        const repo = repoOf(m);
        if (!known(repo)) return notFound;
        const state = url.searchParams.get("state") ?? "open";
        // `head` is `owner:branch`, as GitHub takes it.
        const head = url.searchParams.get("head")?.split(":").slice(1).join(":");
        const base = url.searchParams.get("base");
        const found = (pulls.get(repo) ?? []).filter(
          (p) => (state === "all" || p.state === state) && (head === undefined || p.head === head) && (base === null || p.base === base),
        );
        return paged(
          found.map((p) => pullAnswer(repo, p)),
          url,
        );
      },
    ],
    [
      "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
      /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/actions\/workflows\/(?<workflow>[^/]+)\/dispatches$/,
      (m, _req, body) => {
        const repo = repoOf(m);
        if (!known(repo)) return notFound;
        const b = body as { ref: string; inputs?: Record<string, unknown>; return_run_details?: boolean };
        const dispatch = { workflow: decodeURIComponent(m.groups?.workflow ?? ""), ref: b.ref, inputs: b.inputs ?? {}, runId: nextRunId++ };
        dispatches.set(repo, [...(dispatches.get(repo) ?? []), dispatch]);
        // With return_run_details GitHub answers 200 with the run it started; without, 204 and nothing.
        if (!b.return_run_details) return { status: 204 };
        return {
          status: 200,
          body: {
            workflow_run_id: dispatch.runId,
            run_url: `https://api.github.com/repos/${repo}/actions/runs/${dispatch.runId}`,
            html_url: `https://github.com/${repo}/actions/runs/${dispatch.runId}`,
          },
        };
      },
    ],
    [
      "GET /repos/{owner}/{repo}/pulls/{number}",
      /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/pulls\/(?<number>\d+)$/,
      (m) => {
        const pr = pulls.get(repoOf(m))?.find((p) => p.number === Number(m.groups?.number));
        if (pr?.rest) return { status: 200, body: pr.rest };
        return pr ? { status: 200, body: { ...pr, html_url: `https://github.com/${repoOf(m)}/pull/${pr.number}` } } : notFound;
      },
    ],
    [
      "POST /graphql",
      /^\/graphql$/,
      (_m, _req, body) => {
        // Only the queries the App and the Action send: who the token is, a pull request's closing references, and the
        // Action's one read of a PR's config and linked issues (github-standin/pull-request-check.ts).
        if (/^\s*query\s*\{\s*viewer\s*\{\s*login\s*\}\s*\}\s*$/.test((body as { query?: string })?.query ?? "")) {
          // GraphQL names a bot without REST's `[bot]` suffix.
          return { status: 200, body: { data: { viewer: { login: viewer } } } };
        }
        const checkRead = readForCheck(context, body);
        if (checkRead) return checkRead;
        const v = (body as { variables?: { owner?: string; repo?: string; number?: number } })?.variables ?? {};
        const repo = `${v.owner}/${v.repo}`;
        const pr = pulls.get(repo)?.find((p) => p.number === v.number);
        const nodes = (pr?.closes ?? []).map((number) => ({ number, repository: { nameWithOwner: repo } }));
        return {
          status: 200,
          body: { data: { repository: known(repo) ? { pullRequest: pr ? { closingIssuesReferences: { nodes } } : null } : null } },
        };
      },
    ],
    [
      "GET /repos/{owner}/{repo}/issues/{number}/comments",
      /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/issues\/(?<number>\d+)\/comments$/,
      (m, _req, _body, url) => {
        const issue = findIssue(m);
        return issue ? paged(issue.comments, url) : notFound;
      },
    ],
    [
      "GET /repos/{owner}/{repo}/pulls/{number}/files",
      /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/pulls\/(?<number>\d+)\/files$/,
      (m, _req, _body, url) => {
        const pull = known(repoOf(m))?.pulls?.[Number(m.groups?.number)];
        const files = pull?.files ?? [];
        // Copied only past the cap: every page of a 3,000-file PR would copy the list (the check bench reads 30 at once).
        return pull ? paged(files.length > PR_FILES_CAP ? files.slice(0, PR_FILES_CAP) : files, url) : notFound;
      },
    ],
    [
      "GET /repos/{owner}/{repo}/pulls/{number}/commits",
      /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/pulls\/(?<number>\d+)\/commits$/,
      (m, _req, _body, url) => {
        const repo = known(repoOf(m));
        const pull = repo?.pulls?.[Number(m.groups?.number)];
        const parents = (sha: string) => (repo?.git?.commits[sha] ?? []).map((p) => ({ sha: p, url: "" }));
        // A commit as GitHub lists it; who and when are GitHub's documentation example's.
        const who = { name: "Codertocat", email: "octocat@github.com", date: "2019-05-15T15:20:30Z" };
        const commit = (sha: string) => ({
          sha,
          commit: { message: `Commit ${sha.slice(0, 7)}`, author: who, committer: who, tree: { sha, url: "" }, url: "" },
          author: null,
          committer: null,
          parents: parents(sha),
          url: "",
        });
        return pull ? paged((pull.commits ?? []).map(commit), url) : notFound;
      },
    ],
    [
      "GET /repos/{owner}/{repo}/compare/{basehead}",
      /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/compare\/(?<basehead>.+)$/,
      (m, _req, _body, url) => {
        const git = known(repoOf(m))?.git;
        const [base, head] = decodeURIComponent(m.groups?.basehead ?? "").split("...");
        const answer = git && base && head ? compareRefs(git, base, head) : null;
        if (!answer) return notFound;
        // Head's commits are paged as GitHub pages them; the counts are the whole comparison's.
        const page = paged(answer.commits, url);
        return { status: 200, body: { ...answer, commits: page.body }, ...(page.headers ? { headers: page.headers } : {}) };
      },
    ],
    [
      "POST /repos/{owner}/{repo}/issues/{number}/comments",
      /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/issues\/(?<number>\d+)\/comments$/,
      (m, _req, body) => {
        const issue = findIssue(m);
        if (!issue) return notFound;
        // Calls come from the token's bot (the App's installation, or the workflow's): GitHub shows its comments as that bot.
        const text = String((body as { body?: string })?.body ?? "");
        if (text.length > BODY_MAX) return tooLong("body");
        // Past the ids of comments a test put there itself.
        const id = Math.max(nextCommentId, ...issue.comments.map((c) => Number(c.id) + 1));
        nextCommentId = id + 1;
        const comment: StandinComment = {
          id,
          body: text,
          user: { login: `${viewer}[bot]`, type: "Bot" },
          author_association: "NONE",
        };
        issue.comments.push(comment);
        return { status: 201, body: comment };
      },
    ],
    [
      "PATCH /repos/{owner}/{repo}/issues/comments/{id}",
      /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/issues\/comments\/(?<id>\d+)$/,
      (m, _req, body) => {
        const comment = issueList(repoOf(m))
          .flatMap((i) => i.comments)
          .find((c) => c.id === Number(m.groups?.id));
        if (!comment) return notFound;
        const text = String((body as { body?: string })?.body ?? "");
        if (text.length > BODY_MAX) return tooLong("body");
        comment.body = text;
        return { status: 200, body: comment };
      },
    ],
    [
      "DELETE /repos/{owner}/{repo}/issues/{number}/labels/{name}",
      /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/issues\/(?<number>\d+)\/labels\/(?<name>[^/]+)$/,
      (m) => {
        const issue = findIssue(m);
        const name = decodeURIComponent(m.groups?.name ?? "");
        // GitHub answers 404 "Label does not exist" for a label the issue does not carry.
        if (!issue?.labels.includes(name)) return notFound;
        issue.labels = issue.labels.filter((l) => l !== name);
        return { status: 200, body: issue.labels.map((l) => ({ name: l })) };
      },
    ],
    [
      "POST /repos/{owner}/{repo}/statuses/{sha}",
      /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/statuses\/(?<sha>[0-9a-f]{40})$/,
      (m, _req, body) => {
        if (!known(repoOf(m))) return notFound;
        const b = body as Partial<StandinStatus>;
        const status = {
          sha: m.groups?.sha ?? "",
          state: String(b?.state),
          context: String(b?.context ?? "default"),
          description: String(b?.description ?? ""),
        };
        statuses.set(repoOf(m), [...(statuses.get(repoOf(m)) ?? []), status]);
        return { status: 201, body: status };
      },
    ],
  ];
  const context: StandinContext = { options, viewer, known, repoOf, issueList, pulls, checkRuns, notFound, paged };
  // The routes of the Action's PR check, kept apart from the App's.
  routes.push(...pullRequestCheckRoutes(context));

  const windows = (options.limits ?? GITHUB_LIMITS).contentCreation || [];
  const longest = Math.max(0, ...windows.map((w) => w.ms));
  /** Times of content-creating requests within the longest window. */
  const created: number[] = [];
  /** Seconds until GitHub would take another content-creating request, or 0 when it would now. */
  const contentWait = (at: number): number => {
    while (created.length > 0 && created[0]! <= at - longest) created.shift();
    let waitMs = 0;
    for (const { limit, ms } of windows) {
      const within = created.filter((t) => t > at - ms);
      // The window has room again when enough of its oldest requests have left it.
      if (within.length >= limit) waitMs = Math.max(waitMs, within[within.length - limit]! + ms - at);
    }
    return Math.ceil(waitMs / 1000);
  };
  const secondaryLimit = (retryAfter: string): Handled => ({
    status: 403,
    body: {
      message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
      documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
    },
    headers: { "retry-after": retryAfter },
  });
  const injected = new Map<string, InjectedFault[]>();
  const takeFault = (route: string): InjectedFault | undefined => {
    const queue = injected.get(route);
    const fault = queue?.shift();
    if (queue?.length === 0) injected.delete(route);
    return fault;
  };

  const respond = async (req: IncomingMessage, res: ServerResponse) => {
    // The host the caller used, so the Link headers it follows point back here.
    const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "127.0.0.1"}`);
    // Probot and octokit may prefix the REST root with /api/v3 (GitHub Enterprise Server style).
    const path = url.pathname.replace(/^\/api\/v3(?=\/)/, "");
    const body = await readBody(req);
    const at = now();
    const method = req.method ?? "GET";
    let answer: Handled = { status: 404, body: { message: "Not Found" } };
    let route = `${method} (unknown)`;
    const headers = headersOf(req);
    const refusal = checkRequest?.({ method, url, headers, body });
    for (const [template, pattern, handler] of refusal ? [] : routes) {
      if (!template.startsWith(`${method} `)) continue;
      const m = pattern.exec(path);
      if (!m) continue;
      route = template;
      const fault = takeFault(template);
      if (fault) {
        if (fault.afterWrite) handler(m, req, body, url);
        const message = fault.message ?? (fault.status >= 500 ? "Server Error" : "Injected fault");
        answer = {
          status: fault.status,
          body: fault.headers ? { message, documentation_url: RATE_LIMIT_DOCS } : { message },
          ...(fault.headers ? { headers: fault.headers } : {}),
        };
        break;
      }
      if (options.readOnly && method !== "GET" && path !== "/graphql") {
        answer = {
          status: 403,
          body: { message: "Resource not accessible by integration", documentation_url: "https://docs.github.com/rest", status: "403" },
        };
        break;
      }
      const roll = rand();
      const faults = options.faults ?? {};
      const retryAfter = String(options.retryAfterSeconds ?? 1);
      let threshold = faults.badGateway ?? 0;
      if (roll < threshold) {
        answer = { status: 502, body: { message: "Server Error" } };
      } else if (roll < (threshold += faults.rateLimited ?? 0)) {
        answer = { status: 429, body: { message: "API rate limit exceeded" }, headers: { "retry-after": retryAfter } };
      } else if (roll < (threshold += faults.secondaryRateLimit ?? 0)) {
        answer = secondaryLimit(retryAfter);
      } else if (isContentCreating(method, path)) {
        const wait = contentWait(now());
        if (wait > 0) {
          answer = { ...secondaryLimit(String(wait)), limited: true };
        } else {
          created.push(now());
          answer = handler(m, req, body, url);
        }
      } else {
        answer = handler(m, req, body, url);
      }
      break;
    }
    if (refusal) answer = refusal;
    // Recorded when the change is made (an issue is visible from then on), not when the slow answer leaves.
    calls.push({
      method,
      route,
      path,
      status: answer.status,
      ...(answer.limited ? { limited: true } : {}),
      ...(body === undefined ? {} : { body }),
      at,
    });
    const latency = options.latencyMs;
    if (typeof latency === "number") await new Promise((r) => setTimeout(r, latency));
    else if (latency) await new Promise((r) => setTimeout(r, latency.min + rand() * (latency.max - latency.min)));
    res.writeHead(answer.status, { "content-type": "application/json; charset=utf-8", ...answer.headers });
    res.end(answer.body === undefined ? "" : JSON.stringify(answer.body));
  };
  let inFlight = 0;
  let maxInFlight = 0;
  const server: Server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on("close", () => inFlight--);
    respond(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify({ message: `stand-in failed: ${String(error)}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    issues,
    pulls,
    statuses,
    dispatches,
    checkRuns,
    calls,
    get maxInFlight() {
      return maxInFlight;
    },
    inject(route, fault) {
      const times = fault.times ?? 1;
      injected.set(route, [...(injected.get(route) ?? []), ...Array.from({ length: times }, () => fault)]);
    },
    writes: () => calls.filter((c) => c.method !== "GET" && !c.route.endsWith("/access_tokens") && c.status < 300),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
