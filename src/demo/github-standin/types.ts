import type { IncomingMessage } from "node:http";
import type { components } from "@octokit/openapi-types";
import type { CommitGraph } from "../commit-graph.js";
import type { RequestWindow } from "../../github/secondary-limits.js";

/**
 * The GitHub stand-in's types, at the bottom of its modules: github-standin.ts and its areas in this folder import
 * them, and they import none of those.
 */

type Schemas = components["schemas"];
/** The fields of GitHub's answers the App reads; the rest of GitHub's shape is left out. */
export type IssueAnswer = Pick<Schemas["issue"], "id" | "number" | "title" | "body" | "state" | "html_url" | "created_at" | "comments"> & {
  labels: Pick<Schemas["label"], "name">[];
  assignees: Pick<Schemas["simple-user"], "login">[];
};
export type FileAnswer = Pick<Schemas["diff-entry"], "sha" | "filename" | "status" | "additions" | "deletions" | "changes" | "patch">;

/** GitHub's documented limits; a load proof that runs the App without its throttling may lift the content-creation limit. */
export interface StandinLimits {
  /** Sliding windows on content-creating requests, all enforced at once (GitHub's: 80 a minute, 500 an hour); false: none. */
  contentCreation: RequestWindow[] | false;
}

export interface StandinRepo {
  installationId: number;
  /** Files served by the contents API, path -> text (e.g. ".github/hotfix.yml", ".github/CODEOWNERS"). */
  files?: Record<string, string>;
  /** Pull requests' changed files and commits (full SHAs), by PR number. */
  pulls?: Record<number, { files?: FileAnswer[]; commits?: string[] }>;
  /** The history compare answers from. */
  git?: CommitGraph;
  /** Issues turned off in the repository's settings: a new issue is refused with 410, as GitHub does. */
  issuesDisabled?: boolean;
  /** The installation was not granted Issues: write: a new issue is refused with 403, as GitHub does. */
  issuesReadOnly?: boolean;
}

export interface StandinOptions {
  repos: Record<string, StandinRepo>;
  /** Added to every answer: a fixed round trip, or uniformly between min and max milliseconds. */
  latencyMs?: number | { min: number; max: number };
  /** Probability of each injected failure per request (0..1). */
  faults?: { badGateway?: number; rateLimited?: number; secondaryRateLimit?: number };
  /** Seconds told in Retry-After for injected rate limits. */
  retryAfterSeconds?: number;
  /** How long a new or edited issue takes to become visible to search. */
  searchLagMs?: number;
  /** Seed of the fault and latency generator, so a run can be repeated. */
  seed?: number;
  /** Default GITHUB_LIMITS. */
  limits?: StandinLimits;
  /** Default: the check set by checkStandinRequests (the tests' own), else none; null: none (a bench keeps it out of what it times). */
  checkRequest?: StandinRequestCheck | null;
  /**
   * Who the token is: GraphQL's viewer login (a bot without `[bot]`); comments it writes show as `<viewer>[bot]`. Default
   * the App's slug; the Action's workflow token is `github-actions`.
   */
  viewer?: string;
  /** A fork's `pull_request` token: every write (GraphQL reads aside) answers 403, as GitHub does. */
  readOnly?: boolean;
}

/** GitHub's refusal of a request that leaves its published description, or null for one it takes. */
export type StandinRequestCheck = (request: { method: string; url: URL; headers: Headers; body: unknown }) => {
  status: number;
  body: unknown;
} | null;

export interface StandinIssue {
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  labels: string[];
  assignees: string[];
  comments: StandinComment[];
  createdAt: number;
  indexedAt: number;
}

export type StandinComment = Pick<Schemas["issue-comment"], "id" | "body" | "author_association"> & {
  body: string;
  user: Pick<Schemas["simple-user"], "login"> & { type: "Bot" | "User" };
};

export interface StandinPullRequest {
  number: number;
  body: string;
  state: "open" | "closed";
  /** Set on a PR opened through the API (POST /pulls); a test or the demo may leave them out. */
  title?: string;
  head?: string;
  base?: string;
  /** Issue numbers GitHub's GraphQL gives as the PR's closingIssuesReferences (the "Development" links). */
  closes?: number[];
  /** The whole PR as the REST API shows it (`GET /pulls/{number}`), for a client that reads it there (danger-js). */
  rest?: Record<string, unknown>;
}

/** A `workflow_dispatch` GitHub was asked for, with the run it answered with. */
export interface StandinDispatch {
  workflow: string;
  ref: string;
  inputs: Record<string, unknown>;
  runId: number;
}

export interface StandinStatus {
  sha: string;
  state: string;
  context: string;
  description: string;
}

export interface StandinCall {
  method: string;
  /** Route template, e.g. "POST /repos/{owner}/{repo}/issues". */
  route: string;
  path: string;
  status: number;
  /** A 403 because the request went past the enforced content-creation limit (not an injected fault). */
  limited?: true;
  /** The request's JSON body, if any. */
  body?: unknown;
  /** When the request arrived (ms since the epoch), before any added latency. */
  at: number;
}

/** A fault for the next matching calls: answer `status`, after doing the work when `afterWrite` (GitHub stored it, then failed). */
export interface InjectedFault {
  status: number;
  afterWrite?: boolean;
  /** How many calls it applies to; default 1. */
  times?: number;
  /** GitHub's message; default "Server Error" for a 5xx, else "Injected fault". */
  message?: string;
  headers?: Record<string, string>;
}

/** A check run as the Action created it (the request's body), with the annotations of later updates appended. */
export interface StandinCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status?: string;
  conclusion?: string;
  output?: { title?: string; summary?: string; text?: string; annotations?: unknown[] };
}

export interface GitHubStandin {
  url: string;
  /** Makes the next calls of a route (e.g. "POST /repos/{owner}/{repo}/issues") fail as given. */
  inject(route: string, fault: InjectedFault): void;
  /** Issues per "owner/repo". */
  issues: Map<string, StandinIssue[]>;
  /** Pull requests per "owner/repo", as a test or the demo puts them there (GET only). */
  pulls: Map<string, StandinPullRequest[]>;
  /** Commit statuses per "owner/repo", in the order they were set. */
  statuses: Map<string, StandinStatus[]>;
  /** Workflow dispatches per "owner/repo", in order. */
  dispatches: Map<string, StandinDispatch[]>;
  /** Check runs per "owner/repo", in the order they were created. */
  checkRuns: Map<string, StandinCheckRun[]>;
  calls: StandinCall[];
  /** The most requests the stand-in was answering at once. */
  readonly maxInFlight: number;
  /** Successful (2xx) calls that changed something. */
  writes(): StandinCall[];
  close(): Promise<void>;
}

export interface Handled {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  limited?: true;
}

export type Handler = (m: RegExpExecArray, req: IncomingMessage, body: unknown, url: URL) => Handled;
/** A row of the route table: the route's template (as GitHub's description names it), its pattern, its handler. */
export type Route = [string, RegExp, Handler];

/** What the routes of one area (github-standin/*.ts) share with the rest of the stand-in. */
export interface StandinContext {
  options: StandinOptions;
  /** Who the token is, as GraphQL names it. */
  viewer: string;
  known: (repo: string) => StandinRepo | undefined;
  /** "owner/repo" of a route's match. */
  repoOf: (m: RegExpExecArray) => string;
  issueList: (repo: string) => StandinIssue[];
  pulls: Map<string, StandinPullRequest[]>;
  checkRuns: Map<string, StandinCheckRun[]>;
  notFound: Handled;
  paged: <T>(items: T[], url: URL) => Handled;
}
