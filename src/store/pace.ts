import type { SqlDatabase } from "./sql.js";

/**
 * GitHub's pacing windows in PostgreSQL, so that every replica of the App paces by one account of
 * an installation's requests (app/shared-pacer.ts): GitHub counts per installation, not per process.
 * A take is one transaction serialised per installation owner on its `pace_lanes` row: it reads the
 * owner's live holds and adds its own only when every window has room, so N replicas together
 * never hold more than a window allows. Times are the database's clock, the one clock every
 * replica shares; callers only ever see durations.
 */

/** One request's units in one window: at most `limit` units in any `ms` milliseconds (0: while in flight). */
export interface PaceNeed {
  /** The window's name, e.g. "content 80/60000". */
  window: string;
  limit: number;
  ms: number;
  units: number;
}

export type PaceTake = { taken: true; holds: number[] } | { taken: false; short: string[]; waitMs: number };

export interface SharedPace {
  /**
   * Holds the request's units in every window at once when all have room (a probe only asks, and
   * holds nothing); else names the windows short of room and how long until one of them may have some.
   * A hold lasts while the request is in flight (at most `inFlightMs`, in case its replica dies) and a
   * window's length after its answer, as GitHub counts the request somewhere in between.
   */
  take(owner: string, needs: readonly PaceNeed[], options: { probe: boolean; inFlightMs: number }): Promise<PaceTake>;
  /** The request was answered: its units come back each window's length from now. */
  answered(holds: readonly number[]): Promise<void>;
}

/** How soon to look again when only requests in flight hold a window: their answers come to other replicas. */
const IN_FLIGHT_POLL_MS = 50;

const LIVE = "owner = ? AND until > clock_timestamp()";

export class SqlSharedPace implements SharedPace {
  constructor(private readonly db: SqlDatabase) {}

  take(owner: string, needs: readonly PaceNeed[], options: { probe: boolean; inFlightMs: number }): Promise<PaceTake> {
    return this.db.transaction(async (tx): Promise<PaceTake> => {
      // The owner's row lock, held to the commit: the next take of this owner reads after this one's holds.
      await tx.run("INSERT INTO pace_lanes (owner) VALUES (?) ON CONFLICT (owner) DO UPDATE SET owner = excluded.owner", [owner]);
      const rows = await tx.all(
        `WITH gone AS (DELETE FROM pace_holds WHERE owner = ? AND until <= clock_timestamp())
         SELECT window_key, SUM(units) AS used,
                EXTRACT(EPOCH FROM MIN(until) FILTER (WHERE answered) - clock_timestamp()) * 1000 AS next_ms
         FROM pace_holds WHERE ${LIVE} GROUP BY window_key`,
        [owner, owner],
      );
      const used = new Map(rows.map((r) => [String(r.window_key), { used: Number(r.used), nextMs: r.next_ms === null ? null : Number(r.next_ms) }]));
      // As the in-process pacer: a request costing more than a whole window goes alone.
      const short = needs.filter((n) => {
        const held = used.get(n.window)?.used ?? 0;
        return held > 0 && held + n.units > n.limit;
      });
      if (short.length > 0) {
        const waits = short.map((n) => used.get(n.window)?.nextMs ?? IN_FLIGHT_POLL_MS);
        return { taken: false, short: short.map((n) => n.window), waitMs: Math.max(1, Math.ceil(Math.min(...waits))) };
      }
      if (options.probe || needs.length === 0) return { taken: true, holds: [] };
      const held = await tx.all(
        `INSERT INTO pace_holds (owner, window_key, units, ms, answered, until) VALUES ${needs
          .map(() => "(?, ?, ?, ?, FALSE, clock_timestamp() + ?::integer * interval '1 millisecond')")
          .join(", ")} RETURNING id`,
        needs.flatMap((n) => [owner, n.window, n.units, n.ms, options.inFlightMs + n.ms]),
      );
      return { taken: true, holds: held.map((r) => Number(r.id)) };
    });
  }

  async answered(holds: readonly number[]): Promise<void> {
    if (holds.length === 0) return;
    await this.db.query(
      `UPDATE pace_holds SET answered = TRUE, until = clock_timestamp() + ms * interval '1 millisecond' WHERE id IN (${holds.map(() => "?").join(", ")})`,
      [...holds],
    );
  }
}
