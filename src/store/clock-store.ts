import * as z from "zod";
import { StageDetail, StageName, StageTime } from "../core/clock.js";
import type { SqlDatabase, SqlRow, SqlTx } from "./sql.js";

/**
 * The hotfix clock's part of the store: when each stage of the loop was reached per crash
 * group and round, which pull requests fix which groups, and what the issue and the board
 * last showed. Written once in the SQL both databases share, like sql-store.ts.
 */

export interface ClockOf {
  stages: StageTime[];
  /** Id of the newest stage row (0 when none): the clock changed when it passed `renderedStageId`. */
  lastStageId: number;
  renderedStageId: number;
}

/** A crash group with its stage times, for the board and the report. */
export interface ClockGroup {
  groupId: number;
  repo: string;
  signature: string;
  issueNumber: number | null;
  state: "open" | "resolved";
  stages: StageTime[];
}

export interface BoardState {
  repo: string;
  issueNumber: number | null;
  renderedAt: string | null;
  renderedStageId: number;
  /** Newest stage row of the repository (0 when none). */
  lastStageId: number;
  /** How many times a port PR of the repository changed state, and how many of those the board showed. */
  portChanges: number;
  renderedPortChanges: number;
}

export const PortState = z.enum(["open", "merged", "closed"]);
export type PortState = z.infer<typeof PortState>;

/** A port PR of a merged hotfix (the fast lane's, or one made by hand on its port branch), as its webhooks left it. */
export interface PortRecord {
  portPr: number;
  /** The hotfix PR it ports. */
  originalPr: number;
  target: string;
  openedAt: Date;
  state: PortState;
}

/** A port not merged yet, per crash group the original hotfix PR fixes: a regression waiting to happen. */
export const WaitingPort = z.object({
  groupId: z.number().int(),
  issueNumber: z.number().int().nullable(),
  signature: z.string(),
  portPr: z.number().int(),
  originalPr: z.number().int(),
  target: z.string(),
  openedAt: z.string(),
  state: PortState.exclude(["merged"]),
});
export type WaitingPort = z.infer<typeof WaitingPort>;

export interface ClockStore {
  /**
   * Records a stage in the group's current round; the first time wins, so a redelivered
   * webhook changes nothing. Returns whether it was new.
   */
  recordStage(groupId: number, stage: StageName, at: Date, detail?: StageDetail): Promise<boolean>;
  clockOf(groupId: number): Promise<ClockOf>;
  /** The issue body now shows the clock up to this stage row. */
  markClockRendered(groupId: number, stageId: number): Promise<void>;
  /** A pull request's body links this group's issue. */
  linkPullRequest(repo: string, pullRequest: number, groupId: number): Promise<void>;
  groupsOfPullRequest(repo: string, pullRequest: number): Promise<number[]>;
  /** Groups with stage times, of one repository or of all (null), by group id. */
  clockGroups(repo: string | null): Promise<ClockGroup[]>;
  boardOf(repo: string): Promise<BoardState>;
  /** The board now shows the clock up to `stageId` and the ports up to their `portChanges`th change (both read before rendering). */
  markBoardRendered(repo: string, issueNumber: number, at: Date, stageId: number, portChanges: number): Promise<void>;
  /**
   * Records a port PR's state; a merged port stays merged (a late "opened" delivery changes nothing). Returns whether it
   * changed, in which case the repository's board is due a refresh.
   */
  recordPort(repo: string, port: PortRecord): Promise<boolean>;
  /** The repository's ports not merged yet (open, or closed unmerged), with the groups of the hotfix PR each ports, oldest first. */
  waitingPorts(repo: string): Promise<WaitingPort[]>;
}

const iso = (value: unknown): string => (value instanceof Date ? value.toISOString() : String(value));
const int = (value: unknown): number => Number(value ?? 0);

function toStage(row: SqlRow): StageTime {
  return StageTime.parse({ round: int(row.round), stage: row.stage, at: iso(row.at), detail: JSON.parse(String(row.detail)) as unknown });
}

const StateColumn = z.enum(["open", "resolved"]);

/**
 * The first occurrence of a new round: round 1 for a new group, the next one for a
 * regression. Runs inside the ingest transaction, so a stored alert always has its clock.
 */
export async function startRound(tx: SqlTx, groupId: number, at: string): Promise<void> {
  const [last] = await tx.all("SELECT MAX(round) AS round FROM stage_times WHERE group_id = ?", [groupId]);
  await insertStage(tx, groupId, int(last?.round) + 1, "first-occurrence", at, {});
}

function insertStage(tx: SqlTx, groupId: number, round: number, stage: StageName, at: string, detail: StageDetail): Promise<number> {
  return tx.run("INSERT INTO stage_times (group_id, round, stage, at, detail) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", [
    groupId,
    round,
    stage,
    at,
    JSON.stringify(StageDetail.parse(detail)),
  ]);
}

export class SqlClockStore implements ClockStore {
  constructor(private readonly db: SqlDatabase) {}

  async recordStage(groupId: number, stage: StageName, at: Date, detail: StageDetail = {}): Promise<boolean> {
    const changed = await this.db.transaction(async (tx) => {
      const [last] = await tx.all("SELECT MAX(round) AS round FROM stage_times WHERE group_id = ?", [groupId]);
      return insertStage(tx, groupId, Math.max(1, int(last?.round)), stage, at.toISOString(), detail);
    });
    return changed > 0;
  }

