import type { HotfixConfig } from "../core/config.js";
import { markerReporterGroups } from "../core/marker.js";
import { parseIssueMarker } from "../core/render.js";
import { reporterGroupKey, type ReporterGroup } from "../core/reporter-group.js";
import { signatureAliases } from "../core/signature.js";
import type { CrashGroup } from "../store/store.js";
import { parseRepoName } from "../github/repo-name.js";
import type { Octokit } from "./github.js";
import { ROLLUP_MARKER } from "./rollup.js";

/**
 * The repository's hotfix issues by the keys in their markers (signatures, reporter groups, the
 * roll-up's key): how an issue an earlier run opened is found again when the store was lost, or a
 * run died between creating the issue and recording it. One listing per repository and process
 * serves every new crash after it; a retry lists again, as its own issue may be the one that went
 * unrecorded.
 */

export interface IndexedIssue {
  number: number;
  state: string;
}

/** The roll-up issue's key (signatures are hex and reporter groups JSON, so it cannot clash). */
export const ROLLUP_KEY = "rollup";

/** A group's keys, in the order an alert is grouped: the reporter's groups first (the issue of one may carry another signature), then its signature and the same crash's signatures under earlier signature versions. */
export function markerKeys(group: CrashGroup, reporterGroups: ReporterGroup[]): string[] {
  return [...reporterGroups.map(reporterGroupKey), group.signature, ...signatureAliases(group.latest)];
}

export class IssueIndex {
  private readonly listings = new Map<string, Promise<Map<string, IndexedIssue>>>();

  /** The issue of the first of `keys` that has one (the reporter's groups first, then signatures and their aliases). */
  async find(octokit: Octokit, repo: string, keys: string[], config: HotfixConfig, retry: boolean): Promise<IndexedIssue | null> {
    let index = retry ? undefined : this.listings.get(repo);
    if (!index) {
      index = list(octokit, repo, config);
      this.listings.set(repo, index);
      index.catch(() => this.listings.delete(repo));
    }
    const known = await index;
    for (const key of keys) if (known.has(key)) return known.get(key)!;
    return null;
  }
}

async function list(octokit: Octokit, repo: string, config: HotfixConfig): Promise<Map<string, IndexedIssue>> {
  // Listing is consistent right after a create, unlike search, which lags behind writes.
  const label = config.issues.labels[0];
  const pages = octokit.paginate.iterator(octokit.rest.issues.listForRepo, {
    ...parseRepoName(repo),
    state: "all",
    per_page: 100,
    ...(label ? { labels: label } : {}),
  });
  const byKey = new Map<string, IndexedIssue>();
  for await (const { data } of pages) {
    for (const issue of data) {
      if (issue.pull_request) continue;
      const open = issue.state === "open";
      const marker = parseIssueMarker(issue.body ?? "");
      const keys = marker
        ? [marker.signature, ...markerReporterGroups(marker).map(reporterGroupKey)]
        : open && issue.body?.includes(ROLLUP_MARKER)
          ? [ROLLUP_KEY]
          : [];
      // Newest first: the first issue seen for a key is the one to keep.
      for (const key of keys) if (!byKey.has(key)) byKey.set(key, { number: issue.number, state: issue.state });
    }
  }
  return byKey;
}
