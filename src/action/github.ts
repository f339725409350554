import * as core from "@actions/core";
import { getOctokit } from "@actions/github";
import { defaults as actionsDefaults } from "@actions/github/lib/utils";
import { throttling } from "@octokit/plugin-throttling";
import { retry } from "@octokit/plugin-retry";
import { RequestError } from "@octokit/request-error";
import * as z from "zod";
import { sameLogin } from "../github/bot-identity.js";
import type { RepoName } from "../github/repo-name.js";
import { unthrottledGroups } from "./octokit-internals.js";
import { PR_FILES_CAP, firstChangedLine, type ChangedFile, type IssueRef } from "../core/pull-request.js";
import { FILES_PER_PAGE, configAndIssuesQuery, expectedFilePages, withFirstReads } from "./first-reads.js";

/**
 * The Action's GitHub reads and writes. Transient failures (5xx, resets) are retried by
 * plugin-retry; rate limits (403/429 secondary limits with `retry-after`, primary limits until
 * `x-ratelimit-reset`) by plugin-throttling, which also spaces writes as GitHub asks.
 */

export type GitHub = ReturnType<typeof getOctokit>;

/** The repository the Action runs for. */
export type Repo = RepoName;

/** Retries of one request after a rate limit; a required check that waits beats one that never reports. */
const RATE_LIMIT_RETRIES = 4;
/** The most one run waits for rate limits in all, well inside a job's time. */
const RATE_LIMIT_BUDGET_SECONDS = 15 * 60;

interface RateLimitWaits {
  count: number;
  seconds: number;
}
const waits = new WeakMap<object, RateLimitWaits>();

/** How often and how long this client waited for GitHub's rate limits. */
export function rateLimitWaits(github: object): RateLimitWaits {
  return waits.get(github) ?? { count: 0, seconds: 0 };
}

/** `baseUrl`: GitHub's REST root, the runner's GITHUB_API_URL (context.ts). */
export function createGitHub(token: string, baseUrl: string): GitHub {
  const onLimit =
    (kind: string) =>
    (retryAfter: number, options: { method?: string; url?: string }, octokit: object, retryCount: number): boolean => {
      const spent = rateLimitWaits(octokit);
      const request = `${options.method ?? "GET"} ${options.url ?? ""}`;
      if (retryCount >= RATE_LIMIT_RETRIES || spent.seconds + retryAfter > RATE_LIMIT_BUDGET_SECONDS) {
        core.warning(
          `GitHub rate limited ${request} (${kind}) and asks to wait ${retryAfter} s more; giving up after waiting ${spent.seconds} s in all.`,
        );
        return false;
      }
      waits.set(octokit, { count: spent.count + 1, seconds: spent.seconds + retryAfter });
      core.warning(`GitHub rate limited ${request} (${kind}): waiting ${retryAfter} s as it asks, then retrying.`);
      return true;
    };
  return getOctokit(
    token,
    {
      baseUrl,
      // @actions/github's own fetch (through a proxy when one is set), answering first with the reads index.ts sent
      // before the Action loaded (first-reads.ts). Its other request defaults kept: Octokit merges `request` shallowly.
      request: { ...actionsDefaults.request, fetch: withFirstReads((actionsDefaults.request?.fetch as typeof fetch | undefined) ?? fetch) },
      retry: { retries: 2 },
      throttle: {
        onSecondaryRateLimit: onLimit("secondary rate limit"),
        onRateLimit: onLimit("rate limit exhausted"),
        // One run writes a handful of times (a check run, a comment, a label): GitHub's advice to space writes 1-3 s
        // apart is for many writes, and following it here would only delay the verdict by seconds. The limits GitHub
        // answers with are waited out as above.
        // The groups and retry limiter replaced by ones without Bottleneck's timer ticks (octokit-internals.ts).
        ...unthrottledGroups(),
      },
    },
    throttling,
    retry,
  );
}

/** GitHub refused because of a rate limit: the secondary limit's message, or no requests left. */
export function isRateLimit(error: unknown): error is RequestError {
  if (!(error instanceof RequestError) || (error.status !== 403 && error.status !== 429)) return false;
  return /rate limit/i.test(error.message) || error.response?.headers["x-ratelimit-remaining"] === "0";
}

/** A GitHub failure in words for people: "rate limited" with how long the run waited when that is the cause. */
export function describeGitHubError(github: object, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (isRateLimit(error)) {
    const spent = rateLimitWaits(github);
    return `GitHub rate limited this run (HTTP ${error.status}: ${message}); it waited ${spent.seconds} s over ${spent.count} retries and GitHub still refused`;
  }
  return error instanceof RequestError ? `GitHub answered HTTP ${error.status}: ${message}` : message;
}

const FileStatus = z.enum(["added", "removed", "modified", "renamed", "copied", "changed", "unchanged"]);
const PullRequestFile = z.object({
  filename: z.string(),
  previous_filename: z.string().optional(),
  status: FileStatus,
  additions: z.number().int(),
  deletions: z.number().int(),
  patch: z.string().optional(),
});
type PullRequestFile = z.infer<typeof PullRequestFile>;

