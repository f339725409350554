import * as z from "zod";
import { DEFAULT_CONFIG } from "../../core/config.js";
import { issueRef } from "../../github/issue-ref.js";
import { repoKey } from "../routing.js";
import { fixedInFromComments, trustedAuthors } from "../trust.js";
import { readPayload, type WebhookDeps, type WebhookContext, type WebhookHandler } from "./handler.js";

/** A hotfix issue closed (its crash resolved, with the version a trusted verification names) or reopened by a person. */

export const IssuesEvent = z.looseObject({
  action: z.string(),
  issue: z.looseObject({ number: z.number().int().positive() }),
  repository: z.looseObject({ full_name: z.string().min(3) }),
});
type IssuesEvent = z.infer<typeof IssuesEvent>;

async function closed(event: IssuesEvent, context: WebhookContext, deps: WebhookDeps): Promise<void> {
  const { store } = deps;
  const repo = repoKey(event.repository.full_name);
  const group = await store.findGroupByIssue(repo, event.issue.number);
  if (group?.rolledUp) {
    // The roll-up issue lists many crashes: closing it resolves each of them, none with a known fix version.
    const listed = (await store.rolledUpGroups(repo)).filter((g) => g.issueNumber === group.issueNumber && g.state !== "resolved");
    for (const g of listed) await store.resolve(g.id, null, deps.now());
    return;
  }
  if (!group || group.state === "resolved") return;
  const config = (await deps.router.configOf(group.repo)) ?? DEFAULT_CONFIG;
  const issue = issueRef(event.repository.full_name, event.issue.number);
  const fixedIn = await fixedInFromComments(context.octokit, issue, group.signature, trustedAuthors(await deps.appLogin(), config));
  await store.resolve(group.id, fixedIn, deps.now());
}

async function reopened(event: IssuesEvent, context: WebhookContext, deps: WebhookDeps): Promise<void> {
  // The App reopens regressions itself; the store already knows about those.
  if (context.isBot) return;
  const group = await deps.store.findGroupByIssue(repoKey(event.repository.full_name), event.issue.number);
  if (group && group.state === "resolved") await deps.store.reopen(group.id);
}

export const onIssues: WebhookHandler = async (context, deps) => {
  const event = readPayload(IssuesEvent, "issues", context.payload, deps.log);
  if (event?.action === "closed") await closed(event, context, deps);
  else if (event?.action === "reopened") await reopened(event, context, deps);
};
