import { hash } from "node:crypto";
import { type CrashReport, type Frame, isUnnamed } from "./crash.js";
import { type Family, familyOf, hasUrlOrigin, isAggregate, isLowQuality, ruleFile, ruleFunction, ruleModule } from "./frame-rules.js";
import { remembered } from "./remembered.js";

/**
 * The signature groups occurrences of one crash across releases: the same bug seen in
 * 1.4.1 and 1.4.2 (shifted lines, another deploy path, a new bundle hash, other
 * addresses) gets the same key, so a repeat updates one hotfix issue instead of opening
 * another. It hashes the exception types of the chain and their top frames' file and
 * function (native frames without a symbol: image and offset from the image's base), all
 * stripped of everything that changes from build to build.
 *
 * The signature is a key stored in users' issues: changing how it is computed is a
 * migration. Each way of computing it has a version; the current one names new issues,
 * and the earlier ones are kept as aliases, so an issue opened under an earlier version is
 * still found for the same crash instead of duplicated. The golden tables of
 * test/core/signature.test.ts, test/providers/corpus.test.ts and corpus-rules.test.ts pin
 * every fixture under every version and catch an accidental change.
 *
 * Version 3 reads each frame through the crash reporter's published grouping rules
 * (core/frame-rules.ts, docs/signature.md), so a crash Sentry calls one issue is one here.
 */

/** Frames nearest the crash that take part in the key; deeper callers vary with call paths. */
const SIGNATURE_FRAMES = 5;
/** Frames looked at for those keys at most: a stack overflow repeats one frame thousands of times. */
const FRAMES_LOOKED_AT = 200;
/** Exceptions of a chain that take part (v2): the crash and its nearest causes. */
const SIGNATURE_CHAIN = 5;

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
const PACKAGE_ROOTS =
  /^.*\/(?:node_modules|site-packages|dist-packages|vendor\/bundle\/ruby\/[^/]+\/gems|\.cargo\/registry\/src\/[^/]+|\.cargo\/git\/checkouts)\//;
/** A path segment that names a release, a build or a deploy rather than the code. */
const VOLATILE_SEGMENT =
  /^(?:v?\d+(?:[._-]\d+)*(?:[-+][\w.]+)?|[0-9a-f]{7,40}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{8,}[\w-]*|[\w.-]*-\d+(?:\.\d+)+)$/i;
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

/** Longest string the shared memories below keep: `once` keeps longer ones for one computation. */
const LONGEST_REMEMBERED = 2_000;

/** A bundler's output file: its identifiers are renamed by the minifier at every build. */
const isMinifiedBundle = remembered(
  (file: string): boolean => {
    const name =
      file
        .replace(/[?#].*$/, "")
        .split(/[\\/]/)
        .pop() ?? "";
    return /\.min\./i.test(name) || (/\.m?js$/i.test(name) && stripFileNameHashes(name) !== name);
  },
  1_000,
  LONGEST_REMEMBERED,
);

// Frames of one app repeat across its alerts: their normalised parts are remembered.
const cleanPathOf = remembered(cleanPath, 1_000, LONGEST_REMEMBERED);
const pathKeyOf = remembered(pathKey, 1_000, LONGEST_REMEMBERED);
const functionKeyOf = remembered(normalizeFunction, 1_000, LONGEST_REMEMBERED);

interface FrameKey {
  key: string;
  /** The function name was a minifier's, so the key says little beyond the file. */
  weak: boolean;
}

function imageName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1).toLowerCase();
}

/** Normalisers for one signature computation. */
interface KeyMakers {
  functionKey: (name: string) => string;
  pathKey: (path: string) => string;
  minified: (file: string) => boolean;
  /** Version 3: a function under its family's rules. */
  ruleFunction: (family: Family, name: string) => string;
}

/** A function's name under each family's rules, remembered per family (frames of one app repeat across alerts). */
const ruleFunctionMemos = new Map<Family, (name: string) => string>();
function ruleFunctionOf(family: Family, name: string): string {
  let memo = ruleFunctionMemos.get(family);
  if (!memo) ruleFunctionMemos.set(family, (memo = remembered((n: string) => ruleFunction(n, family), 1_000, LONGEST_REMEMBERED)));
  return name.length > LONGEST_REMEMBERED ? ruleFunction(name, family) : memo(name);
}

/**
 * `shared` for one computation: a string its memory keeps is asked of it; a longer one, which
 * it does not keep, is kept for the computation's lifetime, as recursion repeats it in one stack.
 */
function once<T>(shared: (text: string) => T): (text: string) => T {
  let long: Map<string, T> | undefined;
  return (text) => {
    if (text.length <= LONGEST_REMEMBERED) return shared(text);
    long ??= new Map();
    let out = long.get(text);
    if (out === undefined) long.set(text, (out = shared(text)));
    return out;
  };
}

/** Version 2 reads a frame otherwise than version 1 only where it added something: native images, names other than `function`. */
function keyedAlikeInV1(frame: Frame): boolean {
  return !frame.package && !isUnnamed(frame.function);
}

