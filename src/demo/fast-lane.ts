import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { loadConfig } from "../action/config.js";
import { dispatchDeploy, linkedHotfixIssues, portMergedHotfix, type PortResult } from "../action/fast-lane.js";
import { createGit } from "../action/git.js";
import { createGitHub } from "../action/github.js";
import { parseRepoName } from "../github/repo-name.js";
import type { GitHubStandin } from "./github-standin.js";

/**
 * The fast lane in `hotfix-loop demo`: a hotfix merged into `release/4.12` is ported onto `main` and its deploy
 * dispatched by the Action's own steps (action/fast-lane.ts's port and dispatch), with the machine's git in a real
 * repository made for the demo in a temporary directory (a bare remote, as GitHub holds it, and the workflow's checkout
 * of it), talking to the stand-in as it would to GitHub. Without git on PATH the demo skips this step and says so.
 */

const run = promisify(execFile);
/** The demo's commits are its own: no user configuration, signing or hook of the machine applies. */
const IDENTITY = ["-c", "user.name=Dana Dev", "-c", "user.email=dana@example.com", "-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null"];
const git = async (cwd: string, ...args: string[]) => (await run("git", [...IDENTITY, ...args], { cwd })).stdout.trim();

export async function gitOnPath(): Promise<boolean> {
  try {
    await run("git", ["--version"]);
    return true;
  } catch {
    return false;
  }
}

const CART = "app/src/main/java/com/example/shop/checkout/CartTotals.kt";
const BROKEN = ["fun total(cart: Cart): Long {", "    val items = cart.items!!", "    return items.sumOf { it.price }", "}", ""].join("\n");
const FIXED = ["fun total(cart: Cart): Long {", "    val items = cart.items ?: return 0", "    return items.sumOf { it.price }", "}", ""].join("\n");

export interface FastLaneRepository {
  /** The commit the hotfix PR's merge left on `release/4.12`: what the merged webhook, the port and the deploy name. */
  mergeCommit: string;
  /** The Action on the merged PR: ports, then dispatches the deploy; the repository is removed afterwards, whatever happens. */
  run(): Promise<{ ports: PortResult[]; deploy: { dispatched: boolean; runUrl: string | null } | null }>;
  /** Removes the repository when `run` never ran. */
  remove(): Promise<void>;
}

/**
 * The repository of the demo: `main` and `release/4.12`, the hotfix branch merged into `release/4.12` as PR `pull`
 * with a merge commit, and a checkout one commit deep (actions/checkout's default), as the workflow has it.
 */
export async function fastLaneRepository(args: {
  github: GitHubStandin;
  repo: string;
  pull: { number: number; title: string; body: string; head: string };
}): Promise<FastLaneRepository> {
  const root = await mkdtemp(join(tmpdir(), "hotfix-loop-demo-git-"));
  const remove = () => rm(root, { recursive: true, force: true });
  try {
    const remote = join(root, "remote.git");
    const seed = join(root, "seed");
    const workspace = join(root, "workspace");
    await run("git", ["init", "--quiet", "--bare", "-b", "main", remote]);
    await run("git", ["init", "--quiet", "-b", "main", seed]);
    const write = async (path: string, text: string) => {
      await mkdir(dirname(join(seed, path)), { recursive: true });
      await writeFile(join(seed, path), text);
    };
    await write(CART, BROKEN);
    await write("VERSION", "4.12.1\n");
    await git(seed, "add", ".");
    await git(seed, "commit", "--quiet", "-m", "Cart totals");
    await git(seed, "switch", "--quiet", "-c", "release/4.12");
    await git(seed, "switch", "--quiet", "-c", args.pull.head);
    await write(CART, FIXED);
    await git(seed, "commit", "--quiet", "-am", args.pull.title);
    const head = await git(seed, "rev-parse", "HEAD");
    await git(seed, "switch", "--quiet", "release/4.12");
    await git(
      seed,
      "merge",
      "--quiet",
      "--no-ff",
      "-m",
      `Merge pull request #${args.pull.number} from ${args.repo.split("/")[0]}/${args.pull.head}`,
      args.pull.head,
    );
    const mergeCommit = await git(seed, "rev-parse", "HEAD");
    await git(seed, "switch", "--quiet", "main");
    await write("VERSION", "4.13.0-dev\n");
    await git(seed, "commit", "--quiet", "-am", "Start 4.13");
    await git(seed, "push", "--quiet", remote, "main", "release/4.12", `${head}:refs/pull/${args.pull.number}/head`);
    await run("git", ["clone", "--quiet", "--depth", "1", "--no-single-branch", `file://${remote}`, workspace]);

    const steps = async () => {
      const repo = parseRepoName(args.repo);
      const github = createGitHub("ghs_demo", args.github.url);
      const config = await loadConfig(github, { repo, path: ".github/hotfix.yml", ref: "release/4.12", workspace });
      const { pr, ports } = await portMergedHotfix({
        github,
        git: createGit(workspace),
        repo,
        config,
        merged: {
          number: args.pull.number,
          title: args.pull.title,
          base: "release/4.12",
          mergeCommitSha: mergeCommit,
          commits: 1,
          issues: await linkedHotfixIssues(github, repo, args.pull.body, config),
        },
        defaultBranch: "main",
      });
      const deploy = config.fastLane.deploy ? await dispatchDeploy(github, repo, pr, config.fastLane.deploy) : null;
      return { ports, deploy };
    };
    return {
      mergeCommit,
      run: () => steps().finally(remove),
      remove,
    };
  } catch (error) {
    await remove();
    throw error;
  }
}
