import { z } from "zod";
import { ApiClient } from "./http.js";
import { sumFor, versionsBefore, type CountQuery, type CrashCountSource, type CrashCounts, type SourceOptions } from "./query.js";

/**
 * Bugsnag Data Access API (X-Version: 2): occurrences are the error's events filtered by
 * app.version, counted from the X-Total-Count header of a one-item page; exposure is the
 * releases' total_sessions_count, or (without session tracking) the project's events of
 * those versions.
 */

const Events = z.array(z.object({ id: z.string() }));
const Releases = z.array(z.object({ app_version: z.string(), total_sessions_count: z.number().nullable() }));

export interface BugsnagOptions extends SourceOptions {
  token: string;
  /** Default https://api.bugsnag.com */
  baseUrl?: string;
}

/**
 * `filters[app.version][][type]=eq&filters[app.version][][value]=…` once per version, in that
 * order: Bugsnag reads the pairs Rails-style, so type and value must alternate (OR of versions).
 */
function versionFilter(versions: string[]): string {
  const params = new URLSearchParams();
  for (const version of versions) {
    params.append("filters[app.version][][type]", "eq");
    params.append("filters[app.version][][value]", version);
  }
  return params.toString();
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
  async function eventCount(path: string, versions: string[]): Promise<number> {
    if (versions.length === 0) return 0;
    const { headers } = await api.get(`${path}?${versionFilter(versions)}`, Events, { per_page: "1" });
    const total = Number(headers.get("x-total-count"));
    if (headers.get("x-total-count") === null || !Number.isInteger(total) || total < 0) {
      throw new Error(`Bugsnag API: GET ${path} sent no usable X-Total-Count header, so the events cannot be counted`);
    }
    return total;
  }

  return {
    provider: "bugsnag",
    async count(query: CountQuery): Promise<CrashCounts> {
      if (!query.project || !query.reporterGroupId) {
        throw new Error(
          `Bugsnag: the hotfix issue for signature ${query.signature} lacks the Bugsnag ${query.project ? "error id (reporterGroupId)" : "project id (project)"} in its marker`,
        );
      }
      const project = `projects/${encodeURIComponent(query.project)}`;
      const errorEvents = `${project}/errors/${encodeURIComponent(query.reporterGroupId)}/events`;
      const releases = await api.getAll(`${project}/releases`, Releases, { per_page: "100" });
      // The App's marker knows the versions the crash was seen in; without them, every earlier release counts.
      const known = versionsBefore(query.knownVersions, query.version);
      const before = known.length > 0 ? known : versionsBefore(releases.map((r) => r.app_version), query.version);
      const sessions = (versions: string[]) => sumFor(releases, versions, (r) => r.app_version, (r) => r.total_sessions_count ?? 0);
      const useSessions = query.exposure === "sessions" && sessions([...before, query.version]) > 0;
      return {
        provider: "bugsnag",
        signature: query.signature,
        version: query.version,
        occurrences: await eventCount(errorEvents, [query.version]),
        exposure: useSessions ? sessions([query.version]) : await eventCount(`${project}/events`, [query.version]),
        exposureUnit: useSessions ? "sessions" : "events",
        before: {
          occurrences: await eventCount(errorEvents, before),
          exposure: useSessions ? sessions(before) : await eventCount(`${project}/events`, before),
          versions: before,
        },
      };
    },
  };
}
