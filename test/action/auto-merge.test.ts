import nock from "nock";
import { describe, expect, it } from "vitest";
import { run } from "../../src/action/main.js";
import { actionEnv, captureActionRuns, fixture, hotfixMarker, prFile, printed } from "./harness.js";

/** fastLane.autoMerge (issue 25): GitHub's auto-merge is asked for only after a passing check on a PR from this repository. */

const API = "https://api.github.com";
const REPO = "/repos/Codertocat/Hello-World";
const ISSUE_BODY = `## TypeError in total\n\n${hotfixMarker(["src/checkout/cart.ts"])}`;
const TESTED = [
  prFile("src/checkout/cart.ts"),
  prFile("src/checkout/cart.test.ts", { status: "added", additions: 12, deletions: 0, patch: "@@ -0,0 +1,12 @@\n+import { total } from './cart';" }),
];
const failed = captureActionRuns();

/** Runs the check on the hotfix-branch PR fixture with `config` as .github/hotfix.yml; returns the mutations sent. */
async function check(opts: { config: string; files: unknown[]; fixture?: string; adjust?: (payload: any) => void; mutationErrors?: string }) {
  const payload = fixture(opts.fixture ?? "pull_request.opened.hotfix-branch.json");
  opts.adjust?.(payload);
  const env = actionEnv({ eventName: "pull_request", payload, inputs: { comment: "false" }, apiUrl: API });
  const mutations: { query: string; variables: Record<string, unknown> }[] = [];
  const scope = nock(API);
  scope
    .post("/graphql")
    .times(3)
    .optionally()
    .reply(200, async (req: Request) => {
      const body = (await req.json()) as { query: string; variables: Record<string, unknown> };
      if (body.query.includes("enablePullRequestAutoMerge")) {
        mutations.push(body);
        if (opts.mutationErrors) return { errors: [{ type: "UNPROCESSABLE", message: opts.mutationErrors }] };
        return {
          data: { enablePullRequestAutoMerge: { pullRequest: { autoMergeRequest: { enabledAt: "2026-12-07T14:30:00Z", mergeMethod: "SQUASH" } } } },
        };
      }
      const data: Record<string, unknown> = { base: { config: { text: opts.config } } };
      if ("i0" in body.variables) data.r0 = { issue: { state: "OPEN", body: ISSUE_BODY } };
      return { data };
    });
  scope.get(`${REPO}/pulls/2/files`).query(true).optionally().reply(200, opts.files);
  scope.post(`${REPO}/check-runs`).reply(201, { id: 4 });
  await run();
  return { mutations, verdict: env.outputs().verdict };
}

const ON = "fastLane:\n  autoMerge: squash\n";

describe("fastLane.autoMerge", () => {
  it("enables auto-merge with the configured method after a passing check", async () => {
    const { mutations, verdict } = await check({ config: ON, files: TESTED });
    expect(failed()).toBe("");
    expect(verdict).toBe("pass");
    expect(mutations).toHaveLength(1);
    expect(mutations[0]!.variables).toEqual({ pullRequestId: "MDExOlB1bGxSZXF1ZXN0Mjc5MTQ3NDM3", mergeMethod: "SQUASH" });
  });

  it("never after a failing check (no regression test)", async () => {
    const { mutations, verdict } = await check({ config: ON, files: [prFile("src/checkout/cart.ts")] });
    expect(failed()).toContain("Hotfix narrow-diff rules failed");
    expect(verdict).toBe("fail");
    expect(mutations).toEqual([]);
  });

  it("never after a neutral one (not a hotfix PR)", async () => {
    const { mutations, verdict } = await check({ config: ON, files: TESTED, fixture: "pull_request.opened.json" });
    expect(failed()).toBe("");
    expect(verdict).toBe("skipped");
    expect(mutations).toEqual([]);
  });

  it("never on a PR from a fork, though its check passes", async () => {
    const { mutations, verdict } = await check({
      config: ON,
      files: TESTED,
      adjust: (payload) => (payload.pull_request.head.repo = { ...payload.pull_request.head.repo, full_name: "mallory/Hello-World" }),
    });
    expect(failed()).toBe("");
    expect(verdict).toBe("pass");
    expect(mutations).toEqual([]);
  });

  it("never when autoMerge is off (the default)", async () => {
    expect(await check({ config: "", files: TESTED })).toEqual({ mutations: [], verdict: "pass" });
  });

  it("warns with GitHub's words, and fails nothing, when GitHub refuses", async () => {
    const { mutations } = await check({ config: ON, files: TESTED, mutationErrors: "Auto merge is not allowed for this repository" });
    expect(mutations).toHaveLength(1);
    expect(printed()).toContain("::warning::Could not enable auto-merge on #2: Auto merge is not allowed for this repository");
    expect(failed()).toBe("");
    expect(process.exitCode).toBeUndefined();
  });
});
