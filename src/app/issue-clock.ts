import { withStage, type StageTime } from "../core/clock.js";
import type { ClockOf, ClockStore } from "../store/clock-store.js";
import type { CrashGroup } from "../store/store.js";

/**
 * The hotfix clock (issue 11) as a hotfix issue's body shows it: opening or reopening the issue is
 * a stage, shown in the body that write carries and recorded once the write is done.
 */

/** The stages the body shows: the clock read, plus the (re)opening this sync may write. */
export function shownStages(group: CrashGroup, read: ClockOf, openedAt: Date): StageTime[] {
  return group.issueNumber === null || group.regressedIn !== null ? withStage(read.stages, "issue-opened", openedAt.toISOString()) : read.stages;
}

/** The body now shows `shown`: records the (re)opening it showed, and how far the clock was read. */
export async function clockWritten(clock: ClockStore, groupId: number, read: ClockOf, shown: StageTime[], openedAt: Date): Promise<void> {
  if (shown.length > read.stages.length) await clock.recordStage(groupId, "issue-opened", openedAt);
  const after = await clock.clockOf(groupId);
  // A stage that arrived meanwhile is not in the body: leave it for the next refresh.
  await clock.markClockRendered(groupId, after.stages.length === shown.length ? after.lastStageId : read.lastStageId);
}
