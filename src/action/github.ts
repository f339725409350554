import { getOctokit } from "@actions/github";
import { retry } from "@octokit/plugin-retry";
import { z } from "zod";
import { PR_FILES_CAP, firstChangedLine, type ChangedFile, type IssueRef } from "../core/policy.js";

/**
 * The Action's GitHub reads and writes. One run makes a few dozen calls at most, far
 * below any rate limit, so only transient failures (5xx, resets) are retried.
 */

export type GitHub = ReturnType<typeof getOctokit>;

export interface Repo {
  owner: string;
  repo: string;
}

export function createGitHub(token: string): GitHub {
  // Read at call time: @actions/github's own default is fixed when the module loads.
  const baseUrl = process.env.GITHUB_API_URL || "https://api.github.com";
  return getOctokit(token, { baseUrl, retry: { retries: 2 } }, retry);
}

const PullRequestFile = z.object({
  filename: z.string(),
  previous_filename: z.string().optional(),
  status: z.enum(["added", "removed", "modified", "renamed", "copied", "changed", "unchanged"]),
  additions: z.number().int(),
  deletions: z.number().int(),
  patch: z.string().optional(),
});

/** The PR's changed files, 100 a page, up to GitHub's cap of 3,000 (30 reads). */
export async function listPullRequestFiles(github: GitHub, repo: Repo, pullNumber: number): Promise<ChangedFile[]> {
  const files: ChangedFile[] = [];
  const pages = github.paginate.iterator("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", {
    ...repo,
    pull_number: pullNumber,
    per_page: 100,
  });
  for await (const page of pages) {
    for (const item of z.array(PullRequestFile).parse(page.data)) {
      const line = item.patch ? firstChangedLine(item.patch) : undefined;
      files.push({
        path: item.filename,
        ...(item.previous_filename ? { previousPath: item.previous_filename } : {}),
        status: item.status,
        additions: item.additions,
        deletions: item.deletions,
        ...(line ? { firstChangedLine: line } : {}),
      });
    }
    if (files.length >= PR_FILES_CAP) break;
  }
  return files;
}

const Blob = z.object({ text: z.string().nullable() }).nullable();
const Issue = z.object({ state: z.enum(["OPEN", "CLOSED"]), body: z.string() }).nullable();

export interface LinkedIssueBody {
  ref: IssueRef;
  state: "open" | "closed";
  body: string;
}

/**
 * The config file at the PR's base commit and the bodies of the issues the PR links, in one
 * GraphQL read. The base commit's config is the one that counts: a PR cannot loosen its own rules.
 */
export async function readConfigAndIssues(
  github: GitHub,
  args: { repo: Repo; baseSha: string; configPath: string; links: IssueRef[] },
): Promise<{ configText: string | null; issues: (LinkedIssueBody | null)[] }> {
  const vars: Record<string, string | number> = { owner: args.repo.owner, name: args.repo.repo, expression: `${args.baseSha}:${args.configPath}` };
  const decls = ["$owner: String!", "$name: String!", "$expression: String!"];
  const fields = args.links.map((ref, i) => {
    vars[`o${i}`] = ref.owner;
    vars[`n${i}`] = ref.repo;
    vars[`i${i}`] = ref.number;
    decls.push(`$o${i}: String!`, `$n${i}: String!`, `$i${i}: Int!`);
    return `r${i}: repository(owner: $o${i}, name: $n${i}) { issue(number: $i${i}) { state body } }`;
  });
  const query = `query(${decls.join(", ")}) {
  base: repository(owner: $owner, name: $name) { config: object(expression: $expression) { ... on Blob { text } } }
  ${fields.join("\n  ")}
}`;
  let data: unknown;
  try {
    data = await github.graphql(query, vars);
  } catch (error) {
    // A link to a pull request or an unknown issue is a field error; the rest of the answer still holds.
    if (error && typeof error === "object" && "data" in error && error.data) data = error.data;
    else throw error;
  }
  const answer = z.record(z.string(), z.unknown().nullable()).parse(data);
  const base = z.object({ config: Blob.optional() }).nullable().parse(answer.base ?? null);
  const issues = args.links.map((ref, i) => {
    const found = z.object({ issue: Issue.optional() }).nullable().parse(answer[`r${i}`] ?? null)?.issue;
    return found ? { ref, state: found.state === "OPEN" ? ("open" as const) : ("closed" as const), body: found.body } : null;
  });
  return { configText: base?.config?.text ?? null, issues };
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

/** Edits the PR comment carrying `marker`, or creates it: one sticky comment however often the check runs. */
export async function upsertComment(github: GitHub, args: { repo: Repo; issueNumber: number; marker: string; body: string }): Promise<{ id: number; created: boolean }> {
  const pages = github.paginate.iterator(github.rest.issues.listComments, { ...args.repo, issue_number: args.issueNumber, per_page: 100 });
  for await (const page of pages) {
    const existing = page.data.find((c) => c.body?.includes(args.marker));
    if (existing) {
      await github.rest.issues.updateComment({ ...args.repo, comment_id: existing.id, body: args.body });
      return { id: existing.id, created: false };
    }
  }
  const { data } = await github.rest.issues.createComment({ ...args.repo, issue_number: args.issueNumber, body: args.body });
  return { id: data.id, created: true };
}

const Contents = z.object({ type: z.literal("file"), content: z.string(), encoding: z.literal("base64") });

/** A file's text at `ref` through the contents API; null when the file does not exist there. */
export async function readRepoFile(github: GitHub, args: { repo: Repo; path: string; ref?: string }): Promise<string | null> {
  try {
    const { data } = await github.rest.repos.getContent({ ...args.repo, path: args.path, ...(args.ref ? { ref: args.ref } : {}) });
    return Buffer.from(Contents.parse(data).content, "base64").toString("utf8");
  } catch (error) {
    if (error && typeof error === "object" && "status" in error && error.status === 404) return null;
    throw error;
  }
}
