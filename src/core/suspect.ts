import * as z from "zod";
import { neutralize } from "./markdown.js";

/**
 * The suspect commit of a new hotfix issue: who last changed the crashing in-app line at the
 * crashing release, from one GraphQL `blame` call. Only what GitHub answers for that exact
 * file, ref and line is shown; anything unknown means no suspect rather than a guess.
 */

export const BLAME_QUERY = `query ($owner: String!, $name: String!, $ref: String!, $path: String!) {
  repository(owner: $owner, name: $name) {
    object(expression: $ref) {
      ...Blame
      ... on Tag { target { ...Blame } }
    }
  }
}
fragment Blame on Commit {
  blame(path: $path) {
    ranges {
      startingLine
      endingLine
      commit {
        oid
        messageHeadline
        author { name user { login } }
        associatedPullRequests(first: 1) { nodes { number } }
      }
    }
  }
}`;

const Range = z.object({
  startingLine: z.number().int(),
  endingLine: z.number().int(),
  commit: z.object({
    oid: z.string().regex(/^[0-9a-f]{40}$/),
    messageHeadline: z.string(),
    author: z.object({ name: z.string().nullish(), user: z.object({ login: z.string() }).nullish() }).nullish(),
    associatedPullRequests: z.object({ nodes: z.array(z.object({ number: z.number().int() }).nullable()) }).nullish(),
  }),
});
const Blame = z.object({ blame: z.object({ ranges: z.array(Range) }) });
export const BlameAnswer = z.object({
  repository: z.object({ object: z.union([Blame, z.object({ target: Blame.nullish() }), z.object({})]).nullable() }).nullable(),
});

export interface SuspectCommit {
  sha: string;
  headline: string;
  pullRequest?: number;
  /** GitHub login of the author, when the commit's email belongs to an account. */
  login?: string;
  author?: string;
}

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;

/** The commit that last changed `line`, or null when GitHub's answer does not say. */
export function suspectFrom(answer: unknown, line: number): SuspectCommit | null {
  const parsed = BlameAnswer.safeParse(answer);
  const object = parsed.success ? parsed.data.repository?.object : null;
  const blame = object && "blame" in object ? object.blame : object && "target" in object ? object.target?.blame : undefined;
  const range = blame?.ranges.find((r) => r.startingLine <= line && line <= r.endingLine);
  if (!range) return null;
  const { commit } = range;
  const login = commit.author?.user?.login;
  const pullRequest = commit.associatedPullRequests?.nodes.find((n) => n !== null)?.number;
  return {
    sha: commit.oid,
    headline: commit.messageHeadline,
    ...(pullRequest !== undefined ? { pullRequest } : {}),
    ...(login && LOGIN.test(login) ? { login } : {}),
    ...(commit.author?.name ? { author: commit.author.name } : {}),
  };
}

/** "Suspect: `abc1234` Refactor cart totals (#311) by @dana-dev": the headline is anyone's text, so it is made inert. */
export function renderSuspect(suspect: SuspectCommit, where: { path: string; line: number }): string {
  const pr = suspect.pullRequest !== undefined ? ` (#${suspect.pullRequest})` : "";
  const by = suspect.login ? ` by @${suspect.login}` : suspect.author ? ` by ${neutralize(suspect.author)}` : "";
  return `**Suspect:** \`${suspect.sha.slice(0, 7)}\` ${neutralize(suspect.headline)}${pr}${by}, the last change to \`${where.path.replace(/`/g, "")}\` line ${where.line} at the crashing release.`;
}