const optionalString = (value: unknown) => value === undefined || typeof value === "string";
const statuses: ReadonlySet<unknown> = new Set(FileStatus.options);

/**
 * The schema's own check, field by field, for the common case: parsing 3,000 entries with zod took ~10 ms of a cold
 * start's CPU while the verdict waited. It accepts only what PullRequestFile accepts, so an entry it passes reads the
 * same; any other entry is left to the schema, which accepts it or says which field is wrong.
 */
const isPullRequestFile = (item: unknown): item is PullRequestFile => {
  if (typeof item !== "object" || item === null || Array.isArray(item)) return false;
  const file = item as Record<string, unknown>;
  return (
    typeof file.filename === "string" &&
    optionalString(file.previous_filename) &&
    statuses.has(file.status) &&
    Number.isSafeInteger(file.additions) &&
    Number.isSafeInteger(file.deletions) &&
    optionalString(file.patch)
  );
};

const FilePage = z.array(PullRequestFile);

function changedFile(item: PullRequestFile): ChangedFile {
  const line = item.patch ? firstChangedLine(item.patch) : undefined;
  return {
    path: item.filename,
    ...(item.previous_filename ? { previousPath: item.previous_filename } : {}),
    status: item.status,
    additions: item.additions,
    deletions: item.deletions,
    ...(line ? { firstChangedLine: line } : {}),
  };
}

/** A page as the check uses it, parsed as it arrives: while one page is parsed the others are still on the wire. */
const pageFiles = (data: unknown): ChangedFile[] =>
  (Array.isArray(data) && data.every(isPullRequestFile) ? data : FilePage.parse(data)).map(changedFile);

/**
 * Octokit parses every JSON answer with a reviver that looks for integers too big for a number (json-with-bigint), which
 * is several times slower than JSON.parse and is most of the CPU the verdict waits for once 30 pages of files come back.
 * A file page holds no such integers, so its body is left unparsed (`parseSuccessResponseBody: false`) and parsed here.
 */
const rawBody = { parseSuccessResponseBody: false } as const;
const parseBody = async (body: unknown): Promise<unknown> => new Response(body as ReadableStream<Uint8Array>).json();

/**
 * The PR's changed files, 100 a page, up to GitHub's cap of 3,000 (30 reads). With the PR's
 * `changed_files` the pages are known up front and read all at once, kept in order; without it,
 * or when the PR grew since (the last expected page is full and GitHub links a next one), the
 * `Link` headers are followed one page after another.
 */
export async function listPullRequestFiles(github: GitHub, repo: Repo, pullNumber: number, changedFiles?: number): Promise<ChangedFile[]> {
  const route = "GET /repos/{owner}/{repo}/pulls/{pull_number}/files" as const;
  const params = { ...repo, pull_number: pullNumber, per_page: FILES_PER_PAGE };
  const expected = expectedFilePages(changedFiles);
  let more = expected === 0;
  const pages = await Promise.all(
    Array.from({ length: expected }, async (_, i) => {
      const response = await github.request(route, { ...params, page: i + 1, request: rawBody });
      if (i + 1 === expected) more = /\brel="next"/.test(response.headers.link ?? "");
      return pageFiles(await parseBody(response.data));
    }),
  );
  let listed = pages.flat();
  if (more) {
    for await (const page of github.paginate.iterator(route, { ...params, page: expected + 1 })) {
      listed = listed.concat(pageFiles(page.data));
      if (listed.length >= PR_FILES_CAP) break;
    }
  }
  return listed.slice(0, PR_FILES_CAP);
}

const Blob = z.object({ text: z.string().nullable() }).nullable();
const Labels = z.object({ nodes: z.array(z.object({ name: z.string() }).nullable()) }).nullable();
const Issue = z.object({ state: z.enum(["OPEN", "CLOSED"]), body: z.string(), labels: Labels.optional() }).nullable();
const ClosingIssue = Issue.unwrap().extend({
  number: z.number().int(),
  repository: z.object({ name: z.string(), owner: z.object({ login: z.string() }) }),
});
const ClosingReferences = z
  .object({ pullRequest: z.object({ closingIssuesReferences: z.object({ nodes: z.array(ClosingIssue.nullable()) }).nullable() }).nullable() })
  .nullable();

export interface LinkedIssueBody {
  ref: IssueRef;
  state: "open" | "closed";
  body: string;
  labels: string[];
}

const linkedIssue = (ref: IssueRef, issue: z.infer<typeof ClosingIssue> | z.infer<typeof Issue>): LinkedIssueBody | null =>
  issue
    ? {
        ref,
        state: issue.state === "OPEN" ? "open" : "closed",
        body: issue.body,
        labels: (issue.labels?.nodes ?? []).flatMap((l) => (l ? [l.name] : [])),
      }
    : null;

/**
 * The config file at the PR's base commit, the organisation's default (its `.github` repository,
 * used when the repository has none), the issues GitHub says the PR closes (`closingIssuesReferences`,
 * links made in the PR's sidebar included) and the issues its description links, in one GraphQL
 * read. The base commit's config is the one that counts: a PR cannot loosen its own rules.
 */
