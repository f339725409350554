import * as z from "zod";
import { DEFAULT_CONFIG } from "../../core/config.js";
import { parseVerificationMarker } from "../../core/verify-report.js";
import { repoKey } from "../routing.js";
import { trustedAuthors, writtenBy } from "../trust.js";
import { recordStage } from "./clock-stage.js";
import { readPayload, Repository, Timestamp, type WebhookHandler } from "./handler.js";

/** A trusted verification comment (created or edited): the hotfix clock's verdict stage. */

export const IssueCommentEvent = z.looseObject({
  action: z.string(),
  issue: z.looseObject({ number: z.number().int().positive() }),
  comment: z.looseObject({
    body: z.string().nullish(),
    created_at: Timestamp,
    updated_at: Timestamp.nullish(),
    user: z.looseObject({ login: z.string() }).nullish(),
  }),
  repository: Repository,
});

export const onIssueComment: WebhookHandler = async (context, deps) => {
  const event = readPayload(IssueCommentEvent, "issue_comment", context.payload, deps.log);
  if (!event || (event.action !== "created" && event.action !== "edited")) return;
  const marker = parseVerificationMarker(event.comment.body ?? "");
  if (!marker || marker.verdict === "not-enough-data") return;
  const { store } = deps;
  const repo = repoKey(event.repository.full_name);
  const config = (await deps.router.configOf(repo)) ?? DEFAULT_CONFIG;
  if (!writtenBy(event.comment, trustedAuthors(await deps.appLogin(), config))) return;
  // The Action writes its verdict on the hotfix issue and on the fix PR alike.
  const byIssue = await store.findGroupByIssue(repo, event.issue.number);
  const byPullRequest = await Promise.all((await store.clock.groupsOfPullRequest(repo, event.issue.number)).map((id) => store.getGroup(id)));
  const groups = [byIssue, ...byPullRequest].filter((g) => g !== null && g.signature === marker.signature).map((g) => g!.id);
  const at = event.comment.updated_at ?? event.comment.created_at;
  await recordStage(deps, repo, groups, marker.verdict, at, { version: marker.version });
};
