import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startGitHubStandin, type GitHubStandin } from "../../src/demo/github-standin.js";

// The stand-in keeps GitHub's documented limits, so the tests that run against it meet them.

const REPO = "acme/shop";
const files = Array.from({ length: 3_100 }, (_, i) => ({
  sha: null,
  filename: `src/f${i}.ts`,
  status: "modified" as const,
  additions: 1,
  deletions: 0,
  changes: 1,
}));

let github: GitHubStandin;

beforeEach(async () => {
  github = await startGitHubStandin({ repos: { [REPO]: { installationId: 1, pulls: { 7: { files } } } } });
});

afterEach(() => github.close());

const call = (method: string, path: string, body?: unknown) =>
  fetch(`${github.url}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
  });

describe("GitHub's limits in the stand-in", () => {
  it("answers 403 with Retry-After past 80 content-creating requests a minute", async () => {
    for (let i = 0; i < 80; i++) expect((await call("POST", `/repos/${REPO}/issues`, { title: `t${i}` })).status).toBe(201);
    const refused = await call("POST", `/repos/${REPO}/issues`, { title: "one too many" });
    expect(refused.status).toBe(403);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await refused.json()) as { message: string }).message).toMatch(/secondary rate limit/);
    // Reads are not content creation.
    expect((await call("GET", `/repos/${REPO}/issues?state=all`)).status).toBe(200);
    expect(github.issues.get(REPO)).toHaveLength(80);
  });

  it("keeps every window it is given, and marks its refusals apart from injected faults", async () => {
    const scaled = await startGitHubStandin({
      repos: { [REPO]: { installationId: 1 } },
      limits: {
        contentCreation: [
          { limit: 3, ms: 3_600_000 },
          { limit: 2, ms: 1_000 },
        ],
      },
    });
    try {
      const post = () => fetch(`${scaled.url}/repos/${REPO}/issues`, { method: "POST", body: JSON.stringify({ title: "t" }) });
      scaled.inject("POST /repos/{owner}/{repo}/issues", { status: 403 });
      expect((await post()).status).toBe(403);
      expect([(await post()).status, (await post()).status]).toEqual([201, 201]);
      const refused = await post();
      expect(refused.status).toBe(403);
      expect(refused.headers.get("retry-after")).toBe("1");
      expect(scaled.calls.map((c) => c.limited ?? false)).toEqual([false, false, false, true]);
    } finally {
      await scaled.close();
    }
  });

  it("refuses an issue or comment body over 65,536 characters with 422", async () => {
    expect((await call("POST", `/repos/${REPO}/issues`, { title: "t", body: "x".repeat(65_537) })).status).toBe(422);
    expect((await call("POST", `/repos/${REPO}/issues`, { title: "t", body: "x".repeat(65_536) })).status).toBe(201);
    expect((await call("POST", `/repos/${REPO}/issues/1/comments`, { body: "x".repeat(65_537) })).status).toBe(422);
  });

  it("lists at most 3,000 files of a pull request, in pages linked by Link headers", async () => {
    let next: string | null = `${github.url}/repos/${REPO}/pulls/7/files?per_page=100`;
    let listed = 0;
    let pages = 0;
    while (next) {
      const res: Response = await fetch(next);
      listed += ((await res.json()) as unknown[]).length;
      pages++;
      next = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get("link") ?? "")?.[1] ?? null;
    }
    expect(listed).toBe(3_000);
    expect(pages).toBe(30);
  });
});

describe("compare in the stand-in, as GitHub answers GET /repos/{owner}/{repo}/compare/{base}...{head}", () => {
  // a - b - c - d on main, tagged v1 at b; x off a on a release line; z a root of its own.
  const sha = (c: string) => c.repeat(40);
  const git = {
    commits: { [sha("a")]: [], [sha("b")]: [sha("a")], [sha("c")]: [sha("b")], [sha("d")]: [sha("c")], [sha("e")]: [sha("a")], [sha("f")]: [] },
    tags: { v1: sha("b") },
  };
  let repo: GitHubStandin;
  beforeEach(async () => {
    repo = await startGitHubStandin({ repos: { [REPO]: { installationId: 1, git } } });
  });
  afterEach(() => repo.close());

  const compare = async (basehead: string, query = "") => {
    const res = await fetch(`${repo.url}/repos/${REPO}/compare/${basehead}${query}`);
    return { status: res.status, link: res.headers.get("link"), body: (await res.json()) as Record<string, any> };
  };
  const shas = (commits: { sha: string }[]) => commits.map((c) => c.sha);

  it("says ahead, behind, identical or diverged, with the counts and the merge base", async () => {
    const ahead = await compare(`v1...${sha("d")}`);
    expect(ahead.body).toMatchObject({ status: "ahead", ahead_by: 2, behind_by: 0, total_commits: 2, merge_base_commit: { sha: sha("b") } });
    expect(shas(ahead.body.commits)).toEqual([sha("c"), sha("d")]);
    expect((await compare(`${sha("d")}...v1`)).body).toMatchObject({ status: "behind", ahead_by: 0, behind_by: 2, commits: [] });
    expect((await compare(`cccccccc...${sha("c")}`)).body).toMatchObject({ status: "identical", ahead_by: 0, behind_by: 0 });
    const diverged = await compare(`${sha("c")}...eeeeeee`);
    expect(diverged.body).toMatchObject({ status: "diverged", ahead_by: 1, behind_by: 2, merge_base_commit: { sha: sha("a") } });
    expect(shas(diverged.body.commits)).toEqual([sha("e")]);
  });

  it("pages head's commits and keeps the counts whole", async () => {
    const first = await compare(`${sha("a")}...${sha("d")}`, "?per_page=1");
    expect(first.body).toMatchObject({ ahead_by: 3, total_commits: 3 });
    expect(shas(first.body.commits)).toEqual([sha("b")]);
    expect(first.link).toMatch(/rel="next"/);
  });

  it("answers 404 for an unknown ref, a SHA too short to name a commit, no head, and commits without common history", async () => {
    expect((await compare(`v9...${sha("d")}`)).status).toBe(404);
    expect((await compare(`${sha("a")}...abc`)).status).toBe(404);
    expect((await compare(`${sha("a")}...${sha("f")}`)).status).toBe(404);
    expect((await compare(`${sha("a")}`)).status).toBe(404);
  });
});
