import { execFile } from "node:child_process";
import { join } from "node:path";
import { parseArgs, promisify } from "node:util";
import { renderCheckReport } from "../core/check-report.js";
import type { HotfixConfig } from "../core/config.js";
import { evaluatePolicy, firstChangedLine, hotfixReasons, parseIssueLinks, withLimits, type ChangedFile } from "../core/policy.js";
import { configFromSources, readLocalFile } from "../local/config-file.js";
import { runTestCommand } from "../local/test-command.js";

/**
 * `hotfix-loop check --base main`: the Action's narrow-diff rules on the local branch, from
 * `git diff` against the merge base. Linked issues are read from the commit messages but not
 * looked up (no GitHub here), so the stack-trace rule needs the Action.
 */

export const usage = `usage: hotfix-loop check [--base main] [--head HEAD] [--config .github/hotfix.yml]
                         [--max-files N] [--max-lines N] [--test-command CMD] [--test-timeout-minutes 10]

The Action's narrow-diff rules on the local branch, against the merge base of --base and --head.
Exit: 0 pass or warn, 1 a fail rule is broken, 2 bad flags.`;

const exec = promisify(execFile);

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await exec("git", ["-c", "core.quotePath=false", ...args], { cwd, maxBuffer: 256 * 1024 * 1024 });
  return stdout;
}

const STATUS: Record<string, ChangedFile["status"]> = { A: "added", D: "removed", M: "modified", R: "renamed", C: "copied", T: "changed" };

/** Changed files between two commits, with counts from --numstat and first changed lines from -U0 hunks. */
export async function changedFiles(cwd: string, from: string, to: string): Promise<ChangedFile[]> {
  const [nameStatus, numstat, patch] = await Promise.all([
    git(cwd, ["diff", "--name-status", "-z", "-M", from, to]),
    git(cwd, ["diff", "--numstat", "-z", "-M", from, to]),
    git(cwd, ["diff", "-U0", "--no-color", "-M", from, to]),
  ]);

  const files = new Map<string, ChangedFile>();
  const tokens = nameStatus.split("\0");
  for (let i = 0; i < tokens.length - 1;) {
    const code = tokens[i++] ?? "";
    const status = STATUS[code[0] ?? ""] ?? "modified";
    const first = tokens[i++] ?? "";
    const path = status === "renamed" || status === "copied" ? (tokens[i++] ?? "") : first;
    files.set(path, { path, ...(path !== first ? { previousPath: first } : {}), status, additions: 0, deletions: 0 });
  }

  const counts = numstat.split("\0");
  for (let i = 0; i < counts.length - 1;) {
    const [added = "-", deleted = "-", name = ""] = (counts[i++] ?? "").split("\t");
    // A rename's paths follow as two more NUL-terminated fields; binary files count "-".
    const path = name === "" ? (i++, counts[i++] ?? "") : name;
    const file = files.get(path);
    if (file) {
      file.additions = added === "-" ? 0 : Number(added);
      file.deletions = deleted === "-" ? 0 : Number(deleted);
    }
  }

  for (const section of patch.split(/^diff --git /m).slice(1)) {
    const target = /^\+\+\+ b\/(.+)$/m.exec(section) ?? /^--- a\/(.+)$/m.exec(section);
    const file = target?.[1] ? files.get(target[1]) : undefined;
    const line = firstChangedLine(section);
    if (file && line) file.firstChangedLine = line;
  }
  return [...files.values()];
}

async function readConfig(path: string): Promise<HotfixConfig> {
  const text = await readLocalFile(path);
  return configFromSources(text === null ? [] : [{ name: path, text }], path);
}

function limit(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new Error(`--${flag}: expected a whole number of at least 1; got ${JSON.stringify(value)}`);
  return Number(value);
}

export async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        base: { type: "string", default: "main" },
        head: { type: "string", default: "HEAD" },
        config: { type: "string", default: ".github/hotfix.yml" },
        "max-files": { type: "string" },
        "max-lines": { type: "string" },
        "test-command": { type: "string" },
        "test-timeout-minutes": { type: "string", default: "10" },
      },
    }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
    return 2;
  }
  const cwd = process.cwd();
  let toplevel: string;
  try {
    toplevel = (await git(cwd, ["rev-parse", "--show-toplevel"])).trim();
  } catch {
    console.error(`${cwd} is not inside a git repository`);
    return 2;
  }
  let config: HotfixConfig;
  let timeoutMinutes: number;
  try {
    config = withLimits(await readConfig(join(toplevel, values.config)), {
      maxFiles: limit("max-files", values["max-files"]),
      maxLines: limit("max-lines", values["max-lines"]),
    });
    timeoutMinutes = limit("test-timeout-minutes", values["test-timeout-minutes"]) ?? 10;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }

  let mergeBase: string;
  try {
    mergeBase = (await git(cwd, ["merge-base", values.base, values.head])).trim();
  } catch {
    console.error(`no merge base between "${values.base}" and "${values.head}": is --base a branch of this repository?`);
    return 2;
  }
  const [files, headRef, messages] = await Promise.all([
    changedFiles(cwd, mergeBase, values.head),
    git(cwd, ["rev-parse", "--abbrev-ref", values.head]).then((s) => s.trim()),
    git(cwd, ["log", "--format=%B", `${mergeBase}..${values.head}`]),
  ]);
  // No GitHub here: the repository is only needed to print same-repo links as #N.
  const repo = { owner: "", repo: "" };
  const facts = {
    repo,
    headRef,
    baseRef: values.base.replace(/^(?:refs\/heads\/|origin\/)/, ""),
    labels: [],
    links: parseIssueLinks(messages, repo).map((ref) => ({ ref })),
    files,
    changedFiles: files.length,
  };
  const testCommand = values["test-command"];
  const testRun = testCommand ? await runTestCommand(testCommand, toplevel, timeoutMinutes * 60_000) : undefined;
  const result = evaluatePolicy({ ...facts, ...(testRun ? { testRun } : {}) }, config);
  const because = hotfixReasons(facts, config.hotfix);
  const report = renderCheckReport({
    kind: "checked",
    because: because.length ? because : [`checked locally against \`${values.base}\``],
    result,
    ...(testRun ? { testRun } : {}),
  });
  console.log(report.summary);
  if (report.text) console.log(`\n${report.text}`);
  return result.verdict === "fail" ? 1 : 0;
}
