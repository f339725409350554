import { z } from "zod";
import { ApiClient } from "./http.js";
import { sumFor, versionsBefore, type CountQuery, type CrashCountSource, type CrashCounts, type SourceOptions } from "./query.js";

/**
 * Sentry: occurrences per release from the issue's `release` tag values, exposure from
 * release health sessions, or (projects without session tracking) from the count of all
 * error events of each release in Discover. Session and event counts cover the last 90
 * days, the longest period Sentry's session API answers.
 */

const Issue = z.object({ id: z.string(), project: z.object({ id: z.string(), slug: z.string() }) });
const TagValues = z.array(z.object({ value: z.string().nullable(), count: z.number() }));
const Sessions = z.object({
  groups: z.array(z.object({ by: z.object({ release: z.string().optional() }), totals: z.record(z.string(), z.number().nullable()) })),
});
const DiscoverRows = z.object({ data: z.array(z.object({ release: z.string().nullable(), "count()": z.number() })) });

const PERIOD = "90d";

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

export function sentryCountSource(options: SentryOptions): CrashCountSource {
  const api = new ApiClient({
    name: "Sentry",
    baseUrl: `${(options.baseUrl ?? "https://sentry.io").replace(/\/+$/, "")}/api/0/`,
    authorization: `Bearer ${options.token}`,
    fetch: options.fetch,
    sleep: options.sleep,
  });
  const org = encodeURIComponent(options.org);

  async function exposureOf(projectId: string, releases: string[], preferred: CountQuery["exposure"]) {
    if (preferred === "sessions") {
      const { body } = await api.get(`organizations/${org}/sessions/`, Sessions, {
        field: "sum(session)",
        groupBy: "release",
        project: projectId,
        query: releaseFilter(releases),
        statsPeriod: PERIOD,
        interval: "1d",
      });
      const perRelease = new Map(body.groups.map((g) => [g.by.release ?? "", g.totals["sum(session)"] ?? 0]));
      // A project without release health answers with no sessions at all: fall back to events.
      if ([...perRelease.values()].some((n) => n > 0)) return { unit: "sessions" as const, of: (r: string) => perRelease.get(r) ?? 0 };
    }
    const { body } = await api.get(`organizations/${org}/events/`, DiscoverRows, {
      field: ["release", "count()"],
      project: projectId,
      query: `event.type:error ${releaseFilter(releases)}`,
      statsPeriod: PERIOD,
      per_page: "100",
    });
    const perRelease = new Map(body.data.map((row) => [row.release ?? "", row["count()"]]));
    return { unit: "events" as const, of: (r: string) => perRelease.get(r) ?? 0 };
  }

  return {
    provider: "sentry",
    async count(query: CountQuery): Promise<CrashCounts> {
      if (!query.reporterGroupId) {
        throw new Error(`Sentry: the hotfix issue for signature ${query.signature} has no Sentry issue id (reporterGroupId in its marker)`);
      }
      const issueId = encodeURIComponent(query.reporterGroupId);
      const { body: issue } = await api.get(`organizations/${org}/issues/${issueId}/`, Issue);
      const tagValues = (await api.getAll(`organizations/${org}/issues/${issueId}/tags/release/values/`, TagValues, { sort: "-count" })).flatMap(
        (t) => (t.value === null ? [] : [{ release: t.value, count: t.count }]),
      );
      const before = versionsBefore(
        tagValues.map((t) => t.release),
        query.version,
      );
      const exposure = await exposureOf(issue.project.id, [...before, query.version], query.exposure);
      return {
        provider: "sentry",
        signature: query.signature,
        version: query.version,
        occurrences: sumFor(tagValues, [query.version], (t) => t.release, (t) => t.count),
        exposure: exposure.of(query.version),
        exposureUnit: exposure.unit,
        before: {
          occurrences: sumFor(tagValues, before, (t) => t.release, (t) => t.count),
          exposure: before.reduce((sum, r) => sum + exposure.of(r), 0),
          versions: before,
        },
      };
    },
  };
}
