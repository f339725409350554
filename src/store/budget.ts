import type { SqlDatabase } from "./sql.js";

/**
 * The new-issue budget's part of the store (`issues.maxNewPerHour`): a claim per crash group on
 * one of its repository's new issues. Counting the repository's claims of the last hour and adding
 * one is a single transaction, serialised per repository on its `issue_budgets` row, so the budget
 * is exact however many replicas open issues at once. Written once in the SQL both databases share.
 */

export interface IssueBudget {
  /**
   * Claims a new issue for the group when the repository claimed fewer than `limit` since `since`;
   * false when the budget is spent (the crash goes to the roll-up issue). A group claims once: its
   * retries keep the claim, so a create that failed and runs again is not counted twice.
   */
  claim(repo: string, groupId: number, limit: number, since: Date, at: Date): Promise<boolean>;
  /** New issues claimed in the repository since `since`: the budget's use. */
  claimedSince(repo: string, since: Date): Promise<number>;
  /**
   * Claims the opening of the repository's roll-up issue for `opener` until `until`: true when no other
   * opener holds it (or its hold ran out), so replicas past the budget at once open one roll-up, not one each.
   */
  claimRollUpOpening(repo: string, opener: string, at: Date, until: Date): Promise<boolean>;
}

const int = (value: unknown): number => Number(value ?? 0);

export class SqlIssueBudget implements IssueBudget {
  constructor(private readonly db: SqlDatabase) {}

  async claim(repo: string, groupId: number, limit: number, since: Date, at: Date): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      // The upsert takes the repository's row lock (PostgreSQL holds it to the commit; SQLite's transaction
      // already excludes other writers): the count below and the insert after it are then one step for every replica.
      await tx.run("INSERT INTO issue_budgets (repo) VALUES (?) ON CONFLICT (repo) DO UPDATE SET repo = excluded.repo", [repo]);
      const [row] = await tx.all(
        `SELECT (SELECT COUNT(*) FROM issue_claims WHERE group_id = ?) AS mine,
                (SELECT COUNT(*) FROM issue_claims WHERE repo = ? AND claimed_at >= ?) AS used`,
        [groupId, repo, since.toISOString()],
      );
      if (int(row?.mine) > 0) return true;
      if (int(row?.used) >= limit) return false;
      await tx.run("INSERT INTO issue_claims (group_id, repo, claimed_at) VALUES (?, ?, ?)", [groupId, repo, at.toISOString()]);
      return true;
    });
  }

  async claimRollUpOpening(repo: string, opener: string, at: Date, until: Date): Promise<boolean> {
    const changed = await this.db.transaction((tx) =>
      tx.run(
        `INSERT INTO issue_budgets (repo, rollup_opener, rollup_opening_until) VALUES (?, ?, ?)
         ON CONFLICT (repo) DO UPDATE SET rollup_opener = excluded.rollup_opener, rollup_opening_until = excluded.rollup_opening_until
         WHERE issue_budgets.rollup_opener IS NULL OR issue_budgets.rollup_opener = excluded.rollup_opener OR issue_budgets.rollup_opening_until <= ?`,
        [repo, opener, until.toISOString(), at.toISOString()],
      ),
    );
    return changed > 0;
  }

  async claimedSince(repo: string, since: Date): Promise<number> {
    const [row] = await this.db.query("SELECT COUNT(*) AS n FROM issue_claims WHERE repo = ? AND claimed_at >= ?", [repo, since.toISOString()]);
    return int(row?.n);
  }
}
