import * as z from "zod";
import { ApiClient, ProviderApiError } from "./http.js";
import {
  CountQueryError,
  groupsOf,
  inTurn,
  matchExposure,
  releasesBefore,
  type CountQuery,
  type CrashCountSource,
  type CrashCounts,
  type Release,
  type SourceOptions,
} from "./query.js";

/**
 * Bugsnag Data Access API (X-Version: 2): occurrences are the errors' events filtered by
 * app.version (summed over every Bugsnag error attached to the hotfix issue), counted from the
 * X-Total-Count header of a one-item page; exposure is the releases' total_sessions_count, or
 * (without session tracking) the project's events of those versions, added up over the errors'
 * projects. Session totals cannot be cut off by time, so with sessions the report-lag
 * cut-off is not applied (and the verdict says so); events are cut off with `event.before`.
 */

const Events = z.array(z.object({ id: z.string() }));
/** Full reports carry the device's clock at the crash (`device.time`) beside Bugsnag's `received_at`. */
const TimedEvents = z.array(
  z.object({ received_at: z.iso.datetime({ offset: true }), device: z.object({ time: z.iso.datetime({ offset: true }).nullish() }).nullish() }),
);
const Releases = z.array(z.object({ app_version: z.string(), release_time: z.string().nullish(), total_sessions_count: z.number().nullable() }));

/** An error as the update answers it. */
const ErrorUpdate = z.object({ id: z.string() });

/** Recent events whose delay measures the report lag: one page of the newest. */
const LAG_EVENTS = "100";

/** Earlier releases asked one by one whether the crash occurred in them, when the marker does not say. */
const MAX_RELEASES_PROBED = 30;

export interface BugsnagOptions extends SourceOptions {
  token: string;
  /** Default https://api.bugsnag.com */
  baseUrl?: string;
}

/**
 * `filters[app.version][][type]=eq&filters[app.version][][value]=…` once per version, in that
 * order: Bugsnag reads the pairs Rails-style, so type and value must alternate (OR of versions).
 */
function versionFilter(versions: string[], until: Date | undefined): string {
  const params = new URLSearchParams();
  for (const version of versions) {
    params.append("filters[app.version][][type]", "eq");
    params.append("filters[app.version][][value]", version);
  }
  if (until) {
    params.append("filters[event.before][][type]", "eq");
    params.append("filters[event.before][][value]", until.toISOString());
  }
  return params.toString();
}

function projectOf(query: CountQuery): string {
  if (!query.project)
    throw new CountQueryError(`Bugsnag: the hotfix issue for signature ${query.signature} lacks the Bugsnag project id (project) in its marker`);
  return query.project;
}

