import * as z from "zod";
import { ProviderName } from "./crash.js";
import { ReporterGroup, reporterGroup } from "./reporter-group.js";

/**
 * The hidden `<!-- hotfix-loop:<kind> {json} -->` comments the App and the Action leave in
 * issues and comments to find their own writing again: the crash marker at the end of a
 * hotfix issue, the verification marker of a verdict comment, the regression marker of a
 * reopen comment, the fast lane's port and deploy markers (core/fast-lane.ts). This is the only place one is written or read.
 */

export type MarkerKind = "crash" | "verification" | "regression" | "port" | "deploy";

const CLOSE = " -->";

const opening = (kind: MarkerKind) => `<!-- hotfix-loop:${kind} `;

/**
 * JSON whose `<`, `>` and `&` are \u escapes, so nothing inside can end the comment early, and
 * whose invisible characters (a reporter's version may carry one) are too, so the raw body holds
 * none while the value read back is exactly the one written.
 */
function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u061C\u200B-\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** The marker for `value`; its fields appear in the order of the object's keys. */
export function encodeMarker(kind: MarkerKind, value: Record<string, unknown>): string {
  return `${opening(kind)}${safeJson(value)}${CLOSE}`;
}

/**
 * The start of every marker of `kind` whose first fields are `leading` (in that order): a
 * sticky comment is found by it whatever its later fields say.
 */
export function markerPrefix(kind: MarkerKind, leading: Record<string, unknown>): string {
  return `${opening(kind)}${safeJson(leading).slice(0, -1)},`;
}

/**
 * Reads a marker of `kind` back, checked with `schema`; null when there is none or it does
 * not parse. `which` says whether the first or the last in the text counts.
 */
export function decodeMarker<S extends z.ZodType>(kind: MarkerKind, text: string, schema: S, which: "first" | "last"): z.infer<S> | null {
  const open = opening(kind);
  const start = which === "last" ? text.lastIndexOf(open) : text.indexOf(open);
  if (start < 0) return null;
  const end = text.indexOf(CLOSE, start + open.length);
  if (end < 0) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(text.slice(start + open.length, end)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export const IssueMarker = z.object({
  v: z.literal(1),
  signature: z.string().min(1),
  /** How the signature was computed (core/signature.ts SIGNATURE_VERSION); absent on issues opened before versions. */
  sv: z.number().int().positive().optional(),
  /** The same crash's signatures under other versions, so an issue is found whichever version looks for it. */
  aliases: z.array(z.string().min(1)).optional(),
  provider: ProviderName,
  project: z.string().optional(),
  /** Repository paths of the in-app frames, crashing frame first. */
  frames: z.array(z.string()),
  versions: z.array(z.string()),
  release: z.string().optional(),
  /** The latest alert's reporter group id; the only one an issue written before `reporterGroups` names. */
  reporterGroupId: z.string().optional(),
  /** Every reporter group attached to the issue, first attached first (docs/grouping.md). */
  reporterGroups: z.array(ReporterGroup).optional(),
});
export type IssueMarker = z.infer<typeof IssueMarker>;

/** The reporter groups an issue's marker names, also when an earlier version wrote it (one id, of its provider and project). */
export function markerReporterGroups(marker: IssueMarker): ReporterGroup[] {
  if (marker.reporterGroups) return marker.reporterGroups;
  return marker.reporterGroupId ? [reporterGroup(marker.provider, marker.project, marker.reporterGroupId)] : [];
}

/** The hidden comment that ends every hotfix issue body; parseIssueMarker reads it back. */
export function issueMarker(marker: IssueMarker): string {
  return encodeMarker("crash", marker);
}

/** Reads the marker the App writes at the end of every hotfix issue; the last one wins, as ours is always last. */
export function parseIssueMarker(body: string): IssueMarker | null {
  return decodeMarker("crash", body, IssueMarker, "last");
}
