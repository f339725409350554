import semver from "semver";

/**
 * Ordering of app versions as crash reporters send them: semver ("1.4.2", "v2.0.0-beta.1"),
 * build-suffixed ("1.4.2+305", "1.4.2 (305)"), Sentry releases ("my-app@1.4.2+305") and
 * plain build numbers ("305", "2024.05.1"). The `semver` package compares; this file only
 * adapts reporters' spellings to it. A name that is not a version (a git SHA, "octocat")
 * is never newer or older than another by its text: callers order those by date instead.
 */

interface Parsed {
  version: semver.SemVer;
  /** Numeric build metadata ("+305", " (305)"): semver ignores it, app stores order builds by it. */
  build: number[];
}

const cache = new Map<string, Parsed | null>();

function parse(text: string): Parsed | null {
  const known = cache.get(text);
  if (known !== undefined) return known;
  // Sentry releases are often "package@version": compare the version part.
  const at = text.lastIndexOf("@");
  let v = (at > 0 ? text.slice(at + 1) : text).trim().replace(/^v(?=\d)/i, "");
  // "1.4.2 (305)" and "1.4.2 305" are build-suffixed too.
  v = v.replace(/^(\S+)\s+\(?([\w.]+)\)?$/, "$1+$2");
  // Versions with fewer or more than three numbers ("2.3", "305", "1.2.3.4"): pad or fold into semver's three.
  const m = /^(\d+(?:\.\d+)*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.exec(v);
  let parsed: Parsed | null = null;
  if (m) {
    const nums = (m[1] ?? "").split(".").map(Number);
    const [major = 0, minor = 0, patch = 0, ...rest] = nums;
    const build = [...rest, ...((m[3] ?? "").match(/\d+/g) ?? []).map(Number)];
    const candidate = semver.parse(`${major}.${minor}.${patch}${m[2] ?? ""}`);
    if (candidate && nums.every(Number.isSafeInteger)) parsed = { version: candidate, build };
  }
  if (cache.size > 10_000) cache.clear();
  cache.set(text, parsed);
  return parsed;
}

/** True when the name reads as a version (so it can be ordered by its text). */
export function isVersion(name: string): boolean {
  return parse(name) !== null;
}

function compareBuilds(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/**
 * Negative when a is older than b, positive when newer, 0 when the same release or when
 * either is not a version (then neither is newer: a name like "octocat" never reopens a fix).
 */
export function compareVersions(a: string, b: string): number {
  const x = parse(a);
  const y = parse(b);
  if (x === null || y === null) return 0;
  return semver.compare(x.version, y.version) || compareBuilds(x.build, y.build);
}

/** True when `a` is a version strictly newer than the version `b`; never for a name that is not a version. */
export function isNewer(a: string, b: string): boolean {
  return isVersion(a) && isVersion(b) && compareVersions(a, b) > 0;
}

/** True when `a` is the release `b` itself, or a version at or after the version `b`. */
export function isSameOrNewer(a: string, b: string): boolean {
  return a === b || (isVersion(a) && isVersion(b) && compareVersions(a, b) >= 0);
}

/** The newest of the names that are versions; null when none is. */
export function newestVersion(versions: Iterable<string>): string | null {
  let best: string | null = null;
  for (const v of versions) if (isVersion(v) && (best === null || compareVersions(v, best) > 0)) best = v;
  return best;
}
