import { z } from "zod";
import { ApiClient } from "./http.js";
import { sumFor, versionsBefore, type CountQuery, type CrashCountSource, type CrashCounts, type SourceOptions } from "./query.js";

/**
 * Reporters speaking our generic format have no API of their own: the App counted every
 * alert it stored. Occurrences are the signature's counts per version; exposure is all
 * crash reports of the repository in that version ("events"), the only usage signal the
 * App has.
 */

const VersionCount = z.object({ version: z.string(), count: z.number().int().nonnegative() });
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
  const api = new ApiClient({ name: "hotfix-loop App", baseUrl: options.appUrl, authorization: `Bearer ${options.token}`, fetch: options.fetch, sleep: options.sleep });
  const [owner, name] = options.repo.split("/");
  if (!owner || !name) throw new Error(`generic: repo must be "owner/name", got "${options.repo}"`);
  return {
    provider: "generic",
    async count(query: CountQuery): Promise<CrashCounts> {
      const path = `hotfix/api/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/signatures/${encodeURIComponent(query.signature)}`;
      const { body } = await api.get(path, SignatureCounts);
      const before = versionsBefore(
        body.versions.filter((v) => v.count > 0).map((v) => v.version),
        query.version,
      );
      const count = (entries: z.infer<typeof VersionCount>[], versions: string[]) => sumFor(entries, versions, (e) => e.version, (e) => e.count);
      return {
        provider: "generic",
        signature: query.signature,
        version: query.version,
        occurrences: count(body.versions, [query.version]),
        exposure: count(body.repoVersions, [query.version]),
        exposureUnit: "events",
        before: { occurrences: count(body.versions, before), exposure: count(body.repoVersions, before), versions: before },
      };
    },
  };
}
