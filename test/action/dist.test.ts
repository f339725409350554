import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { fixture, hotfixMarker, inputVariable, parseOutputFile, prFile } from "./harness.js";
import { secondaryRateLimit } from "../../src/demo/github-standin.js";
import { CHECK_ROUTES, startPullRequestStandin, type PullRequestScenario, type PullRequestStandin } from "./pull-request-standin.js";

/** The committed bundle run as GitHub runs it: `node dist/index.js` with the runner's environment. */

const DIST = fileURLToPath(new URL("../../dist/index.js", import.meta.url));
const NODE = process.env.HOTFIX_TEST_NODE ?? process.execPath;

let api: PullRequestStandin | undefined;
const dirs: string[] = [];

beforeAll(() => {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run \`npm run build\` first (CI builds before testing)`);
});

const closers: (() => void)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await api?.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  api = undefined;
});

function runDist(env: Record<string, string>): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    // A runner gives the step only its own variables, not the test's.
    const child = spawn(NODE, [DIST], { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stdout += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout }));
  });
}

function runnerEnv(payload: unknown, inputs: Record<string, string>, eventName = "pull_request") {
  const dir = mkdtempSync(join(tmpdir(), "hotfix-dist-"));
  dirs.push(dir);
  const files = { event: join(dir, "event.json"), output: join(dir, "output"), summary: join(dir, "summary.md") };
  writeFileSync(files.event, JSON.stringify(payload));
  writeFileSync(files.output, "");
  writeFileSync(files.summary, "");
  const env = {
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_REPOSITORY: "Codertocat/Hello-World",
    GITHUB_API_URL: api!.url,
    GITHUB_WORKSPACE: dir,
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [inputVariable(k), v])),
  };
  return { env, outputs: () => parseOutputFile(readFileSync(files.output, "utf8")), summary: () => readFileSync(files.summary, "utf8") };
}

/** The stand-in with a narrow hotfix PR (a fix and its regression test) that links its hotfix issue: the check passes it. */
const narrowHotfixApi = (options: Partial<PullRequestScenario> = {}) =>
  startPullRequestStandin({
    owner: "Codertocat",
    repo: "Hello-World",
    pullNumber: 2,
    files: [prFile("src/checkout/cart.ts"), prFile("src/checkout/cart.test.ts", { status: "added" })],
    issues: { 1: { state: "OPEN", body: hotfixMarker(["src/checkout/cart.ts"]) } },
    ...options,
  });

