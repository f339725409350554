import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { PickPlan } from "../core/fast-lane.js";

/**
 * The runner's git, as backport tools use it: the port is made in the workflow's own checkout (actions/checkout leaves
 * the token in the repository's git config), so the job needs only `contents: write` to push and `pull-requests: write`
 * to open the PR. Every command is git with its arguments, never a shell line, so no branch name or title is ever parsed
 * by a shell.
 */

const run = promisify(execFile);

/** Who commits the cherry-picks: the workflow token's identity, as GitHub shows the job's other writes (the author stays the fix's). */
const COMMITTER = ["-c", "user.name=github-actions[bot]", "-c", "user.email=41898282+github-actions[bot]@users.noreply.github.com"];

export class GitError extends Error {}

export type PortOutcome = { outcome: "pushed" } | { outcome: "conflict"; files: string[] } | { outcome: "already-there" };

export interface Git {
  /** Fetches the whole history when the checkout is shallow (actions/checkout's default): a cherry-pick needs the merged commit's parents. */
  deepen(): Promise<void>;
  /** Branch names on the remote. */
  remoteBranches(): Promise<string[]>;
  /** Parents of a commit, fetched first when it is not here. */
  parents(sha: string): Promise<string[]>;
  /**
   * Cherry-picks `plan` onto the remote's `target` as `branch` and pushes it. When it does not apply, the conflicting
   * files and nothing pushed; when the target already holds the change (the pick is empty), nothing pushed either.
   */
  port(args: { target: string; branch: string; plan: PickPlan }): Promise<PortOutcome>;
}

export function createGit(dir: string, remote = "origin"): Git {
  const git = async (args: string[], cwd = dir): Promise<string> => {
    try {
      const { stdout } = await run("git", args, { cwd, maxBuffer: 64 * 1024 * 1024 });
      return stdout;
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim();
      throw new GitError(`git ${args.join(" ")} failed${stderr ? `: ${stderr}` : ""}`);
    }
  };
  const fetch = (...refspecs: string[]) => git(["fetch", "--no-tags", "--quiet", remote, ...refspecs]);

  return {
    async deepen() {
      if ((await git(["rev-parse", "--is-shallow-repository"])).trim() === "true")
        await git(["fetch", "--quiet", "--no-tags", "--unshallow", remote]);
    },
    async remoteBranches() {
      const out = await git(["ls-remote", "--heads", remote]);
      return out
        .split("\n")
        .map((line) => /\trefs\/heads\/(.+)$/.exec(line)?.[1])
        .filter((b): b is string => b !== undefined);
    },
    async parents(sha) {
      const list = async () => (await git(["rev-list", "--parents", "-n", "1", sha])).trim().split(" ").slice(1);
      try {
        return await list();
      } catch {
        // A shallow or partial checkout may lack the merged commit: ask the remote for it (GitHub serves any reachable commit).
        await fetch(sha);
        return list();
      }
    },
    async port({ target, branch, plan }) {
      await fetch(`+refs/heads/${target}:refs/remotes/${remote}/${target}`);
      let commits: string[];
      if (plan.kind === "pr-commits") {
        // GitHub keeps every PR's head as refs/pull/N/head, also after its branch is deleted.
        await fetch(`+refs/pull/${plan.pull}/head:refs/hotfix-loop/pull/${plan.pull}`);
        const list = await git(["rev-list", "--reverse", "--no-merges", `refs/hotfix-loop/pull/${plan.pull}`, `^${plan.sha}^1`]);
        commits = list.split("\n").filter(Boolean);
      } else {
        commits = [plan.sha];
      }
      // A worktree of its own: the workflow's checkout (and anything the job did in it) is left as it was.
      const where = await mkdtemp(join(tmpdir(), "hotfix-port-"));
      const tree = join(where, "tree");
      await git(["worktree", "add", "--quiet", "--no-track", "-B", branch, tree, `refs/remotes/${remote}/${target}`]);
      try {
        const mainline = plan.kind === "merge-commit" ? ["-m", "1"] : [];
        try {
          await git([...COMMITTER, "cherry-pick", "-x", ...mainline, ...commits], tree);
        } catch (error) {
          const files = (await git(["diff", "--name-only", "--diff-filter=U"], tree)).split("\n").filter(Boolean);
          await git(["cherry-pick", "--abort"], tree).catch(() => undefined);
          if (files.length > 0) return { outcome: "conflict", files };
          // git stops on a pick that changes nothing: the target has the fix already (ported by hand, or merged there too).
          if (/empty/i.test((error as Error).message)) return { outcome: "already-there" };
          throw error;
        }
        await git(["push", "--quiet", remote, `HEAD:refs/heads/${branch}`], tree);
        return { outcome: "pushed" };
      } finally {
        await git(["worktree", "remove", "--force", tree]).catch(() => undefined);
        await git(["branch", "-D", branch]).catch(() => undefined);
        await rm(where, { recursive: true, force: true });
      }
    },
  };
}
