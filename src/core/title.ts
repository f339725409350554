import { type CrashReport, type Frame, crashingStack, isUnnamed } from "./crash.js";
import { demangle } from "./demangle.js";
import { dotnetTypes, familyOf, isLowQuality, trimNativeFunction } from "./frame-rules.js";
import { cap, clean, titleText } from "./markdown.js";

/**
 * The hotfix issue's title, the first and often only thing on-call reads: `Type: message in
 * crash site`, as Sentry titles an error (`Type: value`) and names its culprit. The crash site
 * is the top in-app frame's function (else the top frame's), demangled, with its class
 * shortened from the left when long, never cut so the function disappears. An unsymbolicated
 * native frame names its address in its binary (`0x1a2b in ShopApp`); a file is named only
 * when the payload has no function.
 */

/** GitHub refuses longer issue titles. */
export const TITLE_LIMIT = 256;
/** What the type, message and site aim to fit in, so the issue list shows the site; a long site may take the title past it. */
const READABLE = 120;
const TYPE_LIMIT = 60;
/** The crash site at most; longer qualified names lose classes and packages from the left. */
const SITE_LIMIT = 80;
const MESSAGE_ROOM_MIN = 10;

export function basename(file: string): string {
  const path = file.includes("?") || file.includes("#") ? file.replace(/[?#].*$/, "") : file;
  return path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
}

/** The text before the first line break (\n or \r\n; a lone \r does not end a line). */
export function firstLineOf(text: string): string {
  const end = text.indexOf("\n");
  if (end < 0) return text;
  return text.slice(0, end > 0 && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
}

/** The Mach-O header's symbol: what a stripped image's every address resolves to, so no name at all. */
const MACH_HEADER = "_mh_execute_header";

/** The name a frame is shown by: its function, else what native reporters know of it. */
export function frameName(frame: Frame): string | undefined {
  if (frame.function === MACH_HEADER && frame.instruction_addr) return undefined;
  if (!isUnnamed(frame.function)) return frame.function;
  const raw = frame.raw_function?.trim();
  if (!isUnnamed(raw)) return raw;
  return isUnnamed(frame.symbol) ? undefined : frame.symbol;
}

/** The frame the title names: the top in-app frame, else the top frame Sentry does not count as low quality, else the top one. */
export function crashSiteFrame(frames: Frame[], platform: string | undefined): Frame | undefined {
  for (let i = frames.length - 1; i >= 0; i--) if (frames[i]?.in_app) return frames[i];
  for (let i = frames.length - 1; i >= 0; i--) {
    const frame = frames[i];
    if (frame && !isLowQuality(frame, familyOf(platform, frame))) return frame;
  }
  return frames[frames.length - 1];
}

/** Files JVM builds name when they strip or obfuscate debug info: they say nothing. */
const NO_FILE = /^(?:SourceFile|Unknown Source|Native Method|<unknown>|\?+)$/i;

/** `com.shop.cart.CheckoutActivity$1` → `CheckoutActivity$1`: the class, without its package or namespace. */
function className(module: string): string {
  return module.slice(module.lastIndexOf(".") + 1);
}

/** A qualified name at most `max` long: leading namespaces and classes go first, the function stays whole. */
function shortenFromLeft(name: string, max: number): string {
  if (name.length <= max) return name;
  const separator = name.includes("::") ? "::" : ".";
  const parts = name.split(separator);
  while (parts.length > 1 && parts.join(separator).length > max) parts.shift();
  return cap(parts.join(separator), max);
}

/** The function as on-call names it: demangled, without parameters and return type, JVM packages left out, with its class. */
function siteName(name: string, frame: Frame, platform: string | undefined): string {
  const family = familyOf(platform, frame);
  let out = demangle(name) ?? name;
  if (family === "native") out = trimNativeFunction(out);
  // Parameters (.NET prints "Ns.Class.Method (Type arg)", Bugsnag "Method(Type arg)") say nothing of where.
  else if (out.includes("(")) out = out.replace(/\s*\((?!anonymous\b)[^()]*(?:\([^()]*\)[^()]*)*\)\s*$/, "") || out;
  if (family === "dotnet") out = dotnetTypes(out);
  if (family === "dotnet" && frame.module && !out.includes(".")) {
    // "Ns.Type+<>c__DisplayClass3_0+<<Run>g__Show|0>d" + MoveNext: the type, then the methods its nested state machines implement.
    const [outer = "", ...nested] = frame.module.split("+");
    const machines = nested.map(dotnetTypes).filter((n) => !n.startsWith("<>c"));
    const inMachine = machines.length < nested.length || machines.some((n, i) => n !== nested[i]);
    out = [className(outer), ...machines, ...(inMachine && out === "MoveNext" ? [] : [out])].join(".");
  }
  if (family !== "native" && family !== "javascript") {
    // Packages and namespaces (lower-case in Java, in Kotlin, often in .NET's own) are where the class lives, not what crashed.
    const parts = out.split(".");
    let first = 0;
    while (first < parts.length - 2 && /^[a-z_]/.test(parts[first] ?? "")) first++;
    out = parts.slice(first).join(".");
  }
  // JVM and .NET frames send the class apart from the method; a Python or Ruby module is no class.
  if ((family === "jvm" || family === "dotnet") && frame.module && !out.includes(".")) out = `${className(frame.module)}.${out}`;
  return out;
}

/** Where it crashed, for the title: a function, an address in a binary, else a file. */
function crashSite(report: CrashReport): string {
  const frame = crashSiteFrame(crashingStack(report), report.platform);
  if (!frame) return "";
  const name = frameName(frame)?.trim();
  if (name) return shortenFromLeft(siteName(name, frame, report.platform), SITE_LIMIT);
  const address = frame.image_offset ?? frame.instruction_addr;
  if (address && frame.package) return `${address} in ${basename(frame.package)}`;
  if (frame.file && !NO_FILE.test(basename(frame.file))) return basename(frame.file);
  if (frame.module) return frame.module;
  return frame.package ? basename(frame.package) : (address ?? "");
}

export function renderTitle(report: CrashReport): string {
  const type = clean(report.exception.type.trim(), TYPE_LIMIT);
  const site = clean(crashSite(report), SITE_LIMIT + 1);
  const where = site ? ` in ${site}` : "";
  const firstLine = firstLineOf(report.exception.message.trim());
  const room = READABLE - type.length - where.length - 2;
  // A message that only repeats the type (Java's NullPointerException without a detail message) is left out.
  const repeats = firstLine === report.exception.type.trim();
  const message = firstLine && !repeats && room >= MESSAGE_ROOM_MIN ? `: ${clean(firstLine, room)}` : "";
  return cap(titleText(`${type}${message}${where}`), TITLE_LIMIT);
}
