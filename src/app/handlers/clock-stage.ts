import type { StageDetail, StageName } from "../../core/clock.js";
import { DEFAULT_CONFIG } from "../../core/config.js";
import { syncDueAt } from "../../store/outbox.js";
import type { WebhookDeps } from "./handler.js";

/**
 * The hotfix clock's ears: webhooks for the rest of the loop (a fix PR opened and merged, the hotfix
 * check passing, a deployment, the verification comment) become stage times in the store.
 * Records the stage for each group, then lets each changed issue refresh no sooner than its refresh interval allows.
 */
export async function recordStage(
  deps: Pick<WebhookDeps, "store" | "router" | "now" | "log">,
  repo: string,
  groupIds: readonly number[],
  stage: StageName,
  at: string,
  detail: StageDetail = {},
): Promise<void> {
  for (const groupId of new Set(groupIds)) {
    if (!(await deps.store.clock.recordStage(groupId, stage, new Date(at), detail))) continue;
    const group = await scheduleRefresh(deps, repo, groupId);
    if (group) deps.log.info({ repo, issue: group.issueNumber, stage }, "hotfix clock: stage reached");
  }
}

/**
 * Lets the group's issue (and after it the board) refresh no sooner than its refresh interval allows, after something it
 * shows changed; returns the group, or null when it is gone.
 */
export async function scheduleRefresh(deps: Pick<WebhookDeps, "store" | "router" | "now">, repo: string, groupId: number) {
  const group = await deps.store.getGroup(groupId);
  if (!group) return null;
  const config = (await deps.router.configOf(repo)) ?? DEFAULT_CONFIG;
  const refresh = config.issues.refreshIntervalSeconds;
  await deps.store.scheduleSync(groupId, new Date(syncDueAt(group, deps.now().toISOString(), refresh)), refresh);
  return group;
}