/** A native frame's name: its function, else what the reporter knew of it (v2 on). */
function nativeName(frame: Frame): string | undefined {
  return isUnnamed(frame.function) ? [frame.raw_function?.trim(), frame.symbol].find((n) => !isUnnamed(n)) : frame.function;
}

/** `cleaned`: the frame's cleaned path. `native`: version 2's reading of native frames applies (version 1 knew nothing of them). */
function frameKey(
  frame: Frame,
  cleaned: string,
  root: string,
  native: boolean,
  { functionKey, pathKey, minified: isMinified }: KeyMakers,
): FrameKey | null {
  const file = pathKey(root && cleaned.startsWith(root) ? cleaned.slice(root.length) : cleaned);
  // JVM frames name only a file ("SourceFile" once obfuscated); their class is in the module.
  const module = frame.module && !file.includes("/") ? functionKey(frame.module) : "";
  let where = module && file ? `${module}:${file}` : module || file;
  let name = frame.function;
  if (native) {
    name = nativeName(frame);
    const image = frame.package ? imageName(frame.package) : "";
    // Unsymbolicated native code: the image and the offset into it name the instruction on every device.
    if (!name && !where && image && frame.image_offset) return { key: `${image}+${frame.image_offset.toLowerCase()}`, weak: false };
    if (!where && image) where = image;
  }
  let fn = name ? functionKey(name) : "";
  const minified = frame.file !== undefined && isMinified(frame.file);
  if (minified) fn = fn.replace(/(?<![\w$])[\w$]{1,2}(?![\w$])/g, "?");
  if (!where && !fn) return null;
  return { key: `${where}|${fn}`, weak: minified && !/[\w$]{3}/.test(fn) };
}

/**
 * Version 3's key of a frame: version 2's, read through Sentry's rules for the frame's family
 * (core/frame-rules.ts); null for a frame those rules leave out.
 */
function ruledFrameKey(frame: Frame, cleaned: string, root: string, family: Family, makers: KeyMakers): FrameKey | null {
  if (isLowQuality(frame, family)) return null;
  const minified = frame.file !== undefined && makers.minified(frame.file);
  // A web page's frame is grouped by its function, as the path differs between hosts (Sentry); a bundle's names are the minifier's.
  const byFunction = family === "javascript" && !minified && hasUrlOrigin(frame.abs_path ?? frame.file);
  const ruled: Frame = { ...frame };
  const name = family === "native" ? nativeName(frame) : frame.function;
  if (name !== undefined) ruled.function = makers.ruleFunction(family, name) || undefined;
  if (family === "native") {
    delete ruled.raw_function;
    delete ruled.symbol;
  }
  if (frame.module !== undefined) ruled.module = ruleModule(frame.module, family) || undefined;
  if (byFunction) {
    if (!ruled.function) return null;
    const key = frameKey({ function: ruled.function, in_app: frame.in_app }, "", "", false, makers);
    // A one- or two-letter name on a page is a minifier's whose bundle name carries no hash: it tells little.
    return key && ruled.function.length <= 2 ? { key: key.key, weak: true } : key;
  }
  const key = frameKey(ruled, family === "jvm" ? ruleFile(cleaned, family) : cleaned, root, family === "native" || !keyedAlikeInV1(frame), makers);
  // A frame that names only its file (old browser SDKs sent file and line) tells crashes apart no better than a minified one.
  return key && key.key.endsWith("|") ? { key: key.key, weak: true } : key;
}

/**
 * The frames the key is made of: in-app frames when there are any, nearest the crash first,
 * recursion collapsed; `alikeInV1` when version 1 makes the same keys of them.
 */
function signatureFrames(frames: Frame[], version: number, platform: string | undefined): { keys: FrameKey[]; alikeInV1: boolean } {
  const inApp = frames.filter((f) => f.in_app);
  // In-app files are cleaned once, for the root and for their keys; a stack names few distinct files.
  const clean = once(cleanPathOf);
  const cleaned = inApp.map((f) => (f.file ? clean(f.file) : ""));
  const root = projectRoot([...new Set(cleaned.filter((_, i) => inApp[i]?.file))]);
  const chosen = inApp.length > 0 ? inApp : frames;
  const keys: FrameKey[] = [];
  // Strings too long for the shared memory repeat within one stack (recursion): each is normalised once per call.
  const makers: KeyMakers = {
    functionKey: once(functionKeyOf),
    pathKey: once(pathKeyOf),
    minified: once(isMinifiedBundle),
    ruleFunction: ruleFunctionOf,
  };
  const last = Math.max(0, chosen.length - FRAMES_LOOKED_AT);
  let alikeInV1 = true;
  for (let i = chosen.length - 1; i >= last && keys.length < SIGNATURE_FRAMES; i--) {
    const frame = chosen[i];
    if (!frame) continue;
    const path = inApp.length > 0 ? (cleaned[i] ?? "") : frame.file ? clean(frame.file) : "";
    let key: FrameKey | null;
    if (version >= 3) key = ruledFrameKey(frame, path, root, familyOf(platform, frame), makers);
    else {
      const native = version >= 2 && !keyedAlikeInV1(frame);
      if (native) alikeInV1 = false;
      key = frameKey(frame, path, root, native, makers);
    }
    if (key !== null && key.key !== keys[keys.length - 1]?.key) keys.push(key);
  }
  return { keys, alikeInV1 };
}

