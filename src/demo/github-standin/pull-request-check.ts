import type { Handled, Route, StandinCheckRun, StandinContext, StandinIssue, StandinRepo } from "./types.js";

/**
 * The routes of the stand-in that the Action's narrow-diff check (and danger-js, the bench's peer) uses on a pull
 * request, apart from the App's: check runs, the reviews a PR has (none), and the check's one GraphQL read of the
 * config, the organisation's config and the linked issues. The PR's files, comments, commits and statuses are the
 * routes the App uses too (github-standin.ts).
 */

const REPO = String.raw`^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)`;

export function pullRequestCheckRoutes(ctx: StandinContext): Route[] {
  const { known, repoOf, notFound } = ctx;
  let nextCheckRunId = 1;
  const pullOf = (m: RegExpExecArray) => ctx.pulls.get(repoOf(m))?.find((p) => p.number === Number(m.groups?.number));
  const runsOf = (repo: string) => {
    let list = ctx.checkRuns.get(repo);
    if (!list) ctx.checkRuns.set(repo, (list = []));
    return list;
  };
  return [
    [
      "POST /repos/{owner}/{repo}/check-runs",
      new RegExp(`${REPO}/check-runs$`),
      (m, _req, body) => {
        if (!known(repoOf(m))) return notFound;
        const run = { ...(body as object), id: nextCheckRunId++ } as StandinCheckRun;
        runsOf(repoOf(m)).push(run);
        return { status: 201, body: run };
      },
    ],
    [
      "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}",
      new RegExp(`${REPO}/check-runs/(?<id>\\d+)$`),
      (m, _req, body) => {
        const run = runsOf(repoOf(m)).find((r) => r.id === Number(m.groups?.id));
        if (!run) return notFound;
        // GitHub appends an update's annotations to the run's; the rest of the output is replaced.
        const { output, ...rest } = body as Partial<StandinCheckRun>;
        Object.assign(run, rest);
        if (output) run.output = { ...run.output, ...output, annotations: [...(run.output?.annotations ?? []), ...(output.annotations ?? [])] };
        return { status: 200, body: run };
      },
    ],
    // A PR of the stand-in has no reviews, review comments or requested reviewers.
    [
      "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews",
      new RegExp(`${REPO}/pulls/(?<number>\\d+)/reviews$`),
      (m, _r, _b, url) => (pullOf(m) ? ctx.paged([], url) : notFound),
    ],
    [
      "GET /repos/{owner}/{repo}/pulls/{pull_number}/comments",
      new RegExp(`${REPO}/pulls/(?<number>\\d+)/comments$`),
      (m, _r, _b, url) => (pullOf(m) ? ctx.paged([], url) : notFound),
    ],
    [
      "GET /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers",
      new RegExp(`${REPO}/pulls/(?<number>\\d+)/requested_reviewers$`),
      (m) => (pullOf(m) ? { status: 200, body: { users: [], teams: [] } } : notFound),
    ],
  ];
}

interface GraphqlError {
  type: "NOT_FOUND";
  path: (string | number)[];
  message: string;
}

/**
 * The check's read (src/action/github.ts, readConfigAndIssues): `base` and `org` (the config at an expression
 * `rev:path`; the stand-in keeps one version of each file), `pr` (closingIssuesReferences) and `r0`, `r1`... (the
 * issues its description links). What GitHub cannot resolve is null with a NOT_FOUND error naming it, beside the
 * rest of the answer. Null for any other query.
 */
export function readForCheck(ctx: StandinContext, body: unknown): Handled | null {
  const { query, variables: v = {} } = (body ?? {}) as { query?: string; variables?: Record<string, unknown> };
  if (!/\bbase: repository\(/.test(query ?? "")) return null;
  const data: Record<string, unknown> = {};
  const errors: GraphqlError[] = [];
  const repository = (alias: string, full: string, fill: (repo: StandinRepo) => unknown) => {
    const repo = ctx.known(full);
    if (!repo) errors.push({ type: "NOT_FOUND", path: [alias], message: `Could not resolve to a Repository with the name '${full}'.` });
    data[alias] = repo ? fill(repo) : null;
  };
  const blob = (repo: StandinRepo, expression: unknown) => {
    const text = repo.files?.[String(expression).split(":").slice(1).join(":")];
    return { config: text === undefined ? null : { text } };
  };
  const issueOf = (full: string, number: number) => {
    // A pull request is an issue in REST, but GraphQL's `issue(number:)` does not resolve one.
    if (ctx.pulls.get(full)?.some((p) => p.number === number)) return undefined;
    return ctx.issueList(full).find((i) => i.number === number);
  };
  const issueFields = (issue: StandinIssue) => ({
    state: issue.state === "open" ? "OPEN" : "CLOSED",
    body: issue.body,
    labels: { nodes: issue.labels.map((name) => ({ name })) },
  });
  const [owner, name] = [String(v.owner), String(v.name)];
  const full = `${owner}/${name}`;
  repository("base", full, (repo) => blob(repo, v.expression));
  repository("pr", full, () => {
    const pr = ctx.pulls.get(full)?.find((p) => p.number === Number(v.number));
    if (!pr) {
      errors.push({
        type: "NOT_FOUND",
        path: ["pr", "pullRequest"],
        message: `Could not resolve to a PullRequest with the number of ${String(v.number)}.`,
      });
      return { pullRequest: null };
    }
    const nodes = (pr.closes ?? []).flatMap((number) => {
      const issue = issueOf(full, number);
      return issue ? [{ number, repository: { name, owner: { login: owner } }, ...issueFields(issue) }] : [];
    });
    return { pullRequest: { closingIssuesReferences: { nodes } } };
  });
  repository("org", `${owner}/.github`, (repo) => blob(repo, v.orgExpression));
  for (const key of Object.keys(v)) {
    const i = /^i(\d+)$/.exec(key)?.[1];
    if (i === undefined) continue;
    const [linkedRepo, number] = [`${String(v[`o${i}`])}/${String(v[`n${i}`])}`, Number(v[key])];
    repository(`r${i}`, linkedRepo, () => {
      const issue = issueOf(linkedRepo, number);
      if (!issue)
        errors.push({ type: "NOT_FOUND", path: [`r${i}`, "issue"], message: `Could not resolve to an Issue with the number of ${number}.` });
      return { issue: issue ? issueFields(issue) : null };
    });
  }
  return { status: 200, body: { data, ...(errors.length > 0 ? { errors } : {}) } };
}
