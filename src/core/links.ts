import type { HotfixConfig } from "./config.js";
import type { Frame } from "./crash.js";
import { remembered } from "./remembered.js";
import { scrubText } from "./scrub.js";

/**
 * Where a frame's source lives in the repository, and the GitHub URL of that line at the
 * crashing version. A link is made only when every part of it is known and plain: a guess
 * would send the reader to the wrong code.
 */

export type Links = HotfixConfig["links"];

const REPO = /^[\w.-]+\/[\w.-]+$/;
const SAFE_REF = /^[\w./@+-]{1,200}$/;
/** Longest repository path kept in a link or the marker. */
const MAX_PATH = 200;
/** Longest frame file a repository path is made from (prefixes and virtual schemes included). */
const MAX_FILE = 1_000;

/** The version part of a release as git tags name it: no Sentry-style package ("app@"), no semver build metadata ("+305"). */
export function releaseTagVersion(release: string): string {
  const at = release.lastIndexOf("@");
  const version = at > 0 ? release.slice(at + 1) : release;
  const plus = version.indexOf("+");
  return plus > 0 ? version.slice(0, plus) : version;
}

/**
 * The git ref of the crashing version: the given ref, else the report's commit, else the
 * release through `links.tagTemplate`; null unless it is a plain ref name (nothing a
 * scrubber would touch, nothing Markdown could read).
 */
export function linkRef(ref: string | undefined, commit: string | undefined, release: string | undefined, links: Links): string | null {
  const chosen =
    ref ?? commit ?? (release ? links.tagTemplate.replace(/\{release\}/g, release).replace(/\{version\}/g, releaseTagVersion(release)) : undefined);
  return chosen !== undefined && SAFE_REF.test(chosen) && !chosen.includes("..") && scrubText(chosen) === chosen ? chosen : null;
}

const JVM_SOURCE = /\.(?:java|kt|kts|scala|groovy)$/;

/**
 * The repository path of an in-app frame's file, or null when it cannot be known: not the
 * project's code, an absolute path no `links.stripPrefixes` entry matches, a URL of a
 * deployed asset.
 */
export function repoPath(frame: Frame, links: Pick<Links, "stripPrefixes" | "root">): string | null {
  // A path longer than any link can hold names no file worth linking; it is not even looked at.
  if (!frame.in_app || !frame.file || frame.file.length > MAX_FILE) return null;
  // Each rewrite runs only when there is something for it to do: this runs for every in-app frame.
  let path = slashes(frame.file);
  let prefix: string | undefined;
  for (const p of links.stripPrefixes) {
    const candidate = slashes(p);
    if (candidate !== "" && path.startsWith(candidate)) {
      prefix = candidate;
      break;
    }
  }
  if (prefix !== undefined) {
    path = path.slice(prefix.length);
  } else {
    // Bundlers' and Sentry's virtual schemes name project-relative paths; real URLs and absolute paths do not.
    const virtual = /^(?:webpack(?:-internal)?|app|rewrite-frames):\/\/[^/]*/i.exec(path);
    if (virtual) path = path.slice(virtual[0].length).replace(/^\/(?:\([^)]*\)\/)?/, "");
    else if (/^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith("/") || path.startsWith("~")) return null;
  }
  if (path.includes("?") || path.includes("#")) path = path.replace(/[?#].*$/, "");
  if (path.startsWith(".")) path = path.replace(/^(?:\.{1,2}\/)+/, "");
  if (path.startsWith("/")) path = path.replace(/^\/+/, "");
  if (!path.includes("/") && JVM_SOURCE.test(path) && frame.module?.includes(".")) {
    // JVM frames name only the file; the package of the class gives its folders.
    const packagePath = frame.module.split(".").slice(0, -1).join("/");
    if (/^[\w/$]+$/.test(packagePath)) path = `${packagePath}/${path}`;
  }
  const root = links.root === "" ? "" : slashes(links.root).replace(/^\/+|\/+$/g, "");
  if (root) path = `${root}/${path}`;
  return isPlainPath(path) ? path : null;
}

/** A frame's repository path, unless the scrubber would change it: then it must not end up in a URL or the marker. */
function safeRepoPath(frame: Frame, links: Pick<Links, "stripPrefixes" | "root">): string | null {
  const path = repoPath(frame, links);
  return path && path.length <= MAX_PATH && scrubText(path) === path ? path : null;
}

/** In-app files' safe repository paths under one `[root, stripPrefixes]` (as JSON); few settings, each with its files. */
const pathsBySettings = remembered((settings) => {
  const [root, stripPrefixes] = JSON.parse(settings) as [string, string[]];
  return remembered((file) => safeRepoPath({ file, in_app: true }, { root, stripPrefixes }), 256, 300);
}, 8);

/**
 * safeRepoPath for the frames of one rendering. An app's frames name the same files in
 * every alert, so an in-app file's path is remembered per links settings; a frame with a
 * module is worked out each time, as its class can give the path's folders.
 */
export function safeRepoPaths(links: Links): (frame: Frame) => string | null {
  const ofFile = pathsBySettings(JSON.stringify([links.root, links.stripPrefixes]));
  return (frame) => (!frame.in_app || !frame.file ? null : !frame.module ? ofFile(frame.file) : safeRepoPath(frame, links));
}

function slashes(path: string): string {
  return path.includes("\\") ? path.replace(/\\/g, "/") : path;
}

/** No empty, `.` or `..` segment and no control character: a path that names one file of the repository. */
function isPlainPath(path: string): boolean {
  let segmentStart = 0;
  for (let i = 0; i <= path.length; i++) {
    const c = i < path.length ? path.charCodeAt(i) : 47;
    if (c < 32) return false;
    if (c !== 47) continue;
    const length = i - segmentStart;
    if (length === 0 || (length <= 2 && path.charCodeAt(segmentStart) === 46 && (length === 1 || path.charCodeAt(segmentStart + 1) === 46)))
      return false;
    segmentStart = i + 1;
  }
  return true;
}

/** A path with each segment percent-encoded, parentheses too, so it cannot end a Markdown link. */
const encodePath = remembered((path) =>
  path
    .split("/")
    .map((s) => encodeURIComponent(s).replace(/[()'!*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join("/"),
);

/** Where frame links point: a known repository at a known ref. */
export interface LinkTarget {
  ref: string;
  /** The URL of the ref's tree, to which a frame's encoded path is appended. */
  tree: string;
}

export function linkTarget(repo: string | undefined, ref: string | null): LinkTarget | null {
  return repo && REPO.test(repo) && ref ? { ref, tree: `https://github.com/${repo}/blob/${encodePath(ref)}/` } : null;
}

export function blobUrl(target: LinkTarget, path: string, line: number | undefined): string {
  return `${target.tree}${encodePath(path)}${line !== undefined && line > 0 ? `#L${line}` : ""}`;
}
