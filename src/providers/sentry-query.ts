import * as z from "zod";
import { ApiClient } from "./http.js";
import {
  CountQueryError,
  countsByRelease,
  groupsOf,
  inTurn,
  matchExposure,
  releasesBefore,
  sumByRelease,
  type CountQuery,
  type CrashCountSource,
  type CrashCounts,
  type Release,
  type SourceOptions,
} from "./query.js";

/**
 * Sentry: the project's releases (ordered as versions, or by first event for git-SHA names),
 * the issues' events per release from Discover (`issue.id:`, summed over every Sentry issue
 * attached to the hotfix issue), exposure from release health sessions or, without session
 * data, all error events of each release. Issues in several projects add up each project's
 * releases and exposure. Everything is counted over the 90 days Sentry's session API answers,
 * up to the report-lag cut-off.
 */

const Issue = z.object({ id: z.string(), project: z.object({ id: z.string(), slug: z.string() }) });
const Releases = z.array(z.object({ version: z.string(), dateCreated: z.string().nullish(), firstEvent: z.string().nullish() }));
const Sessions = z.object({
  groups: z.array(z.object({ by: z.object({ release: z.string().optional() }), totals: z.record(z.string(), z.number().nullable()) })),
});
const DiscoverRows = z.object({ data: z.array(z.object({ release: z.string().nullable(), "count()": z.number() })) });
const DiscoverTimes = z.object({
  data: z.array(z.object({ timestamp: z.iso.datetime({ offset: true }), received: z.iso.datetime({ offset: true }) })),
});

/** The issue update's answer: Sentry echoes what it changed. */
const IssueUpdate = z.object({ status: z.string() });

const PERIOD_DAYS = 90;
/** Recent events whose delay measures the report lag: the newest arrivals of the last week, one page. */
const LAG_PERIOD = "7d";
const LAG_EVENTS = "100";
/** Releases per sessions or Discover query: Sentry caps the groups one answer holds, so a long list is asked in parts. */
const RELEASES_PER_QUERY = 25;
const MAX_RELEASE_PAGES = 10;

export interface SentryOptions extends SourceOptions {
  token: string;
  org: string;
  /** Default https://sentry.io (self-hosted: your Sentry URL). */
  baseUrl?: string;
}