/**
 * One exception's part of the key: its type, its frames, and its message when the frames
 * say too little; `alikeInV1` when version 1 makes the same material.
 */
function exceptionMaterial(exception: Exception, version: number, platform?: string): { material: string; alikeInV1: boolean } {
  const { keys, alikeInV1 } = signatureFrames(exception.frames, version, platform);
  let material = `type\n${functionKeyOf(exception.type)}`;
  if (keys.length > 0) material += `\nframes\n${keys.map((f) => f.key).join("\n")}`;
  // Without a stack, or with only minified names in it, the message is what tells crashes apart.
  if (keys.every((f) => f.weak)) material += `\nmessage\n${normalizeMessage(exception.message)}`;
  return { material, alikeInV1 };
}

interface Exception {
  type: string;
  message: string;
  frames: Frame[];
}

const digest = (material: string): string => hash("sha256", material, "hex").slice(0, 16);

/** The crash and its causes, crash first, as far as the signature reads them. */
function chainOf(report: CrashReport): Exception[] {
  return [{ type: report.exception.type, message: report.exception.message, frames: report.frames }, ...report.causes].slice(0, SIGNATURE_CHAIN);
}

/**
 * Version 1: the crashing exception's type and top frames only. A wrapper exception
 * without frames reduced to type + message, and native frames without symbols counted for
 * nothing: kept only to find issues opened under it.
 */
function signatureV1(report: CrashReport): string {
  const memo = memoOf(report);
  if (memo.v1 === undefined) {
    if (memo.v2 === undefined) signatureV2(report);
    memo.v1 = digest(memo.v1Material ?? exceptionMaterial(chainOf(report)[0]!, 1).material);
  }
  return memo.v1;
}

/**
 * Version 2: the whole chain, crash first, each exception with its own frames, the way
 * Sentry's grouping reads chained exceptions; unsymbolicated native frames by image + offset.
 * It keeps version 1's material of the crash when it is the same, for signatureV1.
 */
function signatureV2(report: CrashReport): string {
  const memo = memoOf(report);
  if (memo.v2 === undefined) {
    const materials = chainOf(report).map((e) => exceptionMaterial(e, 2));
    const crash = materials[0]!;
    memo.v2 = digest(`v2\n${materials.map((m) => m.material).join("\n---\n")}`);
    memo.v1Material = crash.alikeInV1 ? crash.material : undefined;
  }
  return memo.v2;
}

/**
 * Version 3: version 2 read through Sentry's grouping rules for each platform (core/frame-rules.ts):
 * names compilers, bundlers and browsers invent taken out, low-quality frames left out, an
 * aggregate exception read as what it holds. A crash these rules do not touch keeps its
 * version-2 key (same material, same digest), so only the crashes they regroup change key.
 */
function signatureV3(report: CrashReport): string {
  let chain = chainOf(report);
  if (isAggregate(report.exception.type) && report.causes.length > 0) chain = report.causes.slice(0, SIGNATURE_CHAIN);
  const materials = chain.map((e) => exceptionMaterial(e, 3, report.platform).material);
  return digest(`v2\n${materials.join("\n---\n")}`);
}

const VERSIONS: Record<number, (report: CrashReport) => string> = { 1: signatureV1, 2: signatureV2, 3: computeSignature };
const NEWEST_FIRST = Object.keys(VERSIONS)
  .map(Number)
  .sort((a, b) => b - a);

/** The version computeSignature produces; the marker of every new issue records it. */
export const SIGNATURE_VERSION = NEWEST_FIRST[0]!;

interface Memo {
  report: CrashReport;
  v3?: string;
  v2?: string;
  v1?: string;
  /** Version 1's material when it is the crash's own part of version 2's (no native frame among the keyed ones). */
  v1Material?: string;
}

/**
 * The last report's signatures. A caller computes the current one, then renders the issue,
 * whose marker needs the signature under every version: one entry, matched by identity (a
 * parsed report is never changed), computes each version once and holds one report.
 */
let last: Memo | undefined;

function memoOf(report: CrashReport): Memo {
  if (last?.report !== report) last = { report };
  return last;
}

/** Stable grouping key of the current version: 16 lowercase hex digits. */
export function computeSignature(report: CrashReport): string {
  const memo = memoOf(report);
  return (memo.v3 ??= signatureV3(report));
}

/** The report's signature under every version, newest first. */
export function signaturesByVersion(report: CrashReport): { version: number; signature: string }[] {
  return NEWEST_FIRST.map((version) => ({ version, signature: VERSIONS[version]!(report) }));
}

/** Signatures of earlier versions that differ from the current one: the keys an older issue of this crash may carry. */
export function signatureAliases(report: CrashReport): string[] {
  const current = computeSignature(report);
  return [...new Set(signaturesByVersion(report).map((s) => s.signature))].filter((s) => s !== current);
}