export async function readConfigAndIssues(
  github: GitHub,
  args: { repo: Repo; pullNumber: number; baseSha: string; configPath: string; links: IssueRef[] },
): Promise<{ configText: string | null; orgConfigText: string | null; closing: LinkedIssueBody[]; issues: (LinkedIssueBody | null)[] }> {
  const { query, variables: vars } = configAndIssuesQuery(args);
  let data: unknown;
  try {
    data = await github.graphql(query, vars);
  } catch (error) {
    // A link to a pull request or an unknown issue, or no `.github` repository, is a field error; the rest of the answer still holds.
    if (error && typeof error === "object" && "data" in error && error.data) data = error.data;
    else throw error;
  }
  const answer = z.record(z.string(), z.unknown().nullable()).parse(data);
  const configOf = (key: string) =>
    z
      .object({ config: Blob.optional() })
      .nullable()
      .parse(answer[key] ?? null)?.config?.text ?? null;
  const issues = args.links.map((ref, i) => {
    const found = z
      .object({ issue: Issue.optional() })
      .nullable()
      .parse(answer[`r${i}`] ?? null)?.issue;
    return found ? linkedIssue(ref, found) : null;
  });
  const closing = (ClosingReferences.parse(answer.pr ?? null)?.pullRequest?.closingIssuesReferences?.nodes ?? []).flatMap((issue) => {
    const found = issue && linkedIssue({ owner: issue.repository.owner.login, repo: issue.repository.name, number: issue.number }, issue);
    return found ? [found] : [];
  });
  return { configText: configOf("base"), orgConfigText: configOf("org"), closing, issues };
}

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: "notice" | "warning" | "failure";
  title: string;
  message: string;
}

/** GitHub takes at most 50 annotations per check-run request. */
export const ANNOTATIONS_PER_REQUEST = 50;

export async function createCheckRun(
  github: GitHub,
  args: {
    repo: Repo;
    name: string;
    headSha: string;
    conclusion: "success" | "failure" | "neutral";
    output: { title: string; summary: string; text: string };
    annotations: Annotation[];
  },
): Promise<number> {
  const batches: Annotation[][] = [];
  for (let i = 0; i < args.annotations.length; i += ANNOTATIONS_PER_REQUEST) batches.push(args.annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  const output = { ...args.output, ...(args.output.text ? {} : { text: undefined }) };
  const { data } = await github.rest.checks.create({
    ...args.repo,
    name: args.name,
    head_sha: args.headSha,
    status: "completed",
    conclusion: args.conclusion,
    output: { ...output, annotations: batches[0] ?? [] },
  });
  for (const batch of batches.slice(1)) {
    await github.rest.checks.update({ ...args.repo, check_run_id: data.id, output: { ...output, annotations: batch } });
  }
  return data.id;
}

/** The workflow token's identity when GitHub will not say (it is `github-actions[bot]` for `${{ github.token }}`). */
const ACTIONS_LOGIN = "github-actions[bot]";

const whoAmI = new WeakMap<object, Promise<string>>();

/** Who this token writes as: GraphQL's viewer, asked once per client. */
export function ownLogin(github: GitHub): Promise<string> {
  let login = whoAmI.get(github);
  if (!login) {
    login = github
      .graphql<{ viewer: { login: string } }>("query { viewer { login } }")
      .then((data) => z.object({ viewer: z.object({ login: z.string().min(1) }) }).parse(data).viewer.login)
      .catch(() => ACTIONS_LOGIN);
    whoAmI.set(github, login);
  }
  return login;
}

/** A comment this token wrote earlier, found by its marker. */
export interface OwnComment {
  id: number;
  body: string;
}

/** The comment carrying `marker` that this token wrote: someone quoting the marker in their own comment never counts. */
export async function findOwnComment(github: GitHub, args: { repo: Repo; issueNumber: number; marker: string }): Promise<OwnComment | null> {
  const pages = github.paginate.iterator(github.rest.issues.listComments, { ...args.repo, issue_number: args.issueNumber, per_page: 100 });
  for await (const page of pages) {
    for (const comment of page.data) {
      if (comment.body?.includes(args.marker) && comment.user && sameLogin(comment.user.login, await ownLogin(github))) {
        return { id: comment.id, body: comment.body };
      }
    }
  }
  return null;
}

/**
 * Edits `found` (the sticky comment) to `body`, or creates the comment: one sticky comment however often the check runs.
 * `found` comes from findOwnComment, which the check runs beside its reads so that the write needs no listing after the verdict.
 */
export async function writeComment(
  github: GitHub,
  args: { repo: Repo; issueNumber: number; found: OwnComment | null; body: string; createIfMissing?: boolean },
): Promise<{ id: number; created: boolean } | null> {
  const { found } = args;
  if (found) {
    if (found.body !== args.body) await github.rest.issues.updateComment({ ...args.repo, comment_id: found.id, body: args.body });
    return { id: found.id, created: false };
  }
  if (args.createIfMissing === false) return null;
  const { data } = await github.rest.issues.createComment({ ...args.repo, issue_number: args.issueNumber, body: args.body });
  return { id: data.id, created: true };
}
