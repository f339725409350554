import { readFileSync } from "node:fs";
import * as core from "@actions/core";
import * as z from "zod";
import {
  CHECK_COMMENT_MARKER,
  CHECK_NAME,
  checkConclusion,
  checkVerdictOutput,
  renderCheckReport,
  type CheckOutcome,
  type InvalidConfig,
} from "../core/check-report.js";
import { DEFAULT_CONFIG } from "../core/config.js";
import {
  evaluatePolicy,
  hotfixReasons,
  parseIssueLinks,
  ruleTitle,
  withLimits,
  type CheckFinding,
  type IssueLink,
  type TestRun,
} from "../core/policy.js";
import type { LinkSource } from "../core/pull-request.js";
import { parseIssueMarker } from "../core/marker.js";
import { formatRepoName } from "../github/repo-name.js";
import { runTestCommand } from "../local/test-command.js";
import { enableAutoMerge } from "./auto-merge.js";
import {
  createCheckRun,
  createGitHub,
  describeGitHubError,
  findOwnComment,
  isRateLimit,
  listPullRequestFiles,
  readConfigAndIssues,
  writeComment,
  type Annotation,
  type GitHub,
  type LinkedIssueBody,
  type OwnComment,
  type Repo,
} from "./github.js";
import type { ActionContext } from "./context.js";
import { readCheckInputs, type CheckInputs } from "./inputs.js";

const Repository = z.object({ full_name: z.string() });

/** The fields of a `pull_request` / `pull_request_target` payload the check reads. */
const PullRequestEvent = z.object({
  action: z.string().optional(),
  pull_request: z.object({
    number: z.number().int(),
    /** The PR's GraphQL id, which enabling auto-merge names it by. */
    node_id: z.string().optional(),
    body: z.string().nullable().default(null),
    changed_files: z.number().int().optional(),
    labels: z.array(z.object({ name: z.string() })).default([]),
    // A fork deleted after the PR was opened leaves `head.repo` null.
    head: z.object({ ref: z.string(), sha: z.string(), repo: Repository.nullable().optional() }),
    base: z.object({ ref: z.string(), sha: z.string(), repo: Repository.optional() }),
  }),
  repository: z.object({ name: z.string(), owner: z.object({ login: z.string() }) }),
});
type PullRequestEvent = z.infer<typeof PullRequestEvent>;

const PULL_REQUEST_EVENTS = ["pull_request", "pull_request_target"];

function readEvent(context: ActionContext): { name: string; payload: unknown } {
  const name = context.eventName;
  const path = context.eventPath;
  if (!path) throw new Error("GITHUB_EVENT_PATH is not set: the Action must run in a GitHub Actions workflow");
  return { name, payload: JSON.parse(readFileSync(path, "utf8")) };
}

/** The repository a PR's code comes from when it is not the base repository (a fork, or a deleted one); null for a branch of this repository. */
function foreignHead(event: PullRequestEvent, repo: Repo): string | null {
  const base = event.pull_request.base.repo?.full_name ?? formatRepoName(repo);
  const head = event.pull_request.head.repo;
  if (head === undefined) return null;
  if (head === null) return "a deleted repository";
  return head.full_name.toLowerCase() === base.toLowerCase() ? null : head.full_name;
}

function setOutputs(values: { isHotfix: boolean; verdict: string; files: number; lines: number; violations: CheckFinding[] }): void {
  core.setOutput("is-hotfix", values.isHotfix);
  core.setOutput("verdict", values.verdict);
  core.setOutput("files", values.files);
  core.setOutput("lines", values.lines);
  core.setOutput("violations", JSON.stringify(values.violations));
}

const ANNOTATION_LEVEL = { fail: "failure", warn: "warning", message: "notice" } as const;

function annotations(findings: CheckFinding[]): Annotation[] {
  return findings.flatMap((m) =>
    m.file
      ? [
          {
            path: m.file,
            start_line: m.line ?? 1,
            end_line: m.line ?? 1,
            annotation_level: ANNOTATION_LEVEL[m.level],
            title: ruleTitle(m.rule),
            message: m.message,
          },
        ]
      : [],
  );
}

interface Run {
  github: GitHub;
  /** The runner's context (context.ts). */
  context: ActionContext;
  repo: Repo;
  event: PullRequestEvent;
  eventName: string;
  inputs: CheckInputs;
  /** Where the PR's code comes from when that is another repository. */
  foreign: string | null;
  /** The sticky comment, looked up on first use: the check starts the lookup beside its reads when it expects to write one. */
  sticky: () => Promise<OwnComment | null>;
}

/**
 * The check run, the sticky comment and the job summary. A write GitHub refuses is never dropped
 * in silence: a fork's read-only token is said to be one (the job summary and the step's status
 * carry the verdict), anything else fails the step, so a required check cannot wait forever.
 */
