import * as z from "zod";
import { parseRepoName } from "../github/repo-name.js";
import { ApiClient } from "./http.js";
import {
  countsByRelease,
  releasesBefore,
  type CountNote,
  type CountQuery,
  type CrashCountSource,
  type CrashCounts,
  type SourceOptions,
} from "./query.js";

/**
 * Reporters speaking our generic format have no API of their own: the App counted every
 * alert it stored. Occurrences are the signature's counts per version; exposure is all
 * crash reports of the repository in that version ("events"), the only usage signal the
 * App has. The App keeps totals, so the report-lag cut-off cannot be applied (the verdict
 * says so).
 */

const VersionCount = z.object({ version: z.string(), count: z.number().int().nonnegative(), firstSeen: z.string().nullish() });
const SignatureCounts = z.object({
  signature: z.string(),
  versions: z.array(VersionCount),
  repoVersions: z.array(VersionCount),
});

export interface GenericOptions extends SourceOptions {
  /** HOTFIX_API_TOKEN */
  token: string;
  /** Where the App runs, e.g. https://hotfix.example.com */
  appUrl: string;
  /** "owner/name" of the repository the hotfix issue lives in. */
  repo: string;
}

export function genericCountSource(options: GenericOptions): CrashCountSource {
  const api = new ApiClient({
    name: "hotfix-loop App",
    baseUrl: options.appUrl,
    authorization: `Bearer ${options.token}`,
    fetch: options.fetch,
    sleep: options.sleep,
  });
  const { owner, repo: name } = parseRepoName(options.repo, "generic: repo");
  return {
    provider: "generic",
    async count(query: CountQuery): Promise<CrashCounts> {
      const path = `hotfix/api/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/signatures/${encodeURIComponent(query.signature)}`;
      const { body } = await api.get(path, SignatureCounts);
      const toMap = (entries: z.infer<typeof VersionCount>[]) => new Map(entries.map((e) => [e.version, e.count]));
      const occurrences = toMap(body.versions);
      const exposure = toMap(body.repoVersions);
      const releases = body.repoVersions.map((v) => ({ version: v.version, firstSeen: v.firstSeen ?? null }));
      const crashed = new Set([...(query.seenIn ?? []), ...body.versions.filter((v) => v.count > 0).map((v) => v.version)]);
      const before = releasesBefore("The hotfix-loop App", releases, query.version, crashed, query.before);
      const notes: CountNote[] = query.until ? [{ kind: "no-cutoff" }] : [];
      return countsByRelease({
        provider: "generic",
        signature: query.signature,
        version: query.version,
        occurrences,
        exposure,
        unit: "events",
        before,
        notes,
      });
    },
  };
}
