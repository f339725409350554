import { readFileSync } from "node:fs";
import { join } from "node:path";
import nock from "nock";
import { describe, expect, it } from "vitest";
import { run } from "../../src/action/main.js";
import { parse as parseYaml } from "yaml";
import { actionEnv, captureActionRuns, fixture, hotfixMarker, prFile, type ActionEnv } from "./harness.js";

const API = "https://api.github.com";
const REPO = "/repos/Codertocat/Hello-World";
const NARROW_FILES = [
  prFile("src/checkout/cart.ts"),
  prFile("src/checkout/cart.test.ts", { status: "added", additions: 12, deletions: 0, patch: "@@ -0,0 +1,12 @@\n+import { total } from './cart';" }),
];
const ISSUE_BODY = `## TypeError in total\n\n${hotfixMarker(["src/checkout/cart.ts", "src/checkout/index.ts"])}`;

let env: ActionEnv;

/** Authors of comments as GitHub's REST API shows them. */
const USER = { login: "octocat", type: "User" };
const ACTIONS_BOT = { login: "github-actions[bot]", type: "Bot" };

function start(eventFile: string, inputs: Record<string, string> = {}, adjust: (payload: any) => void = () => {}) {
  const payload = fixture(eventFile);
  adjust(payload);
  env = actionEnv({ eventName: "pull_request", payload, inputs, apiUrl: API });
}

interface Recorded {
  graphql: { query: string; variables: Record<string, unknown> }[];
  checkRuns: any[];
  checkRunUpdates: any[];
  comments: { method: string; id?: number; body: string }[];
  calls: string[];
}

/** The API a hotfix PR run talks to; every call is recorded in order. */
function github(opts: {
  configText?: string | null;
  issue?: { state: "OPEN" | "CLOSED"; body: string } | null;
  files?: unknown[];
  existingComment?: { id: number; body: string; user: { login: string; type: string } };
}): Recorded {
  const rec: Recorded = { graphql: [], checkRuns: [], checkRunUpdates: [], comments: [], calls: [] };
  const scope = nock(API);
  // nock 15 hands listeners and reply functions a Fetch API Request.
  scope.on("request", (req: Request) => rec.calls.push(`${req.method} ${new URL(req.url).pathname}`));
  scope
    .post("/graphql")
    .times(2)
    .reply(200, async (req: Request) => {
      const body = (await req.json()) as any;
      rec.graphql.push(body);
      if (body.query.includes("viewer")) return { data: { viewer: { login: "github-actions" } } };
      const data: Record<string, unknown> = { base: { config: opts.configText == null ? null : { text: opts.configText } } };
      if ("i0" in body.variables) data.r0 = { issue: opts.issue ?? null };
      return { data };
    });
  if (opts.files)
    scope
      .get(`${REPO}/pulls/2/files`)
      .query((q) => q.per_page === "100")
      .reply(200, opts.files);
  scope
    .post(`${REPO}/check-runs`)
    .optionally()
    .reply(201, async (req: Request) => {
      rec.checkRuns.push(await req.json());
      return { id: 4 };
    });
  scope
    .get(`${REPO}/issues/2/comments`)
    .query({ per_page: "100" })
    .optionally()
    .reply(200, opts.existingComment ? [{ id: 1, body: "LGTM", user: USER }, opts.existingComment] : [{ id: 1, body: "LGTM", user: USER }]);
  scope
    .post(`${REPO}/issues/2/comments`)
    .optionally()
    .reply(201, async (req: Request) => {
      const body = (await req.json()) as any;
      rec.comments.push({ method: "POST", body: body.body });
      return { id: 77, body: body.body };
    });
  scope
    .patch(/\/repos\/Codertocat\/Hello-World\/issues\/comments\/\d+/)
    .optionally()
    .reply(200, async (req: Request) => {
      const body = (await req.json()) as any;
      rec.comments.push({ method: "PATCH", id: Number(new URL(req.url).pathname.split("/").pop()), body: body.body });
      return { id: 1, body: body.body };
    });
  return rec;
}

const failed = captureActionRuns();
type ActionYml = { outputs: Record<string, { description: string }> };
const violations = () =>
  JSON.parse(env.outputs().violations ?? "[]") as { level: string; rule: string; message: string; file?: string; line?: number }[];

