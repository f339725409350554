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
  const { store } = deps;
  for (const groupId of new Set(groupIds)) {
    if (!(await store.clock.recordStage(groupId, stage, new Date(at), detail))) continue;
    const group = await store.getGroup(groupId);
    if (!group) continue;
    const config = (await deps.router.configOf(repo)) ?? DEFAULT_CONFIG;
    const now = deps.now().toISOString();
    const refresh = config.issues.refreshIntervalSeconds;
    await store.scheduleSync(groupId, new Date(syncDueAt(group, now, refresh)), refresh);
    deps.log.info({ repo, issue: group.issueNumber, stage }, "hotfix clock: stage reached");
  }
}
