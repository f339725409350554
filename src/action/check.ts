import { readFileSync } from "node:fs";
import * as core from "@actions/core";
import { z } from "zod";
import { CHECK_COMMENT_MARKER, CHECK_NAME, renderCheckReport, type CheckOutcome } from "../core/check-report.js";
import { evaluatePolicy, hotfixReasons, parseIssueLinks, ruleTitle, withLimits, type CheckFinding, type IssueLink } from "../core/policy.js";
import { parseIssueMarker } from "../core/render.js";
import { configFromText } from "./config.js";
import { createCheckRun, createGitHub, listPullRequestFiles, readConfigAndIssues, upsertComment, type Annotation, type GitHub, type Repo } from "./github.js";
import { readCheckInputs } from "./inputs.js";
import { runTestCommand } from "./test-command.js";

/** The fields of a `pull_request` / `pull_request_target` payload the check reads. */
const PullRequestEvent = z.object({
  pull_request: z.object({
    number: z.number().int(),
    body: z.string().nullable().default(null),
    changed_files: z.number().int().optional(),
    labels: z.array(z.object({ name: z.string() })).default([]),
    head: z.object({ ref: z.string(), sha: z.string() }),
    base: z.object({ ref: z.string(), sha: z.string() }),
  }),
  repository: z.object({ name: z.string(), owner: z.object({ login: z.string() }) }),
});
type PullRequestEvent = z.infer<typeof PullRequestEvent>;

const PULL_REQUEST_EVENTS = ["pull_request", "pull_request_target"];

function readEvent(): { name: string; payload: unknown } {
  const name = process.env.GITHUB_EVENT_NAME ?? "";
  const path = process.env.GITHUB_EVENT_PATH;
  if (!path) throw new Error("GITHUB_EVENT_PATH is not set: the Action must run in a GitHub Actions workflow");
  return { name, payload: JSON.parse(readFileSync(path, "utf8")) };
}

function setOutputs(values: { isHotfix: boolean; verdict: string; files: number; lines: number; violations: CheckFinding[] }): void {
  core.setOutput("is-hotfix", values.isHotfix);
  core.setOutput("verdict", values.verdict);
  core.setOutput("files", values.files);
  core.setOutput("lines", values.lines);
  core.setOutput("violations", JSON.stringify(values.violations));
}

const ANNOTATION_LEVEL = { fail: "failure", warn: "warning", message: "notice" } as const;

function annotations(messages: CheckFinding[]): Annotation[] {
  return messages.flatMap((m) =>
    m.file
      ? [{ path: m.file, start_line: m.line ?? 1, end_line: m.line ?? 1, annotation_level: ANNOTATION_LEVEL[m.level], title: ruleTitle(m.rule), message: m.message }]
      : [],
  );
}

/** GitHub refuses writes to a fork PR's read-only token: say so and keep the step's own verdict. */
async function bestEffort(what: string, write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    const status = error && typeof error === "object" && "status" in error ? ` (HTTP ${String(error.status)})` : "";
    core.warning(`Could not ${what}${status}: ${error instanceof Error ? error.message : String(error)}. The token needs checks: write and pull-requests: write.`);
  }
}

async function report(github: GitHub, repo: Repo, event: PullRequestEvent, outcome: CheckOutcome, comment: boolean): Promise<void> {
  const rendered = renderCheckReport(outcome);
  const conclusion = !outcome.hotfix ? "neutral" : outcome.result.verdict === "fail" ? "failure" : "success";
  await bestEffort("create the check run", () =>
    createCheckRun(github, {
      repo,
      name: CHECK_NAME,
      headSha: event.pull_request.head.sha,
      conclusion,
      output: { title: rendered.title, summary: rendered.summary, text: rendered.text },
      annotations: outcome.hotfix ? annotations(outcome.result.findings) : [],
    }),
  );
  // Non-hotfix PRs get no comment: the check run says enough and most PRs are not hotfixes.
  if (comment && outcome.hotfix) {
    await bestEffort("write the PR comment", () =>
      upsertComment(github, { repo, issueNumber: event.pull_request.number, marker: CHECK_COMMENT_MARKER, body: rendered.comment }),
    );
  }
  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary.addRaw(`## ${CHECK_NAME}\n\n${rendered.summary}\n${rendered.text ? `\n${rendered.text}\n` : ""}`).write();
  }
}

export async function runCheck(): Promise<void> {
  const inputs = readCheckInputs();
  const event = readEvent();
  if (!PULL_REQUEST_EVENTS.includes(event.name)) {
    core.notice(`The narrow-diff check runs on pull_request events; this is "${event.name}", so it is skipped.`);
    setOutputs({ isHotfix: false, verdict: "skipped", files: 0, lines: 0, violations: [] });
    return;
  }
  const parsed = PullRequestEvent.safeParse(event.payload);
  if (!parsed.success) throw new Error(`The ${event.name} payload lacks ${parsed.error.issues.map((i) => i.path.join(".")).join(", ")}`);
  const pr = parsed.data.pull_request;
  const repo = { owner: parsed.data.repository.owner.login, repo: parsed.data.repository.name };
  const github = createGitHub(inputs.token);

  const refs = parseIssueLinks(pr.body ?? "", repo);
  const { configText, issues } = await readConfigAndIssues(github, { repo, baseSha: pr.base.sha, configPath: inputs.configPath, links: refs });
  const config = withLimits(configFromText(configText, inputs.configPath), { maxFiles: inputs.maxFiles, maxLines: inputs.maxLines });
  const links: IssueLink[] = refs.map((ref, i) => {
    const issue = issues[i];
    return { ref, issue: issue ? { state: issue.state, marker: parseIssueMarker(issue.body) } : null };
  });
  const facts = { repo, headRef: pr.head.ref, baseRef: pr.base.ref, labels: pr.labels.map((l) => l.name), links };
  const because = hotfixReasons(facts, config.hotfix);
  if (because.length === 0) {
    core.info("Not a hotfix PR: no hotfix branch, label or linked hotfix issue.");
    setOutputs({ isHotfix: false, verdict: "skipped", files: 0, lines: 0, violations: [] });
    await report(github, repo, parsed.data, { hotfix: false }, inputs.comment);
    return;
  }

  const files = await listPullRequestFiles(github, repo, pr.number);
  const testRun = inputs.testCommand
    ? await runTestCommand(inputs.testCommand, process.env.GITHUB_WORKSPACE ?? process.cwd(), inputs.testTimeoutMs)
    : undefined;
  const result = evaluatePolicy({ ...facts, files, changedFiles: Math.max(pr.changed_files ?? 0, files.length), ...(testRun ? { testRun } : {}) }, config);
  const violations = result.findings.filter((m) => m.level !== "message");
  setOutputs({ isHotfix: true, verdict: result.verdict, files: result.files, lines: result.lines, violations });
  await report(github, repo, parsed.data, { hotfix: true, because, result, ...(testRun ? { testRun } : {}) }, inputs.comment);
  if (result.verdict === "fail") {
    const fails = violations.filter((m) => m.level === "fail");
    core.setFailed(`Hotfix narrow-diff rules failed:\n${fails.map((m) => `- ${ruleTitle(m.rule)}: ${m.message}${m.file ? ` (${m.file})` : ""}`).join("\n")}`);
  }
}