/** Sentry's search syntax for "release is one of". */
function releaseFilter(releases: string[]): string {
  return `release:[${releases.map((r) => JSON.stringify(r)).join(",")}]`;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function sentryCountSource(options: SentryOptions): CrashCountSource {
  const api = new ApiClient({
    name: "Sentry",
    baseUrl: `${(options.baseUrl ?? "https://sentry.io").replace(/\/+$/, "")}/api/0/`,
    authorization: `Bearer ${options.token}`,
    fetch: options.fetch,
    sleep: options.sleep,
  });
  const org = encodeURIComponent(options.org);

  /** statsPeriod, or start/end when counting stops at a cut-off. */
  const period = (until: Date | undefined): Record<string, string> =>
    until
      ? { start: new Date(until.getTime() - PERIOD_DAYS * 86_400_000).toISOString(), end: until.toISOString() }
      : { statsPeriod: `${PERIOD_DAYS}d` };

  /** Discover's count() per release for `query`, following its cursor pages. */
  async function countByRelease(projectId: string, query: string, until: Date | undefined): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    // Discover answers from the dataset named (Sentry's API description requires one); crashes are error events.
    let page = await api.get(`organizations/${org}/events/`, DiscoverRows, {
      dataset: "errors",
      field: ["release", "count()"],
      project: projectId,
      query,
      ...period(until),
      per_page: "100",
    });
    for (let n = 1; ; n++) {
      for (const row of page.body.data) if (row.release !== null) counts.set(row.release, (counts.get(row.release) ?? 0) + row["count()"]);
      if (!page.next || n >= MAX_RELEASE_PAGES) break;
      page = await api.get(page.next, DiscoverRows);
    }
    return counts;
  }

  async function sessionsByRelease(projectId: string, releases: string[], until: Date | undefined): Promise<Map<string, number>> {
    const sessions = new Map<string, number>();
    for (const part of chunks(releases, RELEASES_PER_QUERY)) {
      const { body } = await api.get(`organizations/${org}/sessions/`, Sessions, {
        field: "sum(session)",
        groupBy: "release",
        project: projectId,
        query: releaseFilter(part),
        ...period(until),
        interval: "1d",
        per_page: String(RELEASES_PER_QUERY),
      });
      for (const g of body.groups) if (g.by.release !== undefined) sessions.set(g.by.release, g.totals["sum(session)"] ?? 0);
    }
    return sessions;
  }

  async function eventsByRelease(projectId: string, releases: string[], until: Date | undefined): Promise<Map<string, number>> {
    const events = new Map<string, number>();
    for (const part of chunks(releases, RELEASES_PER_QUERY)) {
      for (const [release, n] of await countByRelease(projectId, `event.type:error ${releaseFilter(part)}`, until)) events.set(release, n);
    }
    return events;
  }

  /** The Sentry issue ids attached to the hotfix issue; at least one, or the question cannot be asked. */
  function idsOf(query: CountQuery): string[] {
    const ids = groupsOf(query, "sentry").map((g) => g.id);
    if (ids.length === 0) {
      throw new CountQueryError(`Sentry: the hotfix issue for signature ${query.signature} names no Sentry issue id (reporterGroups in its marker)`);
    }
    return ids;
  }
  const issueOf = async (id: string) => (await api.get(`organizations/${org}/issues/${encodeURIComponent(id)}/`, Issue)).body;

  return {
    provider: "sentry",
    async reportTimes(query: CountQuery) {
      // How late reports arrive is a property of the project: the first attached issue's project answers it.
      const issue = await issueOf(idsOf(query)[0]!);
      // Newest arrivals, not newest occurrences: sorting by occurrence would favour reports that came fast.
      const { body } = await api.get(`organizations/${org}/events/`, DiscoverTimes, {
        field: ["timestamp", "received"],
        dataset: "errors",
        project: issue.project.id,
        sort: "-received",
        statsPeriod: LAG_PERIOD,
        per_page: LAG_EVENTS,
      });
      return {
        project: issue.project.slug,
        times: body.data.map((row) => ({ occurredAt: new Date(row.timestamp), receivedAt: new Date(row.received) })),
      };
    },
    async resolveFixed(query: CountQuery) {
      const ids = idsOf(query);
      for (const id of ids) {
        // Resolved in the release that carries the fix: Sentry reopens it as a regression if it comes back in a later one.
        await api.send(
          "PUT",
          `organizations/${org}/issues/${encodeURIComponent(id)}/`,
          { status: "resolved", statusDetails: { inRelease: query.version } },
          IssueUpdate,
        );
      }
      return ids;
    },
    async count(query: CountQuery): Promise<CrashCounts> {
      const issues = await inTurn(idsOf(query), issueOf);
      const projects = [...new Set(issues.map((issue) => issue.project.id))];
      const releases: Release[] = (
        await inTurn(projects, (project) => api.getAll(`organizations/${org}/releases/`, Releases, { project, per_page: "100" }, MAX_RELEASE_PAGES))
      )
        .flat()
        .map((r) => ({ version: r.version, firstSeen: r.firstEvent ?? r.dateCreated ?? null }));
      const occurrences = sumByRelease(await inTurn(issues, (issue) => countByRelease(issue.project.id, `issue.id:${issue.id}`, query.until)));
      const crashed = new Set([...(query.seenIn ?? []), ...[...occurrences].filter(([, n]) => n > 0).map(([r]) => r)]);
      const before = releasesBefore("Sentry", releases, query.version, crashed, query.before);
      const all = [...before, query.version];
      const sessions =
        query.exposure === "sessions"
          ? sumByRelease(await inTurn(projects, (p) => sessionsByRelease(p, all, query.until)))
          : new Map<string, number>();
      const matched = matchExposure({
        preferred: query.exposure,
        version: query.version,
        before,
        sessions: (r) => sessions.get(r) ?? 0,
        occurrences: (r) => occurrences.get(r) ?? 0,
      });
      const exposure = matched.unit === "sessions" ? sessions : sumByRelease(await inTurn(projects, (p) => eventsByRelease(p, all, query.until)));
      const { signature, version } = query;
      return countsByRelease({
        provider: "sentry",
        signature,
        version,
        occurrences,
        exposure,
        unit: matched.unit,
        before: matched.before,
        notes: matched.notes,
      });
    },
  };
}