export function bugsnagCountSource(options: BugsnagOptions): CrashCountSource {
  const api = new ApiClient({
    name: "Bugsnag",
    baseUrl: options.baseUrl ?? "https://api.bugsnag.com",
    authorization: `token ${options.token}`,
    headers: { "X-Version": "2" },
    fetch: options.fetch,
    sleep: options.sleep,
  });

  /** Events under `path` in any of `versions`, from X-Total-Count. */
  async function eventCount(path: string, versions: string[], until: Date | undefined): Promise<number> {
    if (versions.length === 0) return 0;
    const { headers } = await api.get(`${path}?${versionFilter(versions, until)}`, Events, { per_page: "1" });
    const total = Number(headers.get("x-total-count"));
    if (headers.get("x-total-count") === null || !Number.isInteger(total) || total < 0) {
      throw new ProviderApiError(`Bugsnag API: GET ${path} sent no usable X-Total-Count header, so the events cannot be counted`, 200);
    }
    return total;
  }

  return {
    provider: "bugsnag",
    async reportTimes(query: CountQuery) {
      const { body } = await api.get(`projects/${encodeURIComponent(projectOf(query))}/events`, TimedEvents, {
        full_reports: "true",
        per_page: LAG_EVENTS,
      });
      return {
        project: projectOf(query),
        times: body.flatMap((event) =>
          event.device?.time ? [{ occurredAt: new Date(event.device.time), receivedAt: new Date(event.received_at) }] : [],
        ),
      };
    },
    async resolveFixed(query: CountQuery) {
      // Every Bugsnag error attached to the hotfix issue, each in its own project.
      const groups = groupsOf(query, "bugsnag");
      for (const { project, id } of groups) {
        await api.send(
          "PATCH",
          `projects/${encodeURIComponent(project ?? projectOf(query))}/errors/${encodeURIComponent(id)}`,
          { operation: "fix" },
          ErrorUpdate,
        );
      }
      return groups.map((g) => g.id);
    },
    async count(query: CountQuery): Promise<CrashCounts> {
      const groups = groupsOf(query, "bugsnag");
      const missing = groups.length === 0 ? "error id" : groups.some((g) => !g.project) ? "project id" : null;
      if (missing) {
        throw new CountQueryError(
          `Bugsnag: the hotfix issue for signature ${query.signature} lacks the Bugsnag ${missing} in its marker (reporterGroups)`,
        );
      }
      const projectPath = (project: string | undefined) => `projects/${encodeURIComponent(project ?? "")}`;
      const errorPaths = groups.map((g) => `${projectPath(g.project)}/errors/${encodeURIComponent(g.id)}/events`);
      const projectPaths = [...new Set(groups.map((g) => projectPath(g.project)))];
      const eventPaths = projectPaths.map((project) => `${project}/events`);
      /** Events of the crash, or of the errors' projects, in any of `versions`. */
      const sum = async (paths: string[], versions: string[], until: Date | undefined) =>
        (await inTurn(paths, (path) => eventCount(path, versions, until))).reduce((total, n) => total + n, 0);
      const listed = (await inTurn(projectPaths, (project) => api.getAll(`${project}/releases`, Releases, { per_page: "100" }))).flat();
      const releases: Release[] = listed.map((r) => ({ version: r.app_version, firstSeen: r.release_time ?? null }));
      const sessionsOf = new Map<string, number>();
      for (const r of listed) sessionsOf.set(r.app_version, (sessionsOf.get(r.app_version) ?? 0) + (r.total_sessions_count ?? 0));

      // Where the crash started: the marker's versions, else each earlier release asked in turn (newest last).
      let crashed = new Set(query.seenIn ?? []);
      const candidates = releasesBefore("Bugsnag", releases, query.version, new Set(releases.map((r) => r.version)), query.before);
      if (!query.before?.length && ![...crashed].some((v) => candidates.includes(v))) {
        crashed = new Set();
        for (const version of candidates.slice(-MAX_RELEASES_PROBED)) if ((await sum(errorPaths, [version], query.until)) > 0) crashed.add(version);
      }
      const before = releasesBefore("Bugsnag", releases, query.version, crashed, query.before);
      const matched = matchExposure({
        preferred: query.exposure,
        version: query.version,
        before,
        sessions: (r) => sessionsOf.get(r) ?? 0,
        occurrences: (r) => (crashed.has(r) ? 1 : 0),
      });
      const useSessions = matched.unit === "sessions";
      // Lifetime session totals cannot be cut off: then crashes are not cut off either, so both cover the same time.
      const until = useSessions ? undefined : query.until;
      const sessions = (versions: string[]) => versions.reduce((total, v) => total + (sessionsOf.get(v) ?? 0), 0);
      return {
        provider: "bugsnag",
        signature: query.signature,
        version: query.version,
        occurrences: await sum(errorPaths, [query.version], until),
        exposure: useSessions ? sessions([query.version]) : await sum(eventPaths, [query.version], until),
        exposureUnit: matched.unit,
        before: {
          occurrences: await sum(errorPaths, matched.before, until),
          exposure: useSessions ? sessions(matched.before) : await sum(eventPaths, matched.before, until),
          versions: matched.before,
        },
        notes: [...matched.notes, ...(useSessions && query.until ? [{ kind: "no-cutoff" as const }] : [])],
      };
    },
  };
}
