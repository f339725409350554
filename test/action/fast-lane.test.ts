import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run } from "../../src/action/main.js";
import { startGitHubStandin, type GitHubStandin } from "../../src/demo/github-standin.js";
import { actionEnv, captureActionRuns, hotfixMarker } from "./harness.js";

/**
 * The fast lane on a merged hotfix (issue 25): the Action ports it with the runner's real git, from a checkout of a real
 * (bare) remote, and talks to GitHub through the loopback stand-in, which holds every request to GitHub's description.
 */

const REPO = "Codertocat/Hello-World";
const errors = captureActionRuns();
let standin: GitHubStandin | undefined;
let root: string | undefined;

beforeEach(() => nock.enableNetConnect("127.0.0.1"));
afterEach(async () => {
  await standin?.close();
  standin = undefined;
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

const IDENTITY = ["-c", "user.name=Dana Dev", "-c", "user.email=dana@example.com", "-c", "commit.gpgsign=false"];
const git = (cwd: string, ...args: string[]) => execFileSync("git", [...IDENTITY, ...args], { cwd, encoding: "utf8" }).trim();

const CART = ["export function total(cart) {", "  const items = cart.items;", "  return sum(items);", "}", ""].join("\n");
const FIXED = ["export function total(cart) {", "  const items = cart.items ?? [];", "  return sum(items);", "}", ""].join("\n");

/**
 * A remote with `main` and `release/4.12`, a hotfix branch merged into `release/4.12` with a merge commit, and the
 * workflow's checkout of it. `mainEdit` changes main's copy of the fixed line afterwards (a conflict).
 */
function repository(opts: { mainEdit?: string; releases?: string[]; rebase?: boolean } = {}) {
  root = mkdtempSync(join(tmpdir(), "hotfix-fast-lane-"));
  const remote = join(root, "remote.git");
  const seed = join(root, "seed");
  execFileSync("git", ["init", "--quiet", "--bare", "-b", "main", remote]);
  execFileSync("git", ["init", "--quiet", "-b", "main", seed]);
  const write = (path: string, text: string) => writeFileSync(join(seed, path), text);
  execFileSync("mkdir", ["-p", join(seed, "src"), join(seed, "test")]);
  write("src/cart.ts", CART);
  write("VERSION", "4.12.0\n");
  git(seed, "add", ".");
  git(seed, "commit", "--quiet", "-m", "Cart totals");
  for (const release of opts.releases ?? []) git(seed, "branch", release);
  git(seed, "switch", "--quiet", "-c", "release/4.12");
  write("VERSION", "4.12.3\n");
  git(seed, "commit", "--quiet", "-am", "Release 4.12.3");
  git(seed, "switch", "--quiet", "-c", "hotfix/cart-total");
  write("src/cart.ts", FIXED);
  git(seed, "commit", "--quiet", "-am", "Guard empty cart in total()");
  write("test/cart.test.ts", "test('empty cart', () => expect(total({})).toBe(0));\n");
  git(seed, "add", ".");
  git(seed, "commit", "--quiet", "-m", "Test the empty cart");
  const head = git(seed, "rev-parse", "HEAD");
  git(seed, "switch", "--quiet", "release/4.12");
  if (opts.rebase) {
    // GitHub's "Rebase and merge": the PR's commits copied onto the base, no merge commit (new SHAs, one parent each).
    // GitHub commits them as itself, so they never keep the PR's SHAs.
    git(seed, "-c", "user.name=GitHub", "-c", "user.email=noreply@github.com", "cherry-pick", "release/4.12..hotfix/cart-total");
  } else {
    git(seed, "merge", "--quiet", "--no-ff", "-m", "Merge pull request #2 from Codertocat/hotfix/cart-total", "hotfix/cart-total");
  }
  const merge = git(seed, "rev-parse", "HEAD");
  git(seed, "switch", "--quiet", "main");
  write("VERSION", "4.13.0-dev\n");
  if (opts.mainEdit) write("src/cart.ts", CART.replace("  const items = cart.items;", opts.mainEdit));
  git(seed, "commit", "--quiet", "-am", "Start 4.13");
  git(seed, "remote", "add", "origin", remote);
  git(seed, "push", "--quiet", "origin", "main", "release/4.12", ...(opts.releases ?? []));
  // GitHub keeps every PR's head as refs/pull/N/head.
  git(seed, "push", "--quiet", "origin", `${head}:refs/pull/2/head`);
  const workspace = join(root, "workspace");
  // actions/checkout's default: one commit deep.
  execFileSync("git", ["clone", "--quiet", "--depth", "1", "--no-single-branch", `file://${remote}`, workspace]);
  return { remote, workspace, merge };
}

async function mergedHotfix(
  { remote, workspace, merge }: { remote: string; workspace: string; merge: string },
  config?: string,
  shape: { commits: number; base: string } = { commits: 2, base: `${merge}^1` },
) {
  standin = await startGitHubStandin({ repos: { [REPO]: { installationId: 1, files: config ? { ".github/hotfix.yml": config } : {} } } });
  const body = "Guards the empty cart.\n\nFixes #1";
  standin.issues.set(REPO, [
    {
      number: 1,
      title: "TypeError in total()",
      body: `Crash\n\n${hotfixMarker(["src/cart.ts"])}`,
      state: "open",
      labels: ["hotfix", "crash"],
      assignees: [],
      comments: [],
      createdAt: 0,
      indexedAt: 0,
    },
    // The hotfix PR, as the issue GitHub also keeps of it (its comments live there).
    { number: 2, title: "Guard empty cart in total()", body, state: "closed", labels: [], assignees: [], comments: [], createdAt: 0, indexedAt: 0 },
  ]);
  standin.pulls.set(REPO, [
    { number: 2, body, state: "closed", title: "Guard empty cart in total()", head: "hotfix/cart-total", base: "release/4.12" },
  ]);
  const payload = {
    action: "closed",
    pull_request: {
      number: 2,
      title: "Guard empty cart in total()",
      body,
      merged: true,
      merge_commit_sha: merge,
      commits: shape.commits,
      labels: [],
      head: { ref: "hotfix/cart-total" },
      base: { ref: "release/4.12", sha: git(remote, "rev-parse", shape.base) },
    },
    repository: { name: "Hello-World", owner: { login: "Codertocat" }, default_branch: "main" },
  };
  const env = actionEnv({ eventName: "pull_request", payload, apiUrl: standin.url });
  process.env.GITHUB_WORKSPACE = workspace;
  return env;
}

/** The change a commit range makes to the hotfix's files, without the index lines (blob ids differ between branches). */
const diffOf = (cwd: string, from: string, to: string) =>
  git(cwd, "diff", from, to, "--", "src/cart.ts", "test/cart.test.ts")
    .split("\n")
    .filter((l) => !l.startsWith("index "))
    .join("\n");

describe("fast lane: ports a hotfix merged into a release branch", () => {
  it("opens a forward-port PR onto main with the same diff, the hotfix label and the issue linked", async () => {
    const repo = repository();
    const { remote, workspace, merge } = repo;
    const env = await mergedHotfix(repo);
    await run();
    expect(errors()).toBe("");

    const port = "hotfix-port/2-to-main";
    expect(git(remote, "branch", "--list", port)).toContain(port);
    expect(diffOf(remote, "main", port)).toBe(diffOf(remote, `${merge}^1`, merge));
    expect(git(remote, "log", "-1", "--format=%B", port)).toContain(`(cherry picked from commit ${merge})`);

    const opened = standin!.pulls.get(REPO)!.find((p) => p.head === port)!;
    expect(opened).toMatchObject({ base: "main", title: "[main] Guard empty cart in total()", state: "open" });
    expect(opened.body).toContain("Ports #2");
    expect(opened.body).toContain("Fixes #1");
    expect(standin!.issues.get(REPO)!.find((i) => i.number === opened.number)!.labels).toEqual(["hotfix"]);
    expect(JSON.parse(env.outputs().ports!)).toEqual([{ target: "main", outcome: "opened", pull: opened.number }]);
    // The checkout the workflow's later steps see is untouched.
    expect(git(workspace, "status", "--porcelain")).toBe("");
    expect(git(workspace, "worktree", "list").split("\n")).toHaveLength(1);

    // A rerun (a re-run of the job) opens nothing new.
    const writes = standin!.writes().length;
    await run();
    expect(standin!.writes().slice(writes)).toEqual([]);
    expect(JSON.parse(env.outputs().ports!.split("\n").at(-1)!)).toEqual([{ target: "main", outcome: "exists", pull: opened.number }]);
  });

  it("ports to the default branch and the newer release branches portTo names, never an older one", async () => {
    const repo = repository({ releases: ["release/4.11", "release/4.13"] });
    const { remote, merge } = repo;
    const env = await mergedHotfix(repo, 'fastLane:\n  portTo: ["release/*"]\n');
    await run();
    expect(errors()).toBe("");
    const opened = standin!.pulls.get(REPO)!.filter((p) => p.number !== 2);
    expect(opened.map((p) => [p.base, p.head])).toEqual([
      ["main", "hotfix-port/2-to-main"],
      ["release/4.13", "hotfix-port/2-to-release/4.13"],
    ]);
    expect(diffOf(remote, "release/4.13", "hotfix-port/2-to-release/4.13")).toBe(diffOf(remote, `${merge}^1`, merge));
    expect(git(remote, "branch", "--list", "hotfix-port/*-to-release/4.11")).toBe("");
    expect(JSON.parse(env.outputs().ports!).map((p: { outcome: string }) => p.outcome)).toEqual(["opened", "opened"]);
  });

  it("ports a several-commit PR merged by rebase (no merge commit) with the PR's own commits", async () => {
    const repo = repository({ rebase: true });
    const { remote, merge } = repo;
    await mergedHotfix(repo, undefined, { commits: 2, base: `${merge}~2` });
    await run();
    expect(errors()).toBe("");
    const port = "hotfix-port/2-to-main";
    // Both commits, not only the last one the merge SHA names.
    expect(diffOf(remote, "main", port)).toBe(diffOf(remote, `${merge}~2`, merge));
    expect(git(remote, "rev-list", "--count", `main..${port}`)).toBe("2");
  });

  it("on a conflict comments once on the hotfix PR with the files and the commands, pushes nothing and opens no PR", async () => {
    const repo = repository({ mainEdit: "  const items = cart.items || null;" });
    const { remote, workspace, merge } = repo;
    const env = await mergedHotfix(repo);
    await run();
    expect(errors()).toBe("");

    expect(git(remote, "branch", "--list", "hotfix-port/*")).toBe("");
    expect(standin!.pulls.get(REPO)!.map((p) => p.number)).toEqual([2]);
    const comments = standin!.issues.get(REPO)!.find((i) => i.number === 2)!.comments;
    expect(comments).toHaveLength(1);
    const text = comments[0]!.body;
    expect(text).toContain("- `src/cart.ts`");
    for (const command of [
      "git fetch origin main release/4.12",
      "git switch -c hotfix-port/2-to-main origin/main",
      `git cherry-pick -x -m 1 ${merge}`,
      "git push origin hotfix-port/2-to-main",
      'gh pr create --base main --head hotfix-port/2-to-main --label hotfix --title "[main] Guard empty cart in total()"',
    ]) {
      expect(text).toContain(command);
    }
    expect(JSON.parse(env.outputs().ports!)).toEqual([{ target: "main", outcome: "conflict", conflicts: ["src/cart.ts"] }]);
    expect(git(workspace, "status", "--porcelain")).toBe("");

    // A rerun comments no second time.
    await run();
    expect(standin!.issues.get(REPO)!.find((i) => i.number === 2)!.comments).toHaveLength(1);
  });
});

describe("fast lane: deploy dispatch", () => {
  const DEPLOY = "fastLane:\n  deploy: { workflow: deploy.yml, inputs: { environment: production } }\n";

  it("dispatches the workflow once per merge with the version, records it on the PR and links the run in the hotfix issue", async () => {
    const repo = repository();
    const { merge } = repo;
    const env = await mergedHotfix(repo, DEPLOY);
    await run();
    expect(errors()).toBe("");

    const dispatches = standin!.dispatches.get(REPO) ?? [];
    expect(dispatches).toEqual([
      { workflow: "deploy.yml", ref: "release/4.12", inputs: { environment: "production", version: merge }, runId: expect.any(Number) },
    ]);
    const runUrl = `https://github.com/${REPO}/actions/runs/${dispatches[0]!.runId}`;
    expect(env.outputs()["deploy-run"]).toBe(runUrl);
    const issue = standin!.issues.get(REPO)!.find((i) => i.number === 1)!;
    expect(issue.comments.map((c) => c.body)).toEqual([expect.stringContaining(`[its run](${runUrl})`)]);
    expect(issue.comments[0]!.body).toContain(`version \`${merge}\``);
    const onPr = standin!.issues.get(REPO)!.find((i) => i.number === 2)!.comments;
    expect(onPr.filter((c) => c.body.includes("hotfix-loop:deploy"))).toHaveLength(1);

    // A rerun of the job dispatches nothing more and says nothing more.
    await run();
    expect(errors()).toBe("");
    expect(standin!.dispatches.get(REPO)).toHaveLength(1);
    expect(issue.comments).toHaveLength(1);
  });

  it("dispatches nothing without fastLane.deploy", async () => {
    const repo = repository();
    await mergedHotfix(repo);
    await run();
    expect(errors()).toBe("");
    expect(standin!.dispatches.get(REPO)).toBeUndefined();
    expect(standin!.calls.filter((c) => c.route.includes("dispatches"))).toEqual([]);
  });
});
