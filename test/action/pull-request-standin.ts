import {
  startGitHubStandin,
  type GitHubStandin,
  type InjectedFault,
  type StandinCall,
  type StandinComment,
  type StandinOptions,
  type StandinRepo,
  type StandinStatus,
} from "../../src/demo/github-standin.js";

/**
 * The stand-in seeded with one pull request, as the Action's narrow-diff check meets it: the PR's files, its config
 * (and the organisation's, and files `_extends` names), the issues it links, its comments. For the Action's tests, the
 * built Action's (dist) test and the check bench; the server is the one stand-in (github-standin.ts).
 */

/** A comment as the check reads it: who wrote it, and what. */
export type ScenarioComment = Pick<StandinComment, "id" | "body" | "user">;

export interface PullRequestScenario {
  owner: string;
  repo: string;
  pullNumber: number;
  /** The PR's changed files as GitHub lists them (at least `filename`). */
  files: Record<string, unknown>[];
  /** `.github/hotfix.yml` of the repository; none when absent. */
  configText?: string | null;
  /** `.github/hotfix.yml` of the organisation's `.github` repository; no such repository when absent. */
  orgConfigText?: string | null;
  /** Other files, by `owner/repo:path`, for the contents API (`_extends`). */
  repoFiles?: Record<string, string>;
  /** Issues of the repository by number (bodies and labels), as the check's GraphQL read sees them. */
  issues?: Record<number, { state: "OPEN" | "CLOSED"; body: string; labels?: string[] }>;
  /**
   * The issues GitHub gives as the PR's `closingIssuesReferences`: the ones its description closes when the PR targets
   * the default branch, and those linked in its sidebar. None by default (as for a PR into another branch).
   */
  closes?: number[];
  /** Comments already on the PR. */
  comments?: ScenarioComment[];
  /**
   * The PR as the REST API shows it (`GET /pulls/{n}`), for a client that reads the PR itself rather than taking it
   * from the event: danger-js, the bench's peer. It also gets the PR's issue and its head commit.
   */
  pullRequest?: Record<string, unknown>;
  /** Faults for the next calls of a route, by route template (e.g. "POST /graphql"). */
  inject?: Record<string, InjectedFault>;
  /** The workflow token's identity by default: `github-actions`. */
  viewer?: string;
  readOnly?: boolean;
  latencyMs?: number;
  /** Hold every request to GitHub's description (default, in the tests); false: not (the bench leaves it out of what it times). */
  contracts?: boolean;
}

export interface PullRequestStandin {
  standin: GitHubStandin;
  url: string;
  /** Every call (bodies loosely typed: a test reads what it asserts). */
  calls: (StandinCall & { body?: any })[];
  readonly maxInFlight: number;
  /** Check runs created on the repository (loosely typed: a test reads what it asserts). */
  readonly checkRuns: any[];
  /** The PR's comments. */
  readonly comments: ScenarioComment[];
  /** Commit statuses set on the repository (danger-js reports its verdict with one). */
  readonly statuses: StandinStatus[];
  close(): Promise<void>;
}

const CONFIG_PATH = ".github/hotfix.yml";

export async function startPullRequestStandin(scenario: PullRequestScenario): Promise<PullRequestStandin> {
  const full = `${scenario.owner}/${scenario.repo}`;
  const number = scenario.pullNumber;
  const rest = scenario.pullRequest;
  const head = (rest?.head as { sha?: string } | undefined)?.sha;
  const repos: Record<string, StandinRepo> = {
    [full]: {
      installationId: 1,
      files: scenario.configText == null ? {} : { [CONFIG_PATH]: scenario.configText },
      pulls: { [number]: { files: scenario.files as NonNullable<NonNullable<StandinRepo["pulls"]>[number]["files"]>, commits: head ? [head] : [] } },
    },
  };
  if (scenario.orgConfigText != null) repos[`${scenario.owner}/.github`] = { installationId: 1, files: { [CONFIG_PATH]: scenario.orgConfigText } };
  for (const [key, text] of Object.entries(scenario.repoFiles ?? {})) {
    const [repo = "", path = ""] = key.split(/:(.*)/s);
    const entry = (repos[repo] ??= { installationId: 1 });
    entry.files = { ...entry.files, [path]: text };
  }
  const options: StandinOptions = {
    repos,
    viewer: scenario.viewer ?? "github-actions",
    ...(scenario.readOnly ? { readOnly: true } : {}),
    ...(scenario.latencyMs ? { latencyMs: scenario.latencyMs } : {}),
    ...(scenario.contracts === false ? { checkRequest: null } : {}),
  };
  const standin = await startGitHubStandin(options);

  const now = Date.now();
  const issue = (n: number, fields: { title: string; body: string; state: "open" | "closed"; labels: string[]; comments?: StandinComment[] }) => ({
    number: n,
    assignees: [],
    comments: [],
    createdAt: now,
    indexedAt: now,
    ...fields,
  });
  const labels = ((rest?.labels ?? []) as { name: string }[]).map((l) => l.name);
  const title = typeof rest?.title === "string" ? rest.title : `Pull request #${number}`;
  const body = typeof rest?.body === "string" ? rest.body : "";
  // A pull request is an issue too: its comments and labels are the issue's.
  const comments = (scenario.comments ?? []).map((c) => ({ ...c, author_association: "NONE" as const }));
  const seeded = [
    ...Object.entries(scenario.issues ?? {}).map(([n, i]) =>
      issue(Number(n), { title: `Issue #${n}`, body: i.body, state: i.state === "OPEN" ? "open" : "closed", labels: i.labels ?? [] }),
    ),
    issue(number, { title, body, state: "open", labels, comments }),
  ].sort((a, b) => a.number - b.number);
  standin.issues.set(full, seeded);
  standin.pulls.set(full, [{ number, title, body, state: "open", closes: scenario.closes ?? [], ...(rest ? { rest } : {}) }]);
  for (const [route, fault] of Object.entries(scenario.inject ?? {})) standin.inject(route, fault);

  const prIssue = seeded.find((i) => i.number === number)!;
  return {
    standin,
    url: standin.url,
    calls: standin.calls,
    get maxInFlight() {
      return standin.maxInFlight;
    },
    get checkRuns() {
      return standin.checkRuns.get(full) ?? [];
    },
    get comments() {
      return prIssue.comments.map(({ id, body, user }) => ({ id, body, user }));
    },
    get statuses() {
      return standin.statuses.get(full) ?? [];
    },
    close: () => standin.close(),
  };
}

/** The routes of the check that tests inject faults on, as the stand-in's table names them. */
export const CHECK_ROUTES = {
  graphql: "POST /graphql",
  files: "GET /repos/{owner}/{repo}/pulls/{number}/files",
  createCheckRun: "POST /repos/{owner}/{repo}/check-runs",
} as const;
