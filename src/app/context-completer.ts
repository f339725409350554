import { LRUCache } from "lru-cache";
import type { Logger } from "probot";
import type { CrashReport, ProviderName } from "../core/crash.js";
import type { ReporterApi } from "../providers/alert.js";
import { providers } from "../providers/index.js";
import type { CrashGroup } from "../store/store.js";

/**
 * The group's latest report with what its payload lacked (its `gaps`) fetched from the reporter's
 * API, once per event: a completed report is kept in memory, and a failed fetch leaves the report
 * as it came (the issue opens with what is known).
 */

/** Completed contexts kept in memory, so a reporter's API is asked once per event. */
const CONTEXT_CACHE_SIZE = 500;

export interface ContextCompleterDeps {
  /** The reporters' APIs a crash's context is completed from (SENTRY_AUTH_TOKEN, BUGSNAG_API_URL…). */
  reporterApis: Record<ProviderName, ReporterApi | null>;
  fetch?: typeof fetch;
  log: Logger;
}

export class ContextCompleter {
  private readonly contexts = new LRUCache<string, CrashReport>({ max: CONTEXT_CACHE_SIZE });

  constructor(private readonly deps: ContextCompleterDeps) {}

  async complete(group: CrashGroup): Promise<CrashReport> {
    const report = group.latest;
    if (report.gaps.length === 0) return report;
    const key = `${group.id}:${report.reporterEventId ?? group.lastSeen}`;
    const known = this.contexts.get(key);
    if (known) return known;
    let completed = report;
    try {
      completed = await providers[report.provider].completeContext(report, this.deps.reporterApis[report.provider], this.deps.fetch);
    } catch (error) {
      this.deps.log.warn({ err: error, repo: group.repo }, "context could not be completed");
    }
    this.contexts.set(key, completed);
    return completed;
  }
}
