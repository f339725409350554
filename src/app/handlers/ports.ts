import { portedFrom, portOf } from "../../core/fast-lane.js";
import type { PortState } from "../../store/clock-store.js";
import { recordStage, scheduleRefresh } from "./clock-stage.js";
import type { WebhookDeps } from "./handler.js";

/**
 * The fast lane's port PRs as the App sees them (pull_request): a port opened, closed or merged is kept for the board's
 * "Ports still open", and a port merged into the default branch is the hotfix clock's Ported stage for the groups of the
 * hotfix PR it ports. The ports themselves are made by the Action (action/fast-lane.ts), with git in the runner.
 */

export interface PortEvent {
  repo: string;
  defaultBranch: string | undefined;
  number: number;
  body: string | null;
  base: string;
  head: string | undefined;
  /** The PR's head is a branch of this repository: a port is pushed there, never from a fork. */
  fromThisRepo: boolean;
  state: "open" | "closed";
  createdAt: string;
  mergedAt: string | null;
}

export async function recordPortEvent(deps: Pick<WebhookDeps, "store" | "router" | "now" | "log">, pr: PortEvent): Promise<void> {
  const port = pr.fromThisRepo ? portOf({ body: pr.body, base: pr.base, head: pr.head }) : null;
  if (!port) return;
  // Only a hotfix the App knows has a clock and a row on the board: the groups of the PR it ports.
  const groups = await deps.store.clock.groupsOfPullRequest(pr.repo, port.pull);
  if (groups.length === 0) return;
  const state: PortState = pr.mergedAt ? "merged" : pr.state;
  const changed = await deps.store.clock.recordPort(pr.repo, {
    portPr: pr.number,
    originalPr: port.pull,
    target: port.target,
    openedAt: new Date(pr.createdAt),
    state,
  });
  if (changed) {
    deps.log.info({ repo: pr.repo, port: pr.number, of: port.pull, target: port.target, state }, "fast lane: a port PR changed");
    for (const groupId of groups) await scheduleRefresh(deps, pr.repo, groupId);
  }
  const original = pr.defaultBranch
    ? portedFrom({ body: pr.body, base: pr.base, head: pr.head, merged: pr.mergedAt !== null }, pr.defaultBranch)
    : null;
  if (original !== null && pr.mergedAt) await recordStage(deps, pr.repo, groups, "ported", pr.mergedAt, { pr: pr.number });
}
