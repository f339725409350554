import { sameSecret } from "../providers/alert.js";
import type { GroupStore } from "../store/types.js";
import type { Reply } from "./ingest.js";
import { repoKey } from "./routing.js";

/**
 * Read-only occurrence counts per version for one signature, the generic verifier's source:
 * `GET /hotfix/api/repos/:owner/:repo/signatures/:signature` with `Authorization: Bearer $HOTFIX_API_TOKEN`.
 */

export async function countsReply(
  store: GroupStore,
  apiToken: string | undefined,
  authorization: string | undefined,
  fullName: string,
  signature: string,
): Promise<Reply> {
  if (!apiToken) return { status: 401, body: { error: "HOTFIX_API_TOKEN is not set on the App, so the counts API is closed" } };
  const given = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
  if (!given) return { status: 401, body: { error: 'Authorization: expected "Bearer <HOTFIX_API_TOKEN>"' } };
  if (!sameSecret(given, apiToken)) return { status: 401, body: { error: "Authorization: the bearer token is not HOTFIX_API_TOKEN" } };

  const repo = repoKey(fullName);
  const group = await store.findGroup(repo, signature);
  if (!group) return { status: 404, body: { error: `no crash with signature ${signature} in ${repo}` } };
  const [versions, repoVersions] = await Promise.all([store.versionCounts(repo, signature), store.repoVersionCounts(repo)]);
  return {
    status: 200,
    body: { repo, signature, issueNumber: group.issueNumber, state: group.state, fixedIn: group.fixedIn, versions, repoVersions },
  };
}
