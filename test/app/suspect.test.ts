import nock from "nock";
import { ProbotOctokit } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { findSuspect } from "../../src/app/suspect.js";
import { DEFAULT_CONFIG } from "../../src/core/config.js";
import { CrashReport } from "../../src/core/crash.js";
import { renderSuspect } from "../../src/core/suspect.js";

const octokit = new ProbotOctokit({ auth: { token: "installation-token" }, retry: { enabled: false }, throttle: { enabled: false } });
const report = CrashReport.parse({
  provider: "sentry",
  exception: { type: "TypeError", message: "total is undefined" },
  release: "1.4.2",
  frames: [
    { file: "node_modules/react-dom/index.js", function: "render", line: 10, in_app: false },
    { file: "src/cart/totals.ts", function: "cartTotal", line: 42, in_app: true },
  ],
});
const OID = "abc1234def5678abc1234def5678abc1234def56";
const blame = (ranges: unknown[]) => ({ data: { repository: { object: { blame: { ranges } } } } });
const range = (start: number, end: number, login: string, pr: number) => ({
  startingLine: start,
  endingLine: end,
  commit: {
    oid: OID,
    messageHeadline: "Refactor cart totals",
    author: { name: "Dana", user: { login } },
    associatedPullRequests: { nodes: [{ number: pr }] },
  },
});

afterEach(() => nock.cleanAll());

describe("findSuspect", () => {
  it("asks one blame of the crashing in-app file at the release's tag and names the commit, PR and author of that line", async () => {
    let asked: { query: string; variables: Record<string, string> } | undefined;
    const scope = nock("https://api.github.com")
      .post("/graphql", (body) => {
        asked = body as typeof asked;
        return true;
      })
      .reply(200, blame([range(1, 40, "someone-else", 300), range(41, 60, "dana-dev", 311)]));
    const found = await findSuspect(octokit, "acme/shop", report, DEFAULT_CONFIG);
    expect(scope.isDone()).toBe(true);
    expect(asked?.variables).toEqual({ owner: "acme", name: "shop", ref: "v1.4.2", path: "src/cart/totals.ts" });
    expect(asked?.query).toContain("blame(path: $path)");
    expect(found).toEqual({
      suspect: { sha: OID, headline: "Refactor cart totals", pullRequest: 311, login: "dana-dev", author: "Dana" },
      path: "src/cart/totals.ts",
      line: 42,
    });
    expect(renderSuspect(found!.suspect, found!)).toBe(
      "**Suspect:** `abc1234` Refactor cart totals (#311) by @dana-dev, the last change to `src/cart/totals.ts` line 42 at the crashing release.",
    );
  });

  it("says nothing when the ref or file is not in the repository", async () => {
    nock("https://api.github.com")
      .post("/graphql")
      .reply(200, { data: { repository: { object: null } } });
    expect(await findSuspect(octokit, "acme/shop", report, DEFAULT_CONFIG)).toBeNull();
    nock("https://api.github.com")
      .post("/graphql")
      .reply(200, {
        data: { repository: { object: null } },
        errors: [{ type: "NOT_FOUND", message: "Could not resolve file for path 'src/cart/totals.ts'." }],
      });
    await expect(findSuspect(octokit, "acme/shop", report, DEFAULT_CONFIG)).rejects.toThrow(/Could not resolve file/);
  });

  it("asks nothing without a release, a commit or an in-app frame with a line", async () => {
    expect(await findSuspect(octokit, "acme/shop", { ...report, release: undefined }, DEFAULT_CONFIG)).toBeNull();
    expect(
      await findSuspect(octokit, "acme/shop", { ...report, frames: report.frames.map((f) => ({ ...f, line: undefined })) }, DEFAULT_CONFIG),
    ).toBeNull();
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("makes the commit headline inert: no mention or reference comes alive from it", () => {
    const text = renderSuspect({ sha: OID, headline: "Fix @octocat #12 <b>x</b>" }, { path: "src/a.ts", line: 3 });
    // GitHub links nothing inside a code span, and the headline reads (and copies) as written.
    expect(text).toContain("Fix `@octocat` `#12` &lt;b&gt;x&lt;/b&gt;");
  });
});
