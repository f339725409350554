import { randomUUID } from "node:crypto";
import type { Logger } from "probot";
import type { HotfixConfig } from "../core/config.js";
import type { CrashGroup, Store } from "../store/store.js";
import { parseRepoName } from "../github/repo-name.js";
import type { Octokit } from "./github.js";
import { ROLLUP_KEY, type IssueIndex } from "./issue-index.js";
import { renderRollUp, ROLLUP_TITLE } from "./rollup.js";

/**
 * Counts crashes past the new-issue budget in the repository's one roll-up issue (rollup.ts
 * renders it): finds it (store, then marker) or opens it, one opener across replicas, and
 * rewrites its rows as the counts change.
 */

/** How long a replica opening the roll-up issue keeps others from opening one: past it, one that died is replaced. */
const ROLLUP_OPENING_MS = 120_000;

export interface RollUpDeps {
  store: Store;
  log: Logger;
  now: () => Date;
  index: IssueIndex;
  /** Told of each crash counted in a roll-up issue instead of an issue of its own (a metric's hook). */
  onRolledUp?: (repo: string) => void;
}

export class RollUpIssues {
  /** This process, as the opener of a roll-up issue (IssueBudget.claimRollUpOpening). */
  private readonly opener = `issue-sync-${randomUUID()}`;
  /** Roll-ups of one repository take turns, so concurrent jobs find the roll-up issue the first one opened. */
  private readonly turns = new Map<string, Promise<void>>();

  constructor(private readonly deps: RollUpDeps) {}

  /** Counts a crash the budget refused in the roll-up issue, opening it when the repository has none. */
  async countNew(octokit: Octokit, group: CrashGroup, config: HotfixConfig, retry: boolean): Promise<void> {
    const previous = this.turns.get(group.repo) ?? Promise.resolve();
    const turn = previous.then(() => this.add(octokit, group, config, retry));
    const settled = turn.catch(() => undefined);
    this.turns.set(group.repo, settled);
    void settled.then(() => this.turns.get(group.repo) === settled && this.turns.delete(group.repo));
    await turn;
  }

  /** Rewrites the roll-up issue `number` with the group's count when `write`, and records the group as rendered. */
  async refresh(octokit: Octokit, group: CrashGroup, config: HotfixConfig, number: number, write: boolean): Promise<void> {
    if (write) await octokit.rest.issues.update({ ...parseRepoName(group.repo), issue_number: number, body: await this.body(group, config) });
    await this.deps.store.markRendered(group.id, group.events, this.deps.now());
  }

  private async body(group: CrashGroup, config: HotfixConfig): Promise<string> {
    const rolled = (await this.deps.store.rolledUpGroups(group.repo)).filter((g) => g.id !== group.id);
    return renderRollUp([...rolled, group], config.issues.maxNewPerHour);
  }

  private async add(octokit: Octokit, group: CrashGroup, config: HotfixConfig, retry: boolean): Promise<void> {
    const { store, log, now } = this.deps;
    const known = (await store.rolledUpGroups(group.repo)).find((g) => g.issueNumber !== null)?.issueNumber;
    let number = known ?? (await this.deps.index.find(octokit, group.repo, [ROLLUP_KEY], config, retry))?.number ?? null;
    const body = await this.body(group, config);
    if (number === null) {
      // Replicas past the budget at once must open one roll-up: the others count their crash in it on their job's retry.
      if (!(await store.budget.claimRollUpOpening(group.repo, this.opener, now(), new Date(now().getTime() + ROLLUP_OPENING_MS))))
        throw new Error(`the roll-up issue of ${group.repo} is being opened by another replica: the crash is counted in it on the next attempt`);
      const labels = config.issues.labels.filter((l) => l !== "");
      // Not retried in the request, as any create: the job's retry looks for the roll-up's marker first.
      number = (await octokit.rest.issues.create({ ...parseRepoName(group.repo), title: ROLLUP_TITLE, body, labels, request: { retries: 0 } })).data
        .number;
    } else {
      await octokit.rest.issues.update({ ...parseRepoName(group.repo), issue_number: number, body });
    }
    await store.recordOpened(group.id, number, now(), true);
    await store.markRendered(group.id, group.events, now());
    log.warn(
      { repo: group.repo, signature: group.signature, rollUp: number, budget: config.issues.maxNewPerHour, metric: "hotfix_crashes_rolled_up_total" },
      "new-issue budget reached: the crash is counted in the roll-up issue",
    );
    this.deps.onRolledUp?.(group.repo);
  }
}