async function report(run: Run, outcome: CheckOutcome): Promise<void> {
  const { github, repo, event, inputs } = run;
  const failures: string[] = [];
  let readOnly = false;
  const write = async <T>(what: string, request: () => Promise<T>): Promise<T | null> => {
    try {
      return await request();
    } catch (error) {
      const status = error && typeof error === "object" && "status" in error ? error.status : undefined;
      if (status === 403 && !isRateLimit(error) && run.foreign && run.eventName === "pull_request") {
        readOnly = true;
        return null;
      }
      const permissions =
        status === 403 && !isRateLimit(error) ? " The token needs `checks: write` and `pull-requests: write` (`permissions:` in the workflow)." : "";
      failures.push(`Could not ${what}: ${describeGitHubError(github, error)}.${permissions}`);
      return null;
    }
  };

  let shown = outcome;
  if (outcome.kind === "not-hotfix" && inputs.comment && event.action !== "opened") {
    // Only a PR that had a verdict has a sticky comment (never one just opened): it now says the verdict no longer holds.
    const stale = renderCheckReport({ ...outcome, wasHotfix: true });
    const edited = await write("edit the PR comment", async () =>
      writeComment(github, { repo, issueNumber: event.pull_request.number, found: await run.sticky(), body: stale.comment, createIfMissing: false }),
    );
    if (edited) shown = { ...outcome, wasHotfix: true };
  }
  const rendered = renderCheckReport(shown);
  await write("create the check run", () =>
    createCheckRun(github, {
      repo,
      name: CHECK_NAME,
      headSha: event.pull_request.head.sha,
      conclusion: checkConclusion(shown),
      output: { title: rendered.title, summary: rendered.summary, text: rendered.text },
      annotations: shown.kind === "checked" ? annotations(shown.result.findings) : [],
    }),
  );
  // Non-hotfix PRs get no new comment: the check run says enough and most PRs are not hotfixes.
  if (inputs.comment && shown.kind !== "not-hotfix") {
    await write("write the PR comment", async () =>
      writeComment(github, { repo, issueNumber: event.pull_request.number, found: await run.sticky(), body: rendered.comment }),
    );
  }
  const readOnlyNote = readOnly
    ? `This PR comes from ${run.foreign}: GitHub gives a fork's \`pull_request\` workflow a read-only token, so there is no check run or comment; the verdict is here and in the step's status.`
    : "";
  if (readOnly) core.notice(readOnlyNote);
  core.info(`${CHECK_NAME}: ${checkVerdictOutput(shown)}: ${rendered.title}`);
  if (run.context.hasStepSummary) {
    const parts = [`## ${CHECK_NAME}`, rendered.summary, rendered.text, readOnlyNote, ...failures.map((f) => `**${f}**`)].filter(Boolean);
    await core.summary.addRaw(`${parts.join("\n\n")}\n`).write();
  }
  if (failures.length > 0) core.setFailed(failures.join("\n"));
}

/** Running the PR's own code with a write token and secrets is the "pwn request": never on pull_request_target for a foreign head. */
async function testRunFor(run: Run): Promise<TestRun | undefined> {
  const command = run.inputs.testCommand;
  if (!command) return undefined;
  if (run.eventName === "pull_request_target" && run.foreign) {
    const refused = `on \`pull_request_target\` the job holds a write token and secrets, and this PR's code comes from ${run.foreign}; run the check on \`pull_request\` to test PRs from forks`;
    core.warning(`test-command was not run: ${refused}.`);
    return { command, exitCode: null, timedOut: false, outputTail: "", refused };
  }
  return runTestCommand(command, run.context.workspace ?? process.cwd(), run.inputs.testTimeoutMs);
}

/** Starts `read` now and keeps its failure for whoever awaits it, so that a read nobody ends up needing fails nothing. */
function early<T>(read: () => Promise<T>): Promise<T> {
  const started = read();
  started.catch(() => undefined);
  return started;
}

