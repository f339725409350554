import type { BudgetFacts } from "../core/plan-sync.js";
import type { Store } from "../store/store.js";

/**
 * Asks the repository's new-issue budget (`issues.maxNewPerHour`) for one of the hour's new issues
 * for a crash group without one. The store's claim answers, exact across replicas (store/budget.ts);
 * the hour's use comes along for the plan's reasons.
 */

const HOUR_MS = 3_600_000;

export async function claimNewIssue(store: Store, repo: string, groupId: number, limit: number, at: Date): Promise<BudgetFacts> {
  const since = new Date(at.getTime() - HOUR_MS);
  const granted = await store.budget.claim(repo, groupId, limit, since, at);
  return { granted, used: await store.budget.claimedSince(repo, since), limit };
}