  async clockOf(groupId: number): Promise<ClockOf> {
    const rows = await this.db.query("SELECT id, round, stage, at, detail FROM stage_times WHERE group_id = ? ORDER BY id", [groupId]);
    const [rendered] = await this.db.query("SELECT stage_id FROM clock_rendered WHERE group_id = ?", [groupId]);
    return { stages: rows.map(toStage), lastStageId: Math.max(0, ...rows.map((r) => int(r.id))), renderedStageId: int(rendered?.stage_id) };
  }

  async markClockRendered(groupId: number, stageId: number): Promise<void> {
    await this.db.query(
      `INSERT INTO clock_rendered (group_id, stage_id) VALUES (?, ?)
       ON CONFLICT (group_id) DO UPDATE SET stage_id = CASE WHEN excluded.stage_id > clock_rendered.stage_id THEN excluded.stage_id ELSE clock_rendered.stage_id END`,
      [groupId, stageId],
    );
  }

  async linkPullRequest(repo: string, pullRequest: number, groupId: number): Promise<void> {
    await this.db.query("INSERT INTO fix_pull_requests (repo, pr_number, group_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", [
      repo,
      pullRequest,
      groupId,
    ]);
  }

  async groupsOfPullRequest(repo: string, pullRequest: number): Promise<number[]> {
    const rows = await this.db.query("SELECT group_id FROM fix_pull_requests WHERE repo = ? AND pr_number = ? ORDER BY group_id", [
      repo,
      pullRequest,
    ]);
    return rows.map((r) => int(r.group_id));
  }

  async clockGroups(repo: string | null): Promise<ClockGroup[]> {
    const rows = await this.db.query(
      `SELECT g.id AS group_id, g.repo, g.signature, g.issue_number, g.state, s.round, s.stage, s.at, s.detail
       FROM stage_times s JOIN crash_groups g ON g.id = s.group_id
       WHERE (? = '' OR g.repo = ?) ORDER BY g.id, s.id`,
      [repo ?? "", repo ?? ""],
    );
    const groups = new Map<number, ClockGroup>();
    for (const row of rows) {
      const id = int(row.group_id);
      let group = groups.get(id);
      if (!group) {
        group = {
          groupId: id,
          repo: String(row.repo),
          signature: String(row.signature),
          issueNumber: row.issue_number === null ? null : int(row.issue_number),
          state: StateColumn.parse(row.state),
          stages: [],
        };
        groups.set(id, group);
      }
      group.stages.push(toStage(row));
    }
    return [...groups.values()];
  }

  async boardOf(repo: string): Promise<BoardState> {
    const [board] = await this.db.query(
      "SELECT issue_number, rendered_at, stage_id, port_changes, rendered_port_changes FROM boards WHERE repo = ?",
      [repo],
    );
    const [last] = await this.db.query("SELECT MAX(s.id) AS id FROM stage_times s JOIN crash_groups g ON g.id = s.group_id WHERE g.repo = ?", [repo]);
    return {
      repo,
      issueNumber: board?.issue_number === null || board?.issue_number === undefined ? null : int(board.issue_number),
      renderedAt: board?.rendered_at === null || board?.rendered_at === undefined ? null : iso(board.rendered_at),
      renderedStageId: int(board?.stage_id),
      lastStageId: int(last?.id),
      portChanges: int(board?.port_changes),
      renderedPortChanges: int(board?.rendered_port_changes),
    };
  }

  async markBoardRendered(repo: string, issueNumber: number, at: Date, stageId: number, portChanges: number): Promise<void> {
    await this.db.query(
      `INSERT INTO boards (repo, issue_number, rendered_at, stage_id, rendered_port_changes) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (repo) DO UPDATE SET issue_number = excluded.issue_number, rendered_at = excluded.rendered_at,
         stage_id = excluded.stage_id, rendered_port_changes = excluded.rendered_port_changes`,
      [repo, issueNumber, at.toISOString(), stageId, portChanges],
    );
  }

  async recordPort(repo: string, port: PortRecord): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [known] = await tx.all("SELECT state FROM port_pull_requests WHERE repo = ? AND port_pr = ?", [repo, port.portPr]);
      const was = known ? PortState.parse(known.state) : null;
      if (was === port.state || was === "merged") return false;
      await tx.run(
        `INSERT INTO port_pull_requests (repo, port_pr, original_pr, target, opened_at, state) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (repo, port_pr) DO UPDATE SET state = excluded.state`,
        [repo, port.portPr, port.originalPr, port.target, port.openedAt.toISOString(), port.state],
      );
      await tx.run(
        `INSERT INTO boards (repo, issue_number, rendered_at, stage_id, port_changes) VALUES (?, NULL, NULL, 0, 1)
         ON CONFLICT (repo) DO UPDATE SET port_changes = boards.port_changes + 1`,
        [repo],
      );
      return true;
    });
  }

  async waitingPorts(repo: string): Promise<WaitingPort[]> {
    const rows = await this.db.query(
      `SELECT g.id AS group_id, g.issue_number, g.signature, p.port_pr, p.original_pr, p.target, p.opened_at, p.state
       FROM port_pull_requests p
       JOIN fix_pull_requests f ON f.repo = p.repo AND f.pr_number = p.original_pr
       JOIN crash_groups g ON g.id = f.group_id
       WHERE p.repo = ? AND p.state <> 'merged' ORDER BY p.opened_at, p.port_pr, g.id`,
      [repo],
    );
    return rows.map((row) =>
      WaitingPort.parse({
        groupId: int(row.group_id),
        issueNumber: row.issue_number === null ? null : int(row.issue_number),
        signature: row.signature,
        portPr: int(row.port_pr),
        originalPr: int(row.original_pr),
        target: row.target,
        openedAt: iso(row.opened_at),
        state: row.state,
      }),
    );
  }
}
