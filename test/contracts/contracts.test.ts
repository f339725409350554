import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { ProbotOctokit } from "probot";
import { startGitHubStandin, type GitHubStandin } from "../../src/demo/github-standin.js";
import { ApiClient } from "../../src/providers/http.js";
import * as z from "zod";
import { startPullRequestStandin, type PullRequestStandin } from "../action/pull-request-standin.js";
import { startBugsnag, startSentry, type Standin } from "../providers/reporter-standins.js";
import { takeContractViolations } from "./contracts.js";

/** Bad requests on purpose: each gets the service's own kind of refusal, and is recorded so that its test would fail. */

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  nock.cleanAll();
});

const keep = <T extends { close(): Promise<void> }>(server: T) => (open.push(server), server);

async function status(request: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await request;
    return { status: 0, message: "" };
  } catch (error) {
    return { status: (error as { status?: number }).status ?? -1, message: (error as Error).message };
  }
}

describe("requests held to the services' descriptions", () => {
  it("GitHub REST through nock: a check run with a conclusion GitHub does not know is a 422, and the test is told", async () => {
    // The interceptor would accept anything: the refusal comes from GitHub's description, before nock sees the request.
    nock("https://api.github.com").post("/repos/o/r/check-runs").optionally().reply(201, { id: 1 });
    const answer = await fetch("https://api.github.com/repos/o/r/check-runs", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "x", head_sha: "abc", conclusion: "passed" }),
    });
    expect(answer.status).toBe(422);
    expect(((await answer.json()) as { message: string }).message).toMatch(/conclusion must be equal to one of the allowed values/);
    expect(takeContractViolations()).toEqual([expect.stringMatching(/^github: POST \/repos\/o\/r\/check-runs: .*conclusion/)]);
  });

  it("GitHub REST through Probot's client: an unknown query parameter and a missing required one are refused", async () => {
    const github = new ProbotOctokit({ retry: { enabled: false }, throttle: { enabled: false } });
    nock("https://api.github.com").get(/.*/).optionally().reply(200, []);
    const files = { owner: "o", repo: "r", pull_number: 2, per_pgae: 100 };
    expect((await status(github.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", files))).status).toBe(422);
    expect((await status(github.request("GET /search/issues", {} as { q: string }))).status).toBe(422);
    const refused = takeContractViolations();
    expect(refused[0]).toMatch(/additional properties `per_pgae`/);
    expect(refused[1]).toMatch(/required property 'q'/);
  });

  it("GitHub GraphQL: a field GitHub's schema lacks is answered with `errors`, as GitHub does", async () => {
    const github = new ProbotOctokit({ retry: { enabled: false }, throttle: { enabled: false } });
    const query = `query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { pullRequest(number: 1) { closingIssues { nodes { number } } } } }`;
    const answer = await status(github.graphql(query, { owner: "o", name: "r" }));
    expect(answer.message).toMatch(/Cannot query field "closingIssues" on type "PullRequest"/);
    // A variable of the wrong type is refused too.
    const typed = await status(github.graphql(`query($n: Int!) { repository(owner: "o", name: "r") { issue(number: $n) { state } } }`, { n: "7" }));
    expect(typed.message).toMatch(/\$n/);
    expect(takeContractViolations()).toHaveLength(2);
  });

  it("the stand-in seeded with the Action's pull request refuses as GitHub does", async () => {
    const api: PullRequestStandin = keep(await startPullRequestStandin({ owner: "o", repo: "r", pullNumber: 2, files: [] }));
    const answer = await fetch(`${api.url}/repos/o/r/check-runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "x", head_sha: "abc", status: "done" }),
    });
    expect(answer.status).toBe(422);
    expect(((await answer.json()) as { message: string }).message).toMatch(/status must be equal to one of the allowed values/);
    expect(api.checkRuns).toEqual([]);
    expect(takeContractViolations()).toHaveLength(1);
  });

  it("the demo's GitHub stand-in refuses as GitHub does once the tests hold it to the description", async () => {
    const github: GitHubStandin = keep(await startGitHubStandin({ repos: { "o/r": { installationId: 1 } } }));
    const answer = await fetch(`${github.url}/repos/o/r/issues?state=any&per_page=100&labelz=hotfix`);
    expect(answer.status).toBe(422);
    expect(github.calls.at(-1)).toMatchObject({ method: "GET", status: 422 });
    expect(takeContractViolations()).toEqual([expect.stringMatching(/additional properties `labelz`/)]);
  });

  it("Sentry: Discover without `dataset` is a 400 with Sentry's `detail`, from the stand-in as through nock", async () => {
    const sentry: Standin = keep(await startSentry({ releases: [], token: "t", org: "acme" }));
    for (const baseUrl of [sentry.url, "https://sentry.io"]) {
      nock("https://sentry.io").get(/.*/).optionally().reply(200, { data: [] });
      const api = new ApiClient({ name: "Sentry", baseUrl: `${baseUrl}/api/0/`, authorization: "Bearer t", retries: 0 });
      const answer = await status(api.get("organizations/acme/events/", z.unknown(), { field: ["release", "count()"], query: "issue.id:1" }));
      expect(answer.status).toBe(400);
      expect(answer.message).toMatch(/required property 'dataset'/);
    }
    expect(takeContractViolations()).toHaveLength(2);
  });

  it("Bugsnag: a filter out of its documented pairs and a missing X-Version are a 400 with Bugsnag's `errors`", async () => {
    const bugsnag: Standin = keep(await startBugsnag({ releases: [], token: "t" }));
    const events = `${bugsnag.url}/projects/p/errors/e/events`;
    const unpaired = await fetch(`${events}?filters[app.version][][value]=1.0&filters[app.version][][type]=eq`, {
      headers: { authorization: "token t", "x-version": "2" },
    });
    expect(unpaired.status).toBe(400);
    expect(await unpaired.json()).toEqual({ errors: expect.arrayContaining([expect.stringMatching(/type and value in pairs/)]) });
    const unversioned = await fetch(`${events}?per_page=1`, { headers: { authorization: "token t" } });
    expect(await unversioned.json()).toEqual({ errors: ["the X-Version header must be 2"] });
    expect(takeContractViolations()).toHaveLength(3);
  });
});
