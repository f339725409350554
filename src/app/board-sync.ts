import type { Logger } from "probot";
import { BOARD_MARKER, BOARD_TITLE, BOARD_WINDOWS, boardFigures, renderBoard } from "../core/board.js";
import type { Store } from "../store/store.js";
import { answered } from "../github/not-found.js";
import { parseRepoName } from "../github/repo-name.js";
import type { GitHubAccess, Octokit } from "./github.js";
import type { RepoRouter } from "./routing.js";

/**
 * The "Hotfix board" issue of a repository that opted in (`board.enabled`). It is refreshed
 * after a crash group's sync when the repository's clock moved, at most once a minute: a
 * change inside the minute moves the group's sync job to the minute's end, so the outbox
 * brings the board up to date even if nothing else happens.
 */

export const BOARD_INTERVAL_MS = 60_000;

export interface BoardSyncDeps {
  store: Store;
  github: GitHubAccess;
  router: RepoRouter;
  now: () => Date;
  log: Logger;
}

export class BoardSync {
  constructor(private readonly deps: BoardSyncDeps) {}

  /** Called after the group's issue sync; a failure is logged, as the board is rebuilt whole at the next change. */
  async afterSync(groupId: number): Promise<void> {
    try {
      await this.refresh(groupId);
    } catch (error) {
      this.deps.log.warn({ err: error, groupId }, "the hotfix board could not be refreshed");
    }
  }

  private async refresh(groupId: number): Promise<void> {
    const { store, router, github } = this.deps;
    const group = await store.getGroup(groupId);
    const config = group ? await router.configOf(group.repo) : null;
    if (!group || !config?.board.enabled) return;
    const state = await store.clock.boardOf(group.repo);
    // Stage rows and port changes only grow: the board is current when it showed the latest of both.
    if (state.issueNumber !== null && state.lastStageId <= state.renderedStageId && state.portChanges <= state.renderedPortChanges) return;
    const now = this.deps.now();
    const due = state.renderedAt === null ? now.getTime() : Date.parse(state.renderedAt) + BOARD_INTERVAL_MS;
    if (due > now.getTime()) {
      await store.scheduleSync(groupId, new Date(due), config.issues.refreshIntervalSeconds);
      return;
    }
    const installationId = await router.installationOf(group.repo, group.installationId);
    if (installationId === null) return;
    const octokit = await github.asInstallation(installationId);
    const [groups, ports] = await Promise.all([store.clock.clockGroups(group.repo), store.clock.waitingPorts(group.repo)]);
    const body = renderBoard(boardFigures(groups, now.toISOString(), BOARD_WINDOWS, ports));
    const number = await this.write(octokit, group.repo, state.issueNumber, body);
    await store.clock.markBoardRendered(group.repo, number, now, state.lastStageId, state.portChanges);
  }

  /** Edits the board issue, or opens it (again, if someone deleted it); returns its number. */
  private async write(octokit: Octokit, repo: string, known: number | null, body: string): Promise<number> {
    const number = known ?? (await this.find(octokit, repo));
    if (number !== null) {
      try {
        await octokit.rest.issues.update({ ...parseRepoName(repo), issue_number: number, body, state: "open" });
        return number;
      } catch (error) {
        if (!answered(error, 404) && !answered(error, 410)) throw error;
      }
    }
    const { data } = await octokit.rest.issues.create({ ...parseRepoName(repo), title: BOARD_TITLE, body });
    this.deps.log.info({ repo, issue: data.number }, "hotfix board opened");
    return data.number;
  }

  /** The board a lost store forgot, by its title and marker. */
  private async find(octokit: Octokit, repo: string): Promise<number | null> {
    const { data } = await octokit.rest.search.issuesAndPullRequests({ q: `repo:${repo} is:issue in:title "${BOARD_TITLE}"`, per_page: 10 });
    return data.items.find((i) => i.title === BOARD_TITLE && (i.body ?? "").includes(BOARD_MARKER))?.number ?? null;
  }
}
