import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run } from "../../src/action/main.js";
import { actionEnv, captureActionRuns, fixture, hotfixMarker, prFile } from "./harness.js";
import { startPullRequestStandin, type PullRequestScenario, type PullRequestStandin } from "./pull-request-standin.js";

/**
 * What a PR links is GitHub's answer (issue 19, item 2), a hotfix issue without the App (issue 21, item 5), and the
 * cost of a PR that is no hotfix (issue 19, item 4): the Action's run() against the loopback GitHub stand-in.
 */

const REPO = "/repos/Codertocat/Hello-World";
const FILES = [prFile("src/checkout/cart.ts"), prFile("src/checkout/cart.test.ts", { status: "added", additions: 12, deletions: 0 })];
const MARKED = { state: "OPEN" as const, body: hotfixMarker(["src/checkout/cart.ts"]) };

const failed = captureActionRuns();
let api: PullRequestStandin | undefined;

beforeEach(() => nock.enableNetConnect("127.0.0.1"));
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function check(options: Partial<PullRequestScenario>, event: string, adjust: (payload: any) => void = () => {}) {
  api = await startPullRequestStandin({ owner: "Codertocat", repo: "Hello-World", pullNumber: 2, files: FILES, ...options });
  const payload = fixture(event);
  adjust(payload);
  const env = actionEnv({ eventName: "pull_request", payload, inputs: { mode: "check" }, apiUrl: api.url });
  await run();
  return { api, outputs: env.outputs(), checkRun: api.checkRuns[0] };
}

describe("what a PR links", () => {
  it("takes a link made in the Development sidebar (GitHub's closingIssuesReferences), which the body never shows", async () => {
    const { outputs, checkRun } = await check({ issues: { 1: MARKED }, closes: [1] }, "pull_request.opened.json");
    expect(outputs).toMatchObject({ "is-hotfix": "true", verdict: "pass" });
    expect(checkRun.output.summary).toMatch(/links hotfix issue #1 \(found by GitHub's closing references\)/);
    expect(failed()).toBe("");
  });

  it("reads the description, as GitHub would, only when GitHub gives no closing references, and says so", async () => {
    const { outputs, checkRun } = await check({ issues: { 1: MARKED } }, "pull_request.opened.hotfix-branch.json");
    expect(outputs).toMatchObject({ "is-hotfix": "true", verdict: "pass" });
    expect(checkRun.output.summary).toMatch(/links hotfix issue #1 \(found by the PR description\)/);
  });

  it("takes no link only inside an HTML comment or a code block: such a PR is no hotfix", async () => {
    const body = "<!-- Fixes #1 -->\n\n```\nFixes #1\n```\n\nA refactor.";
    const { outputs, checkRun, api } = await check({ issues: { 1: MARKED } }, "pull_request.opened.json", (p) => (p.pull_request.body = body));
    expect(outputs).toMatchObject({ "is-hotfix": "false", verdict: "skipped" });
    expect(checkRun.conclusion).toBe("neutral");
    // Nothing was asked about issue #1: the read names no linked issue.
    expect(api.calls.find((c) => c.path === "/graphql")?.body.variables).not.toHaveProperty("i0");
  });
});

describe("the Action without the App (issue 21, item 5)", () => {
  it("passes linkedIssue for a hotfix PR that links an open issue labelled hotfix, and skips touchesStack with a note", async () => {
    const issues = { 1: { state: "OPEN" as const, body: "Checkout crashes when a price is missing.", labels: ["bug", "hotfix"] } };
    const { outputs, checkRun } = await check({ issues }, "pull_request.opened.hotfix-branch.json");
    expect(outputs).toMatchObject({ "is-hotfix": "true", verdict: "pass" });
    expect(JSON.parse(outputs.violations ?? "[]")).toEqual([]);
    expect(checkRun.conclusion).toBe("success");
    expect(checkRun.output.summary).toMatch(/links #1, an open issue labelled `hotfix` \(found by the PR description\)/);
    expect(checkRun.output.summary).toMatch(/skipped: the linked issue carries no hotfix-loop marker/);
    expect(failed()).toBe("");
  });
});

describe("cost in proportion to need", () => {
  const manyFiles = Array.from({ length: 3000 }, (_, i) => prFile(`src/module-${i % 50}/file-${i}.ts`));

  it("a 3,000-file PR that is no hotfix by branch or label costs at most 3 calls, even when it links an issue", async () => {
    const { api, outputs } = await check(
      { files: manyFiles, issues: { 5: { state: "OPEN", body: "A feature request." } } },
      "pull_request.opened.json",
      (p) => {
        p.action = "synchronize";
        p.pull_request.changed_files = 3000;
        p.pull_request.body = "Fixes #5";
      },
    );
    expect(outputs).toMatchObject({ "is-hotfix": "false" });
    // The look-up of the sticky comment (a synchronize may follow an earlier verdict) goes out beside the read.
    expect(api.calls.map((c) => `${c.method} ${c.path}`).sort()).toEqual(
      ["POST /graphql", `GET ${REPO}/issues/2/comments`, `POST ${REPO}/check-runs`].sort(),
    );
  });

  it("a PR whose payload says hotfix still reads its files beside the link look-up", async () => {
    const { api } = await check(
      { issues: { 1: MARKED }, latencyMs: 500 },
      "pull_request.labeled.hotfix.json",
      (p) => (p.pull_request.body = "Fixes #1"),
    );
    const graphql = api.calls.find((c) => c.path === "/graphql");
    const files = api.calls.find((c) => c.path === `${REPO}/pulls/2/files`);
    // Each answer takes 500 ms: the files were asked for before the link look-up was answered.
    expect(Math.abs(files!.at - graphql!.at)).toBeLessThan(500);
  });
});