describe("dist/index.js", () => {
  it("checks a hotfix PR end to end: outputs, check run and one sticky comment", async () => {
    api = await startPullRequestStandin({
      owner: "Codertocat",
      repo: "Hello-World",
      pullNumber: 2,
      files: [prFile("src/checkout/cart.ts"), prFile("db/migrations/1.sql", { status: "added", patch: "@@ -0,0 +1 @@\n+DROP TABLE cart;" })],
      issues: { 1: { state: "OPEN", body: hotfixMarker(["src/checkout/cart.ts"]) } },
    });
    const runner = runnerEnv(fixture("pull_request.opened.hotfix-branch.json"), {
      "github-token": "ghs_test",
      mode: "check",
      "config-path": ".github/hotfix.yml",
      "max-files": "5",
      comment: "true",
    });
    const { code, stdout } = await runDist(runner.env);
    expect(code, stdout).toBe(1);
    expect(stdout).toContain("::error::Hotfix narrow-diff rules failed");
    const outputs = runner.outputs();
    expect(outputs).toMatchObject({ "is-hotfix": "true", verdict: "fail", files: "2", lines: "8" });
    expect(JSON.parse(outputs.violations ?? "").map((v: { rule: string }) => v.rule)).toEqual(["forbiddenPaths", "regressionTest"]);
    expect(api.checkRuns).toHaveLength(1);
    expect(api.checkRuns[0]).toMatchObject({
      name: "hotfix / narrow diff",
      conclusion: "failure",
      head_sha: "ec26c3e57ca3a959ca5aad62de7213c562f8c821",
    });
    expect(api.checkRuns[0].output.annotations).toEqual([expect.objectContaining({ path: "db/migrations/1.sql", start_line: 1 })]);
    expect(api.comments).toHaveLength(1);
    expect(api.comments[0]?.body.startsWith("<!-- hotfix-loop:check -->")).toBe(true);
    expect(runner.summary()).toContain("forbidden paths");

    // The same PR checked again: the comment is found again, not repeated; with the same verdict it is not even rewritten.
    const again = runnerEnv(fixture("pull_request.opened.hotfix-branch.json"), { "github-token": "ghs_test", mode: "check", comment: "true" });
    await runDist(again.env);
    expect(api.comments).toHaveLength(1);
    expect(api.calls.filter((c) => c.method === "POST" && c.path.endsWith("/issues/2/comments"))).toHaveLength(1);
    expect(api.calls.filter((c) => c.method === "PATCH" && c.path.includes("/issues/comments/"))).toHaveLength(0);
  });

  it("sends the first round of reads before the Action loads, and each read once: the check takes the answers already on the wire", async () => {
    const files = Array.from({ length: 250 }, (_, i) => prFile(`src/module/file-${i}.ts`));
    api = await narrowHotfixApi({ files });
    const payload = fixture("pull_request.opened.hotfix-branch.json");
    payload.pull_request.changed_files = files.length;
    const runner = runnerEnv(payload, { "github-token": "ghs_test", mode: "check", comment: "true" });
    const { code, stdout } = await runDist(runner.env);
    expect(code, stdout).toBe(1);
    expect(runner.outputs()).toMatchObject({ "is-hotfix": "true", files: "250" });
    const reads = api.calls.filter((c) => c.method === "GET" || c.path === "/graphql").map((c) => `${c.method} ${c.path}`);
    // Three file pages, the sticky comment's listing and the GraphQL read, none of them twice.
    expect(reads.sort()).toEqual([
      "GET /repos/Codertocat/Hello-World/issues/2/comments",
      "GET /repos/Codertocat/Hello-World/pulls/2/files",
      "GET /repos/Codertocat/Hello-World/pulls/2/files",
      "GET /repos/Codertocat/Hello-World/pulls/2/files",
      "POST /graphql",
    ]);
    expect(api.checkRuns).toHaveLength(1);
  });

  it("reaches GitHub through the proxy HTTPS_PROXY / HTTP_PROXY names (undici, loaded only then)", async () => {
    api = await narrowHotfixApi();
    // The API's host resolves nowhere: only the proxy, which tunnels every CONNECT to the stand-in, reaches it. A loopback
    // address would not do, as @actions/http-client never proxies those.
    const standIn = new URL(api.url);
    const tunnels: string[] = [];
    const proxy = createServer();
    proxy.on("connect", (request: { url?: string }, client: import("node:stream").Duplex, head: Buffer) => {
      tunnels.push(request.url ?? "");
      const upstream = connect(Number(standIn.port), standIn.hostname, () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.write(head);
        upstream.pipe(client).pipe(upstream);
      });
      upstream.on("error", () => client.destroy());
      client.on("error", () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    closers.push(() => proxy.close());
    const apiHost = `api.github.invalid:${standIn.port}`;
    const runner = runnerEnv(fixture("pull_request.opened.hotfix-branch.json"), { "github-token": "ghs_test", mode: "check", comment: "true" });
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const { code, stdout } = await runDist({ ...runner.env, GITHUB_API_URL: `http://${apiHost}`, HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl });
    expect(code, stdout).toBe(0);
    expect(api.checkRuns).toEqual([expect.objectContaining({ conclusion: "success" })]);
    expect(tunnels.length).toBeGreaterThan(0);
    expect(new Set(tunnels)).toEqual(new Set([apiHost]));
  });

  it("fails the step naming a bad input", async () => {
    api = await startPullRequestStandin({ owner: "Codertocat", repo: "Hello-World", pullNumber: 2, files: [] });
    const runner = runnerEnv(fixture("pull_request.opened.json"), { "github-token": "ghs_test", mode: "check", comment: "maybe" });
    const { code, stdout } = await runDist(runner.env);
    expect(code).toBe(1);
    expect(stdout).toContain('::error::Input "comment": expected true or false; got "maybe"');
    expect(api.calls).toEqual([]);
  });

  it("with the runner's debug logging on, logs the failure's stack trace in src/ files and lines", async () => {
    api = await startPullRequestStandin({ owner: "Codertocat", repo: "Hello-World", pullNumber: 2, files: [] });
    const runner = runnerEnv(fixture("pull_request.opened.json"), { "github-token": "ghs_test", mode: "check", comment: "maybe" });
    const { code, stdout } = await runDist({ ...runner.env, RUNNER_DEBUG: "1" });
    expect(code).toBe(1);
    expect(stdout).toMatch(/^::debug::Error: Input "comment".*%0A {4}at \S+ \(\S*src\/action\/inputs\.ts:\d+:\d+\)/m);
  });

  it("loads verify mode's chunk on demand: a verify run without a version names that input", async () => {
    api = await startPullRequestStandin({ owner: "Codertocat", repo: "Hello-World", pullNumber: 2, files: [] });
    const runner = runnerEnv(fixture("pull_request.opened.json"), { "github-token": "ghs_test", mode: "verify" });
    const { code, stdout } = await runDist(runner.env);
    expect(code).toBe(1);
    expect(stdout).toContain('::error::Input "version": required outside deployment events');
    expect(api.calls).toEqual([]);
  });

  it("waits out GitHub's secondary rate limit on the check-run write instead of dropping the check", async () => {
    api = await narrowHotfixApi({ inject: { [CHECK_ROUTES.createCheckRun]: secondaryRateLimit(1, 1) } });
    const runner = runnerEnv(fixture("pull_request.opened.hotfix-branch.json"), { "github-token": "ghs_test", mode: "check", comment: "true" });
    const { code, stdout } = await runDist(runner.env);
    expect(code, stdout).toBe(0);
    expect(stdout).toContain("GitHub rate limited POST /repos/{owner}/{repo}/check-runs (secondary rate limit): waiting 1 s");
    expect(api.checkRuns).toEqual([expect.objectContaining({ conclusion: "success" })]);
    expect(stdout).toContain("hotfix / narrow diff: pass: Narrow hotfix");
  });

  it("sends a read again after GitHub answers it with a server error (plugin-retry on the bundle's retry limiter)", async () => {
    const isFilePage = (method: string, path: string) => method === "GET" && path.endsWith("/files");
    api = await narrowHotfixApi({ inject: { [CHECK_ROUTES.files]: { status: 502 } } });
    const runner = runnerEnv(fixture("pull_request.opened.hotfix-branch.json"), { "github-token": "ghs_test", mode: "check", comment: "true" });
    const { code, stdout } = await runDist(runner.env);
    expect(code, stdout).toBe(0);
    expect(api.calls.filter((c) => isFilePage(c.method, c.path))).toHaveLength(2);
    expect(api.checkRuns).toEqual([expect.objectContaining({ conclusion: "success" })]);
  });

  it("on a fork's PR says the token is read-only and carries a failing verdict in the summary and the exit status", async () => {
    api = await startPullRequestStandin({
      owner: "Codertocat",
      repo: "Hello-World",
      pullNumber: 2,
      files: [prFile("src/checkout/cart.ts")],
      readOnly: true,
      issues: { 1: { state: "OPEN", body: hotfixMarker(["src/checkout/cart.ts"]) } },
    });
    const payload = fixture("pull_request.opened.hotfix-branch.json");
    payload.pull_request.head.repo = { ...payload.pull_request.head.repo, full_name: "mallory/Hello-World", fork: true };
    const runner = runnerEnv(payload, { "github-token": "ghs_test", mode: "check", comment: "true" });
    const { code, stdout } = await runDist(runner.env);
    expect(code, stdout).toBe(1);
    expect(stdout).toContain("::notice::This PR comes from mallory/Hello-World");
    expect(stdout).not.toContain("checks: write");
    expect(runner.summary()).toContain("no regression test added or changed");
  });
});