async function check(run: Run): Promise<void> {
  const { github, repo, event, inputs } = run;
  const pr = event.pull_request;
  const refs = parseIssueLinks(pr.body ?? "", repo);
  const payload = { repo, headRef: pr.head.ref, baseRef: pr.base.ref, labels: pr.labels.map((l) => l.name) };
  // Only the config (read with the linked issues in one GraphQL request) says for certain whether the PR is a hotfix. When
  // the payload already says hotfix by the default rules (branch, label), its files and sticky comment are read beside
  // that request: the verdict is then one round trip of reads and one write away. Any other PR, most of a repository's,
  // waits for that answer, so one that is no hotfix costs the read, at most the sticky-comment look-up and the check run,
  // however many files it changes; one that links a hotfix issue reads its files a round trip later.
  const likely = hotfixReasons({ ...payload, links: [] }, DEFAULT_CONFIG.hotfix).length > 0;
  const filesRead = likely ? early(() => listPullRequestFiles(github, repo, pr.number, pr.changed_files)) : null;
  // A PR that is no hotfix has its old verdict comment edited on any event but `opened`, so that lookup is never wasted.
  if (inputs.comment && (likely || event.action !== "opened")) void early(run.sticky);
  const reading = early(() =>
    readConfigAndIssues(github, { repo, pullNumber: pr.number, baseSha: pr.base.sha, configPath: inputs.configPath, links: refs }),
  );
  // The config's parser (YAML) is a chunk of its own, loaded while the reads are on the wire: a cold start sends them first.
  const { loadCheckConfig } = await import("./config.js");
  const read = await reading;
  const { result: loaded, hotfix } = await loadCheckConfig(
    github,
    { ...repo, path: inputs.configPath, ref: pr.base.sha },
    { own: read.configText, org: read.orgConfigText },
  );
  const config = withLimits(loaded.ok ? loaded.config : { ...DEFAULT_CONFIG, hotfix }, { maxFiles: inputs.maxFiles, maxLines: inputs.maxLines });
  const invalidConfig: InvalidConfig | undefined = loaded.ok ? undefined : { path: inputs.configPath, problems: loaded.problems };
  // GitHub's closing references are its own answer (sidebar links included); it gives none for a PR into a branch other
  // than the default one, and then the description's links, read as GitHub would, are all there is.
  const asLink = (source: LinkSource) => (issue: LinkedIssueBody | null, i: number) => ({
    ref: issue?.ref ?? refs[i]!,
    source,
    issue: issue ? { state: issue.state, marker: parseIssueMarker(issue.body), labels: issue.labels } : null,
  });
  const links: IssueLink[] = read.closing.length > 0 ? read.closing.map(asLink("github")) : read.issues.map(asLink("description"));
  const facts = { ...payload, links };
  const because = hotfixReasons(facts, config.hotfix);
  for (const problem of invalidConfig?.problems ?? []) {
    const annotate = because.length > 0 ? core.error : core.warning;
    annotate(`${problem.key}: ${problem.message}`, {
      title: `${problem.file ?? inputs.configPath} is not valid`,
      ...(problem.file ? {} : { file: inputs.configPath }),
      ...(problem.line === undefined ? {} : { startLine: problem.line, startColumn: problem.column ?? 1 }),
    });
  }

  if (because.length === 0) {
    setOutputs({ isHotfix: false, verdict: "skipped", files: 0, lines: 0, violations: [] });
    await report(run, { kind: "not-hotfix", ...(invalidConfig ? { invalidConfig } : {}) });
    return;
  }
  if (invalidConfig) {
    setOutputs({ isHotfix: true, verdict: "fail", files: 0, lines: 0, violations: [] });
    await report(run, { kind: "invalid-config", because, invalidConfig });
    core.setFailed(
      `${inputs.configPath} is not valid, so the narrow-diff rules cannot be read:\n${loaded.ok ? "" : loaded.errors.map((e) => `  - ${e}`).join("\n")}`,
    );
    return;
  }

  const files = await (filesRead ?? listPullRequestFiles(github, repo, pr.number, pr.changed_files));
  const testRun = await testRunFor(run);
  const result = evaluatePolicy(
    { ...facts, files, changedFiles: Math.max(pr.changed_files ?? 0, files.length), ...(testRun ? { testRun } : {}) },
    config,
  );
  const violations = result.findings.filter((m) => m.level !== "message");
  setOutputs({ isHotfix: true, verdict: result.verdict, files: result.files, lines: result.lines, violations });
  const outcome: CheckOutcome = { kind: "checked", because, result, ...(testRun ? { testRun } : {}) };
  await report(run, outcome);
  // Only a check that concluded success, on a PR from this repository: a fork's code is never merged unattended.
  const method = config.fastLane.autoMerge;
  if (method && checkConclusion(outcome) === "success" && run.foreign === null && pr.node_id) {
    await enableAutoMerge(github, { pullRequestId: pr.node_id, number: pr.number, method });
  }
  if (result.verdict === "fail") {
    const fails = violations.filter((m) => m.level === "fail");
    core.setFailed(
      `Hotfix narrow-diff rules failed:\n${fails.map((m) => `- ${ruleTitle(m.rule)}: ${m.message}${m.file ? ` (${m.file})` : ""}`).join("\n")}`,
    );
  }
}

export async function runCheck(context: ActionContext): Promise<void> {
  const inputs = readCheckInputs();
  const event = readEvent(context);
  if (!PULL_REQUEST_EVENTS.includes(event.name)) {
    core.notice(`The narrow-diff check runs on pull_request events; this is "${event.name}", so it is skipped.`);
    setOutputs({ isHotfix: false, verdict: "skipped", files: 0, lines: 0, violations: [] });
    return;
  }
  const parsed = PullRequestEvent.safeParse(event.payload);
  if (!parsed.success) throw new Error(`The ${event.name} payload lacks ${parsed.error.issues.map((i) => i.path.join(".")).join(", ")}`);
  const repo = { owner: parsed.data.repository.owner.login, repo: parsed.data.repository.name };
  const github = createGitHub(inputs.token, context.apiUrl);
  let sticky: Promise<OwnComment | null> | undefined;
  const run: Run = {
    github,
    context,
    repo,
    event: parsed.data,
    eventName: event.name,
    inputs,
    foreign: foreignHead(parsed.data, repo),
    sticky: () => (sticky ??= findOwnComment(github, { repo, issueNumber: parsed.data.pull_request.number, marker: CHECK_COMMENT_MARKER })),
  };
  try {
    await check(run);
  } catch (error) {
    throw new Error(describeGitHubError(github, error));
  }
}
