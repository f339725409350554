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