describe("runCheck through run()", () => {
  it("passes a narrow hotfix PR with a regression test and a linked hotfix issue, with the exact API calls", async () => {
    start("pull_request.opened.hotfix-branch.json");
    const rec = github({ configText: null, issue: { state: "OPEN", body: ISSUE_BODY }, files: NARROW_FILES });
    await run();
    expect(failed()).toBe("");
    expect(process.exitCode).toBeUndefined();
    // A hotfix branch: the files and the sticky comment are read beside the GraphQL read, then the two writes.
    expect(rec.calls.slice(0, 3).sort()).toEqual([`GET ${REPO}/issues/2/comments`, `GET ${REPO}/pulls/2/files`, "POST /graphql"]);
    expect(rec.calls.slice(3)).toEqual([`POST ${REPO}/check-runs`, `POST ${REPO}/issues/2/comments`]);
    expect(rec.graphql[0]?.variables).toMatchObject({
      owner: "Codertocat",
      name: "Hello-World",
      expression: "f95f852bd8fca8fcc58a9a2d6c842781e32a215e:.github/hotfix.yml",
      o0: "Codertocat",
      n0: "Hello-World",
      i0: 1,
    });
    expect(rec.checkRuns[0]).toMatchObject({
      name: "hotfix / narrow diff",
      head_sha: "ec26c3e57ca3a959ca5aad62de7213c562f8c821",
      status: "completed",
      conclusion: "success",
      output: { title: "Narrow hotfix: 2 files, 16 lines changed", annotations: [] },
    });
    expect(rec.comments).toHaveLength(1);
    expect(rec.comments[0]?.body).toMatch(/^<!-- hotfix-loop:check -->\n### hotfix \/ narrow diff/);
    expect(rec.comments[0]?.body).toContain("branch `hotfix/checkout-crash` matches `hotfix/**`; links hotfix issue #1");
    expect(env.outputs()).toEqual({ "is-hotfix": "true", verdict: "pass", files: "2", lines: "16", violations: "[]" });
    expect(env.summary()).toContain("Every narrow-diff rule passed.");
  });

  it("skips a PR that is not a hotfix after one read, with a neutral check run and no comment", async () => {
    start("pull_request.opened.json");
    const rec = github({});
    await run();
    expect(rec.calls).toEqual(["POST /graphql", `POST ${REPO}/check-runs`]);
    expect(rec.graphql[0]?.variables).not.toHaveProperty("i0");
    expect(rec.checkRuns[0]).toMatchObject({ conclusion: "neutral", output: { title: "Not a hotfix PR" } });
    expect(env.outputs()).toEqual({ "is-hotfix": "false", verdict: "skipped", files: "0", lines: "0", violations: "[]" });
    expect(failed()).toBe("");
  });

  it("reads the files only once the config makes a PR a hotfix that the default rules would not", async () => {
    start("pull_request.opened.json", {}, (p) => (p.pull_request.head.ref = "urgent/cart-total"));
    const rec = github({ configText: 'hotfix:\n  branches: ["urgent/**"]\n', files: NARROW_FILES });
    await run();
    expect(env.outputs()["is-hotfix"]).toBe("true");
    expect(rec.calls).toEqual([
      "POST /graphql",
      `GET ${REPO}/pulls/2/files`,
      `POST ${REPO}/check-runs`,
      `GET ${REPO}/issues/2/comments`,
      `POST ${REPO}/issues/2/comments`,
    ]);
  });

  it("treats a PR linking an open hotfix issue as a hotfix even off a hotfix branch", async () => {
    start("pull_request.opened.json", {}, (p) => (p.pull_request.body = "Resolves Codertocat/Hello-World#1"));
    const rec = github({ issue: { state: "OPEN", body: ISSUE_BODY }, files: NARROW_FILES });
    await run();
    expect(env.outputs()["is-hotfix"]).toBe("true");
    expect(rec.comments[0]?.body).toContain("links hotfix issue #1");
  });

  it("fails too many files with the limit from the max-files input over the config", async () => {
    start("pull_request.opened.hotfix-branch.json", { "max-files": "3" });
    const files = [...NARROW_FILES, prFile("src/a.ts"), prFile("src/b.ts"), prFile("package-lock.json")];
    github({
      configText: "rules:\n  maxFiles:\n    limit: 50\n  dependencies:\n    enabled: false\n",
      issue: { state: "OPEN", body: ISSUE_BODY },
      files,
    });
    await run();
    expect(violations()).toEqual([{ level: "fail", rule: "maxFiles", message: "4 files changed; a hotfix changes at most 3" }]);
    // action.yml tells workflows the shape of this output: every key it has, by name.
    const documented = (parseYaml(readFileSync(join(import.meta.dirname, "../../action.yml"), "utf8")) as ActionYml).outputs.violations?.description;
    for (const key of ["level", "rule", "message", "file", "line"]) expect(documented).toContain(`"${key}":`);
    expect(env.outputs().files).toBe("4");
    expect(env.outputs().verdict).toBe("fail");
    expect(failed()).toContain("max files: 4 files changed");
    expect(process.exitCode).toBe(1);
  });

  it("fails a forbidden path and a lockfile edit, annotating their first changed lines", async () => {
    start("pull_request.opened.hotfix-branch.json");
    const migration = prFile("db/migrations/20240101_add_price.sql", { status: "added", patch: "@@ -0,0 +1,2 @@\n+ALTER TABLE cart ADD price int;" });
    const lockfile = prFile("package-lock.json", {
      patch: '@@ -120,7 +120,7 @@\n   "node_modules/left-pad": {\n     "version": "1.3.0",\n-    "resolved": "a",\n+    "resolved": "b",',
    });
    const rec = github({ issue: { state: "OPEN", body: ISSUE_BODY }, files: [...NARROW_FILES, migration, lockfile] });
    await run();
    expect(violations()).toEqual([
      {
        level: "fail",
        rule: "forbiddenPaths",
        message: "`db/migrations/20240101_add_price.sql` is a path a hotfix must not change",
        file: "db/migrations/20240101_add_price.sql",
        line: 1,
      },
      {
        level: "fail",
        rule: "dependencies",
        message: "dependency manifest or lockfile `package-lock.json` modified; ship dependency changes outside the hotfix",
        file: "package-lock.json",
        line: 122,
      },
    ]);
    // The lockfile is left out of the counts (an ignore glob) but still breaks the dependency rule.
    expect(env.outputs().files).toBe("3");
    expect(rec.checkRuns[0]).toMatchObject({ conclusion: "failure" });
    expect(rec.checkRuns[0].output.annotations).toEqual([
      {
        path: "db/migrations/20240101_add_price.sql",
        start_line: 1,
        end_line: 1,
        annotation_level: "failure",
        title: "forbidden paths",
        message: "`db/migrations/20240101_add_price.sql` is a path a hotfix must not change",
      },
      {
        path: "package-lock.json",
        start_line: 122,
        end_line: 122,
        annotation_level: "failure",
        title: "dependency changes",
        message: "dependency manifest or lockfile `package-lock.json` modified; ship dependency changes outside the hotfix",
      },
    ]);
  });

  it("fails a hotfix without a regression test", async () => {
    start("pull_request.opened.hotfix-branch.json");
    github({ issue: { state: "OPEN", body: ISSUE_BODY }, files: [prFile("src/checkout/cart.ts")] });
    await run();
    expect(violations()).toEqual([
      { level: "fail", rule: "regressionTest", message: "no regression test added or changed: add a test that reproduces the crash" },
    ]);
  });

  it("fails a labelled hotfix PR that links no hotfix issue, without looking any issue up", async () => {
    start("pull_request.labeled.hotfix.json");
    const rec = github({ files: NARROW_FILES });
    await run();
    expect(rec.graphql[0]?.variables).not.toHaveProperty("i0");
    expect(violations()).toEqual([
      { level: "fail", rule: "linkedIssue", message: "links no hotfix issue: add `Fixes #N` naming the crash's issue to the PR description" },
    ]);
    expect(rec.comments[0]?.body).toContain("label `hotfix`");
  });

  it("fails a link to an issue without the App's marker", async () => {
    start("pull_request.opened.hotfix-branch.json");
    github({ issue: { state: "OPEN", body: "Please fix the cart" }, files: NARROW_FILES });
    await run();
    expect(violations()).toEqual([
      {
        level: "fail",
        rule: "linkedIssue",
        message: "links no open hotfix issue: #1 is not a hotfix issue (no hotfix-loop marker and no `hotfix` label)",
      },
    ]);
  });

  it("warns, without failing the step, when the change touches none of the crash's stack files", async () => {
    start("pull_request.opened.hotfix-branch.json");
    const files = [prFile("src/payments/refund.ts"), NARROW_FILES[1]];
    github({ issue: { state: "OPEN", body: ISSUE_BODY }, files });
    await run();
    expect(violations()).toEqual([
      {
        level: "warn",
        rule: "touchesStack",
        message: "the fix may miss the crash: it changes none of the crash's in-app stack files (`src/checkout/cart.ts`, `src/checkout/index.ts`)",
      },
    ]);
    expect(env.outputs().verdict).toBe("warn");
    expect(failed()).toBe("");
    expect(process.exitCode).toBeUndefined();
  });

  it("edits the sticky comment on a rerun instead of adding a second", async () => {
    start("pull_request.opened.hotfix-branch.json");
    const rec = github({
      issue: { state: "OPEN", body: ISSUE_BODY },
      files: NARROW_FILES,
      existingComment: { id: 55, body: "<!-- hotfix-loop:check -->\nold verdict", user: ACTIONS_BOT },
    });
    await run();
    expect(rec.comments).toEqual([{ method: "PATCH", id: 55, body: expect.stringContaining("Narrow hotfix: 2 files, 16 lines changed") }]);
    expect(rec.calls).not.toContain(`POST ${REPO}/issues/2/comments`);
  });

  it("sends annotations beyond 50 in further check-run updates", async () => {
    start("pull_request.opened.hotfix-branch.json", { "max-files": "500" });
    const migrations = Array.from({ length: 120 }, (_, i) =>
      prFile(`db/migrations/${i}.sql`, { status: "added", additions: 1, deletions: 0, patch: "@@ -0,0 +1 @@\n+SELECT 1;" }),
    );
    const rec = github({ issue: { state: "OPEN", body: ISSUE_BODY }, files: [...NARROW_FILES, ...migrations] });
    nock(API)
      .patch(`${REPO}/check-runs/4`)
      .times(2)
      .reply(200, async (req: Request) => {
        rec.checkRunUpdates.push(await req.json());
        return { id: 4 };
      });
    await run();
    expect(rec.checkRuns[0].output.annotations).toHaveLength(50);
    expect(rec.checkRunUpdates.map((u) => u.output.annotations.length)).toEqual([50, 20]);
    expect(rec.checkRunUpdates[1].output.annotations.at(-1).path).toBe("db/migrations/119.sql");
  });

  it("fails with the tail of the test command's output", async () => {
    start("pull_request.opened.hotfix-branch.json", { "test-command": "echo 'cart.test.ts: expected 0, got NaN'; exit 3" });
    const rec = github({ issue: { state: "OPEN", body: ISSUE_BODY }, files: NARROW_FILES });
    await run();
    expect(violations()).toEqual([
      { level: "fail", rule: "testCommand", message: "`echo 'cart.test.ts: expected 0, got NaN'; exit 3` failed with exit code 3" },
    ]);
    expect(rec.checkRuns[0].output.text).toContain("cart.test.ts: expected 0, got NaN");
    expect(rec.comments[0]?.body).toContain("cart.test.ts: expected 0, got NaN");
  });

  it("decides a 3,000-file PR with 32 reads sent together: 30 pages of files, one GraphQL read and the comment listing", async () => {
    start("pull_request.opened.hotfix-branch.json", {}, (p) => (p.pull_request.changed_files = 3412));
    const rec = github({ issue: { state: "OPEN", body: ISSUE_BODY } });
    let pages = 0;
    const listing = nock(API);
    listing.on("request", (req: Request) => rec.calls.push(`${req.method} ${new URL(req.url).pathname}`));
    // GitHub's next links name the repository by id.
    listing
      .get((path) => /^\/(?:repos\/Codertocat\/Hello-World|repositories\/186853002)\/pulls\/2\/files\?/.test(path))
      .times(30)
      .reply((req: Request) => {
        pages++;
        const page = Number(new URL(req.url).searchParams.get("page") ?? "1");
        // GitHub's listing ends at page 30 even when the PR has more files.
        const link = page < 30 ? { link: `<${API}/repositories/186853002/pulls/2/files?per_page=100&page=${page + 1}>; rel="next"` } : {};
        return [200, Array.from({ length: 100 }, (_, i) => prFile(`src/module-${page}-${i}.ts`)), link];
      });
    await run();
    // The decision: every call before the first write.
    const reads = rec.calls.slice(0, rec.calls.indexOf(`POST ${REPO}/check-runs`));
    expect(reads.filter((c) => c.endsWith("/pulls/2/files"))).toHaveLength(30);
    expect(pages).toBe(30);
    expect(reads).toHaveLength(32);
    expect(reads).toContain("POST /graphql");
    expect(reads).toContain(`GET ${REPO}/issues/2/comments`);
    expect(rec.calls.slice(reads.length)).toEqual([`POST ${REPO}/check-runs`, `POST ${REPO}/issues/2/comments`]);
    expect(violations()[0]).toEqual({
      level: "fail",
      rule: "maxFiles",
      message: "3412 files changed (GitHub lists only the first 3,000); a hotfix changes at most 10",
    });
    expect(env.outputs().files).toBe("3412");
  });

  it("names the input when an input is invalid", async () => {
    start("pull_request.opened.hotfix-branch.json", { "max-lines": "lots" });
    const rec = github({});
    await run();
    expect(failed()).toContain('Input "max-lines": expected a whole number of at least 1; got "lots"');
    expect(rec.calls).toEqual([]);
    expect(process.exitCode).toBe(1);
  });

  it("names the bad key of an invalid config file", async () => {
    start("pull_request.opened.hotfix-branch.json");
    github({ configText: "rules:\n  maxFiles:\n    limit: zero\n", issue: { state: "OPEN", body: ISSUE_BODY } });
    await run();
    expect(failed()).toContain(".github/hotfix.yml is not valid");
    expect(failed()).toContain('rules.maxFiles.limit: Invalid input: expected number, received string; found string "zero" (line 3, column 5)');
  });

  it("rejects an unknown mode by name", async () => {
    start("pull_request.opened.hotfix-branch.json", { mode: "both" });
    github({});
    await run();
    expect(failed()).toContain('Input "mode": expected check, verify, fast-lane or auto; got "both"');
  });
});
