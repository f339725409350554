/**
 * Ordering of app versions as crash reporters send them: semver ("1.4.2", "v2.0.0-beta.1"),
 * build-suffixed ("1.4.2+305", "1.4.2 (305)"), Sentry releases ("my-app@1.4.2+305") and
 * plain build numbers. Unknown shapes fall back to comparing numeric runs, then text.
 */

function strip(version: string): string {
  // Sentry releases are often "package@version": compare the version part.
  const at = version.lastIndexOf("@");
  return (at > 0 ? version.slice(at + 1) : version).trim().replace(/^v(?=\d)/i, "");
}

function split(version: string): { core: number[]; pre: string | null; build: number[] } {
  const v = strip(version);
  const buildMatch = /(?:\+|\s\(|\s)([\w.]+)\)?$/.exec(v);
  const withoutBuild = buildMatch ? v.slice(0, buildMatch.index) : v;
  const dash = withoutBuild.indexOf("-");
  const corePart = dash >= 0 ? withoutBuild.slice(0, dash) : withoutBuild;
  const pre = dash >= 0 ? withoutBuild.slice(dash + 1) : null;
  const nums = (s: string) => (s.match(/\d+/g) ?? []).map(Number);
  return { core: nums(corePart), pre, build: buildMatch ? nums(buildMatch[1] ?? "") : [] };
}

function compareNums(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

function comparePre(a: string, b: string): number {
  const pa = a.split(".");
  const pb = b.split(".");
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) {
      if (nx !== ny) return Math.sign(nx - ny);
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

/** Negative when a is older than b, positive when newer, 0 when the same release. */
export function compareVersions(a: string, b: string): number {
  const x = split(a);
  const y = split(b);
  if (x.core.length === 0 || y.core.length === 0) {
    const sa = strip(a);
    const sb = strip(b);
    return sa === sb ? 0 : sa < sb ? -1 : 1;
  }
  const core = compareNums(x.core, y.core);
  if (core !== 0) return core;
  // A pre-release comes before its release (semver).
  if (x.pre !== null && y.pre === null) return -1;
  if (x.pre === null && y.pre !== null) return 1;
  if (x.pre !== null && y.pre !== null) {
    const pre = comparePre(x.pre, y.pre);
    if (pre !== 0) return pre;
  }
  return compareNums(x.build, y.build);
}

export function isAtLeast(version: string, floor: string): boolean {
  return compareVersions(version, floor) >= 0;
}

export function newestVersion(versions: Iterable<string>): string | null {
  let best: string | null = null;
  for (const v of versions) if (best === null || compareVersions(v, best) > 0) best = v;
  return best;
}
