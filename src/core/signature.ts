import { hash } from "node:crypto";
import type { CrashReport, Frame } from "./crash.js";
import { remembered } from "./scrub.js";

/**
 * The signature groups occurrences of one crash across releases: the same bug seen in
 * 1.4.1 and 1.4.2 (shifted lines, another deploy path, a new bundle hash, other
 * addresses) gets the same key, so a repeat updates one hotfix issue instead of opening
 * another. It hashes the exception type and the top frames' file and function, both
 * stripped of everything that changes from build to build.
 */

/** Frames nearest the crash that take part in the key; deeper callers vary with call paths. */
const SIGNATURE_FRAMES = 5;

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const ADDRESS = /\b0x[0-9a-f]+\b/gi;
const LONG_HEX = /\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi;
const NUMBER = /\d+(?:\.\d+)*/g;
const URL_ORIGIN = /\b[a-z][a-z0-9+.-]*:\/\/[^/\s'"]*/gi;

/**
 * Message text with its volatile parts replaced (ids, addresses, numbers, hosts), for
 * grouping crashes that carry no stack at all.
 */
export function normalizeMessage(message: string): string {
  return message
    .replace(UUID, "<uuid>")
    .replace(ADDRESS, "<addr>")
    .replace(LONG_HEX, "<hex>")
    .replace(URL_ORIGIN, "")
    .replace(NUMBER, "<n>")
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();
}

/** Folders that end a deployment prefix: what follows is the package's own path. */
const PACKAGE_ROOTS = /^.*\/(?:node_modules|site-packages|dist-packages|vendor\/bundle\/ruby\/[^/]+\/gems|\.cargo\/registry\/src\/[^/]+|\.cargo\/git\/checkouts)\//;
/** A path segment that names a release, a build or a deploy rather than the code. */
const VOLATILE_SEGMENT = /^(?:v?\d+(?:[._-]\d+)*(?:[-+][\w.]+)?|[0-9a-f]{7,40}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{8,}[\w-]*|[\w.-]*-\d+(?:\.\d+)+)$/i;
/** A dot/dash separated piece of a file name that is a content hash or a numeric chunk id. */
// Hex needs a digit ("facade" is a word); mixed pieces need a digit and a capital ("base64" is a name, "ABC123" a hash).
const HASH_PIECE = /^(?:\d+|(?=[a-f]*\d)[0-9a-f]{6,}|(?=[A-F]*\d)[0-9A-F]{6,}|(?=\w*\d)(?=\w*[A-Z])\w{6,})$/;

function stripFileNameHashes(name: string): string {
  // main.3f9a2c1b.js, chunk-ABC123.js, 2.8e3b1d0a.chunk.js, index-BkX2a9Zq.js, framework-eda4609282c049ac.js
  const pieces = name.split(/([.-])/);
  const kept: string[] = [];
  for (let i = 0; i < pieces.length; i += 2) {
    const piece = pieces[i] ?? "";
    const isExtension = i === pieces.length - 1 && i > 0;
    if (!isExtension && HASH_PIECE.test(piece)) continue;
    if (kept.length > 0) kept.push(pieces[i - 1] ?? ".");
    kept.push(piece);
  }
  const joined = kept.join("").replace(/^[.-]+/, "");
  return joined === "" ? name : joined;
}

/** The path alone: no scheme, origin, query, drive letter or backslashes. */
function cleanPath(file: string): string {
  return file
    .replace(/\\/g, "/")
    .replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, "")
    .replace(/[?#].*$/, "")
    .replace(/^~(?=\/)/, "")
    .replace(/^[a-z]:(?=\/)/i, "");
}

function pathKey(path: string): string {
  const segments = path
    .replace(PACKAGE_ROOTS, "")
    .split("/")
    // Package caches name folders "name@version" (Unity's PackageCache, pnpm, Deno).
    .map((s) => s.replace(/(?<=.)@[^/]*$/, ""))
    .filter((s) => s !== "" && s !== "." && s !== ".." && !VOLATILE_SEGMENT.test(s));
  const last = segments.length - 1;
  if (last >= 0) segments[last] = stripFileNameHashes(segments[last] ?? "");
  return segments.slice(-3).join("/").toLowerCase();
}

/**
 * The stable part of a frame's file: no scheme, origin, query, drive, home or deploy
 * prefix, no release folders, no bundle hashes; at most the last three segments, since
 * how deep the project sits differs from machine to machine.
 */
export function normalizePath(file: string): string {
  return pathKey(cleanPath(file));
}

/**
 * The folder every in-app file of one report lives under: the project's root on that
 * machine, wherever it was deployed. Paths below it are the same in every release.
 * `paths` are the frames' cleaned paths.
 */
function projectRoot(paths: string[]): string {
  let root: string | null = null;
  for (const path of paths) {
    const dir = path.slice(0, path.lastIndexOf("/") + 1);
    if (root === null) root = dir;
    // Files of one project mostly share its folder: the common prefix is only searched for when they do not.
    else if (!dir.startsWith(root)) {
      let i = 0;
      while (i < root.length && i < dir.length && root.charCodeAt(i) === dir.charCodeAt(i)) i++;
      root = root.slice(0, root.lastIndexOf("/", i - 1) + 1);
    }
    if (root === "") break;
  }
  return root ?? "";
}

/**
 * The stable part of a function name: no addresses or offsets, no Java/Kotlin lambda and
 * anonymous-class counters, no .NET compiler-generated counters or generic arguments, no
 * Rust symbol hashes, no C++ parameter lists.
 */
export function normalizeFunction(name: string): string {
  // Each rewrite runs only when its marker character is there: most names need none.
  let out = name;
  if (out.includes("+")) out = out.replace(/\s*\+\s*(?:0x[0-9a-f]+|\d+)\s*$/i, "");
  if (out.includes("::")) out = out.replace(/::h[0-9a-f]{16}$/, "").replace(/__rustc\[[0-9a-f]+\]::/g, "");
  if (out.includes("$")) {
    out = out
      .replace(/\$\$Lambda\$[^.\s]*/g, "$$$$Lambda")
      .replace(/\$lambda[-$]\d+/g, "$$lambda")
      .replace(/\$\d+/g, "$$");
  }
  if (out.includes("__")) out = out.replace(/(<[\w$]*>[a-z]__)\w*/g, "$1");
  if (out.includes("`")) out = out.replace(/`\d+(?:\[[^\]]*(?:\[[^\]]*\][^\]]*)*\])?/g, "");
  if (out.includes("[")) {
    // Unity/Mono player frames: "Reporter.Update () [0x0001a] in <5a7c3c2b...>:0".
    out = out.replace(/\s*\[0x[0-9a-f]+\]/gi, "").replace(/\[[0-9a-f]{6,}\]/gi, "");
  }
  if (out.includes("<")) out = out.replace(/\s*\(?\b(?:in|at)\s+<[0-9a-f]{16,}>(?::\d+)?\)?/gi, "");
  if (out.includes("0x")) out = out.replace(ADDRESS, "");
  // Parameter lists and generic arguments after the name: overloads and instantiations of one bug.
  if (out.includes("(")) out = out.replace(/\s*\((?!anonymous\b)[^()]*(?:\([^()]*\)[^()]*)*\)\s*(?:const)?\s*$/, "");
  return /\s/.test(out) ? out.replace(/\s+/g, " ").trim() : out;
}

/** A bundler's output file: its identifiers are renamed by the minifier at every build. */
const isMinifiedBundle = remembered((file: string): boolean => {
  const name = file.replace(/[?#].*$/, "").split(/[\\/]/).pop() ?? "";
  return /\.min\./i.test(name) || (/\.m?js$/i.test(name) && stripFileNameHashes(name) !== name);
});

// Frames of one app repeat across its alerts: their normalised parts are remembered.
const cleanPathOf = remembered(cleanPath);
const pathKeyOf = remembered(pathKey);
const functionKeyOf = remembered(normalizeFunction);

interface FrameKey {
  key: string;
  /** The function name was a minifier's, so the key says little beyond the file. */
  weak: boolean;
}

const cleanedFile = (frame: Frame): string => (frame.file ? cleanPathOf(frame.file) : "");

/** `cleaned`: the frame's cleanedFile. */
function frameKey(frame: Frame, cleaned: string, root: string): FrameKey | null {
  const file = pathKeyOf(root && cleaned.startsWith(root) ? cleaned.slice(root.length) : cleaned);
  // JVM frames name only a file ("SourceFile" once obfuscated); their class is in the module.
  const module = frame.module && !file.includes("/") ? functionKeyOf(frame.module) : "";
  const where = module && file ? `${module}:${file}` : module || file;
  let fn = frame.function ? functionKeyOf(frame.function) : "";
  const minified = frame.file !== undefined && isMinifiedBundle(frame.file);
  if (minified) fn = fn.replace(/(?<![\w$])[\w$]{1,2}(?![\w$])/g, "?");
  if (!where && !fn) return null;
  return { key: `${where}|${fn}`, weak: minified && !/[\w$]{3}/.test(fn) };
}

/** The frames the key is made of: in-app frames when there are any, nearest the crash first, recursion collapsed. */
function signatureFrames(frames: Frame[]): FrameKey[] {
  const inApp = frames.filter((f) => f.in_app);
  // In-app files are cleaned once, for the root and for their keys.
  const cleaned = inApp.map(cleanedFile);
  const root = projectRoot(cleaned.filter((_, i) => inApp[i]?.file));
  const chosen = inApp.length > 0 ? inApp : frames;
  const keys: FrameKey[] = [];
  for (let i = chosen.length - 1; i >= 0 && keys.length < SIGNATURE_FRAMES; i--) {
    const frame = chosen[i];
    const key = frame ? frameKey(frame, cleaned[i] ?? cleanedFile(frame), root) : null;
    if (key !== null && key.key !== keys[keys.length - 1]?.key) keys.push(key);
  }
  return keys;
}

/** Stable grouping key: 16 lowercase hex digits. */
export function computeSignature(report: CrashReport): string {
  const type = functionKeyOf(report.exception.type);
  const frames = signatureFrames(report.frames);
  let material = `type\n${type}`;
  if (frames.length > 0) material += `\nframes\n${frames.map((f) => f.key).join("\n")}`;
  // Without a stack, or with only minified names in it, the message is what tells crashes apart.
  if (frames.every((f) => f.weak)) material += `\nmessage\n${normalizeMessage(report.exception.message)}`;
  return hash("sha256", material, "hex").slice(0, 16);
}
