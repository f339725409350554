import * as z from "zod";
import { CHECK_NAME } from "../../core/check-report.js";
import { repoKey } from "../routing.js";
import { recordStage } from "./clock-stage.js";
import { linkFromGitHub } from "./fix-links.js";
import { readPayload, Repository, Timestamp, type WebhookHandler } from "./handler.js";

/** The hotfix check passing on a fix pull request: the hotfix clock's "check-passed". */

export const CheckRunEvent = z.looseObject({
  action: z.string(),
  check_run: z.looseObject({
    name: z.string(),
    status: z.string(),
    conclusion: z.string().nullish(),
    completed_at: Timestamp.nullish(),
    pull_requests: z.array(z.looseObject({ number: z.number().int().positive() })).default([]),
  }),
  repository: Repository,
});

export const onCheckRun: WebhookHandler = async (context, deps) => {
  const event = readPayload(CheckRunEvent, "check_run", context.payload, deps.log);
  if (!event) return;
  const run = event.check_run;
  if (run.name !== CHECK_NAME || run.status !== "completed" || run.conclusion !== "success" || !run.completed_at) return;
  const repo = repoKey(event.repository.full_name);
  for (const { number } of run.pull_requests) {
    const known = await deps.store.clock.groupsOfPullRequest(repo, number);
    const groups = known.length > 0 ? known : await linkFromGitHub(deps, context.octokit, repo, number);
    await recordStage(deps, repo, groups, "check-passed", run.completed_at, { pr: number });
  }
};
