import type { Frame } from "./crash.js";
import { demangle } from "./demangle.js";

/**
 * Sentry's grouping rules for frames, ported (getsentry/sentry `src/sentry/grouping/strategies/newstyle.py`,
 * `src/sentry/stacktraces/functions.py` and the default enhancements in
 * `src/sentry/grouping/enhancer/enhancement-configs/`), for the platforms hotfix-loop serves:
 * what a frame contributes to the signature once the names a compiler, a bundler or a browser
 * invents are taken out. Signature version 3 applies them (core/signature.ts).
 *
 * Every rewrite runs only when its marker text is in the name: most frames need none.
 */

/** Sentry's "behavior family" of a frame: which rules read it. */
export type Family = "jvm" | "dotnet" | "javascript" | "native" | "other";

const PLATFORM_FAMILY: Record<string, Family> = {
  java: "jvm",
  android: "jvm",
  kotlin: "jvm",
  scala: "jvm",
  groovy: "jvm",
  clojure: "jvm",
  csharp: "dotnet",
  dotnet: "dotnet",
  unity: "dotnet",
  javascript: "javascript",
  node: "javascript",
  "react-native": "javascript",
  cordova: "javascript",
  native: "native",
  cocoa: "native",
  objc: "native",
  swift: "native",
  c: "native",
  cpp: "native",
  rust: "native",
};

/**
 * The family of a frame: the report's platform when it names one, else (Bugsnag and the
 * generic format say less) the frame's file type, or an address for native code.
 */
export function familyOf(platform: string | undefined, frame: Frame): Family {
  const known = platform ? PLATFORM_FAMILY[platform.toLowerCase()] : undefined;
  if (known) return known;
  const file = frame.file ?? "";
  if (/\.(?:java|kt|kts|scala|groovy|clj)$/i.test(file)) return "jvm";
  if (/\.cs$/i.test(file)) return "dotnet";
  if (/\.(?:[cm]?js|jsx|tsx?|vue|svelte|html?)(?:[?#].*)?$/i.test(file) || /^(?:https?|file|blob|webpack|app):\/\//i.test(file)) return "javascript";
  if (frame.instruction_addr || frame.package || /\.(?:c|cc|cpp|cxx|h|hpp|m|mm|swift|rs)$/i.test(file)) return "native";
  return "other";
}

// ---- JavaScript -------------------------------------------------------------------------

/** Function names browsers give code they cannot name (Chrome, Safari, Edge; Firefox ends them in "/<"). */
const JS_ANONYMOUS = new Set(["?", "<anonymous function>", "<anonymous>", "Anonymous function"]);
/** Files browsers give code that is not the page's: built-ins, eval'd strings. */
const JS_NOT_A_FILE = new Set(["[native code]", "native code", "eval code", "<anonymous>"]);

/** A JS function as every browser names it: `Object.aha` (Chrome), `aha` (Firefox, Safari) → `aha`; anonymous → "". */
function jsFunction(name: string): string {
  const last = name.includes(".") ? name.slice(name.lastIndexOf(".") + 1) : name;
  return JS_ANONYMOUS.has(last) || last.endsWith("/<") ? "" : last;
}

/** A file on a web origin: its path differs between hosts and deploys, so Sentry groups such frames by function. */
export function hasUrlOrigin(file: string | undefined): boolean {
  return !!file && /^(?:https?|file|blob):/i.test(file);
}

// ---- JVM ---------------------------------------------------------------------------------

/**
 * Classes code generators name with counters or hashes that change at every build or run.
 * Sentry's module rules, plus the D8/R8 synthetic classes and the proxy libraries Android and
 * Spring apps meet today.
 */
const JVM_MODULE_RULES: [marker: string, pattern: RegExp, replacement: string][] = [
  ["Accessor", /((?:sun|jdk\.internal)\.reflect\.Generated(?:Serialization)?(?:Method|Constructor)Accessor)\d+/g, "$1"],
  ["CGLIB$$", /(\$\$\w+?CGLIB\$\$)[a-fA-F0-9]+(?:_\d+)?/g, "$1<auto>"],
  ["$$_javassist", /(\$\$_javassist)(?:_seam)?(?:_\d+)?/g, "$1<auto>"],
  ["$fn__", /(\$fn__)\d+/g, "$1<auto>"],
  ["$$External", /(\$\$External\w*?(?:Lambda|Outline|Backport))\d+/g, "$1"],
  ["$$InternalSyntheticLambda", /(\$\$InternalSyntheticLambda)\$\d+\$[0-9a-f]+\$\d+/g, "$1"],
  ["$Proxy", /\$Proxy\d+/g, "$$Proxy"],
  ["jdk.proxy", /^jdk\.proxy\d+\./, "jdk.proxy."],
  ["$HibernateProxy$", /(\$HibernateProxy\$)\w+/g, "$1"],
  ["$ByteBuddy$", /(\$ByteBuddy\$)\w+/g, "$1"],
  ["$MockitoMock$", /(\$MockitoMock\$)\d+/g, "$1"],
];

/** A JVM class as the signature reads it; "" for a JDK lambda class, which Sentry leaves out. */
function jvmModule(module: string): string {
  if (!module.includes("$") && !module.startsWith("jdk.proxy") && !module.includes("Accessor")) return module;
  if (module.includes("$$Lambda")) return "";
  let out = module;
  for (const [marker, pattern, replacement] of JVM_MODULE_RULES) if (out.includes(marker)) out = out.replace(pattern, replacement);
  return out;
}

/** A JVM method as the signature reads it; "" for a lambda body, which Sentry leaves out (its class still counts). */
function jvmFunction(name: string): string {
  if (!name.includes("$")) return name;
  if (name.startsWith("lambda$")) return "";
  return name.replace(/^access\$\d+$/, "access$$").replace(/\$(?:suspendImpl|default)$/, "");
}

// ---- .NET --------------------------------------------------------------------------------

/**
 * A .NET method as the signature reads it: no return type or `async` in front (demystified
 * names: `async Task<int> Shop.Cart.Pay(int id)`), its async or iterator state machine read as
 * the method it implements (`<Pay>d__12.MoveNext` → `Pay`), and expression-tree counters dropped.
 */
function dotnetFunction(name: string): string {
  let out = name;
  const params = out.indexOf("(");
  if (params > 0) out = out.slice(0, params).trimEnd();
  if (out.includes(" ")) out = out.slice(out.lastIndexOf(" ") + 1);
  out = dotnetTypes(out);
  if (out.includes("lambda_method")) out = out.replace(/lambda_method\d+/g, "lambda_method");
  if (out.includes("+MoveNext")) out = out.replace(/\+MoveNext$/, "");
  return out;
}

/**
 * Compiler-generated .NET types read as the methods they implement: an async or iterator state
 * machine `<Pay>d__12` as `Pay`, an async local function `<<Run>g__Show|0_1>d` and a local function
 * `<Run>g__Show|0_1` as `Run.Show`; the counters Roslyn gives them change with every edit.
 */
export function dotnetTypes(name: string): string {
  if (!name.includes(">")) return name;
  return name
    .replace(/<<([\w$]+)>g__([\w$]+)\|\d+(?:_\d+)?>d(?:__\d+)?(?:[.+]MoveNext)?/g, "$1.$2")
    .replace(/<([\w$]+)>g__([\w$]+)\|\d+(?:_\d+)?/g, "$1.$2")
    .replace(/<([\w$]+)>d__\d*(?:[.+]MoveNext)?/g, "$1");
}

/** Exceptions that only carry others: Sentry groups an exception group by what it holds. */
export function isAggregate(type: string): boolean {
  return /(?:^|\.)AggregateException$/.test(type);
}

// ---- native ------------------------------------------------------------------------------

/** Signal delivery and exception handlers between the crash and the code that crashed (Sentry's "handler" category, and raise below abort). */
const NATIVE_HANDLERS = new Set([
  "_sigtramp",
  "__sigtramp",
  "RtlpExecuteHandlerForException",
  "DispatchHookW",
  "execute_onexit_table",
  "raise",
  "__pthread_kill",
  "pthread_kill",
  "__abort_message",
  "abort_message",
  "__cxa_throw",
  "__cxa_rethrow",
  "_objc_terminate",
  "__exceptionPreprocess",
  "objc_exception_throw",
  "_CFThrowFormattedException",
  "_CxxThrowException",
  "RaiseException",
  "demangling_terminate_handler",
  "std::__terminate",
  "std::terminate",
]);

/** Compiler-made frames Sentry counts as internals (Swift thunks and closures, block helpers, libdispatch glue). */
const NATIVE_INTERNALS = /^(?:@callee_guaranteed|closure|block_destroy_helper.*|__swift_.*|_INTERNAL.*)$/;

/** Pairs of brackets kept balanced while trimming; the scan below skips what they enclose. */
const OPENS: Record<string, string> = { "(": ")", "<": ">", "[": "]", "{": "}" };

/** `name` with every top-level `open…close` part replaced by what `keep` returns for it. */
function replaceEnclosed(name: string, open: string, keep: (inner: string, at: number) => string): string {
  if (!name.includes(open)) return name;
  const close = OPENS[open];
  let depth = 0;
  let start = 0;
  let out = "";
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c === open) {
      if (depth++ === 0) start = i;
    } else if (c === close && depth > 0) {
      if (--depth === 0) out += keep(name.slice(start + 1, i), start);
    } else if (depth === 0) out += c;
  }
  return depth === 0 ? out : name;
}

const CPP_LAMBDA = /\{lambda\(.*?\)#\d+\}|\blambda_[a-f0-9]{32}\b|\$_\d+\b/g;

/**
 * The function of a demangled native name, as Sentry's trim_native_function_name reads it:
 * no `[clone .cold]` parts, C++ qualifiers, parameters, template arguments or return type
 * (Swift's `-> T` too), lambdas of every compiler alike, Rust hashes, glibc versions and
 * Windows decoration dropped. Objective-C names (`-[Class method]`) stay as they are.
 */
export function trimNativeFunction(name: string): string {
  let out = name.trim();
  // Objective-C methods (`-[Class method]`) and their blocks (`__46+[Class method]_block_invoke_2`) are names already.
  if (out.startsWith("[") || /[-+]\[[\w$]+ /.test(out)) return out;
  const demangled = demangle(out);
  if (demangled) out = demangled;
  if (out.includes("[")) out = replaceEnclosed(out, "[", (inner) => (inner.startsWith("clone .") ? "" : `[${inner}]`)).trimEnd();
  if (out.includes(".cold")) out = out.replace(/\.cold(?:\.\d+)?$/, "");
  out = out.replace(/(?:\s*(?:\bconst\b|&))+$/, "");
  // Operators whose brackets would unbalance the scan are set aside.
  const operators = out.includes("operator") || out.includes(" -> ");
  if (operators)
    out = out
      .replace(/operator<</g, "operator⟨⟨")
      .replace(/operator</g, "operator⟨")
      .replace(/operator\(\)/g, "operator◯")
      .replace(/operator->/g, "operator⟿")
      .replace(/ -> /g, " ⟿ ");
  if (out.includes("lambda") || out.includes("$_")) out = out.replace(CPP_LAMBDA, "lambda");
  out = replaceEnclosed(out, "(", (inner) => (inner.trim() === "anonymous namespace" ? "(anonymous namespace)" : ""));
  out = replaceEnclosed(out, "<", (inner, at) =>
    inner === "lambda" ? "<lambda>" : at > 0 ? "<T>" : (inner.replace(/^[A-Z] as /, "").split(" as ")[0] ?? inner),
  );
  const tokens = out.split(/\s+/).filter((t) => t !== "");
  const arrow = tokens.lastIndexOf("⟿");
  let fn = arrow > 0 ? tokens[arrow - 1] : tokens[tokens.length - 1];
  if (fn === "throws" && arrow > 1) fn = tokens[arrow - 2];
  out = fn ?? out;
  if (operators) out = out.replace(/⟨/g, "<").replace(/◯/g, "()").replace(/⟿/g, "->");
  if (out.includes("::h")) out = out.replace(/::h[0-9a-f]{16}$/, "");
  if (out.includes("@")) out = out.replace(/@@?GLIBC_[\d.]+$/, "").replace(/^@?(.*?)@\d+$/, "$1");
  return out;
}

// ---- all families ------------------------------------------------------------------------

/** A frame Sentry leaves out of grouping as low quality: a browser's built-in or eval'd code, a signal handler, compiler glue, Kotlin's coroutine boundary markers. */
export function isLowQuality(frame: Frame, family: Family): boolean {
  switch (family) {
    case "javascript": {
      const fn = frame.raw_function ?? frame.function;
      return (!!frame.file && JS_NOT_A_FILE.has(frame.file)) || (!!fn && jsFunction(fn) === "eval");
    }
    case "jvm":
      return !!frame.module && frame.module.startsWith("_COROUTINE.");
    case "native": {
      const fn = frame.function?.trim();
      if (!fn) return false;
      if (NATIVE_HANDLERS.has(fn) || NATIVE_INTERNALS.test(fn)) return true;
      // Sentry: system frames whose name starts with "_" are likely garbage; _purecall is the exception.
      return !frame.in_app && fn.startsWith("_") && fn !== "_purecall" && !fn.startsWith("_Z") && !fn.startsWith("_$");
    }
    default:
      return false;
  }
}

/** A frame's function as the signature reads it under Sentry's rules for its family; "" when it does not count. */
export function ruleFunction(name: string, family: Family): string {
  switch (family) {
    case "javascript":
      return jsFunction(name);
    case "jvm":
      return jvmFunction(name);
    case "dotnet":
      return dotnetFunction(name);
    case "native":
      // A stripped image resolves every address to its Mach-O header's symbol: no name (the image and offset key it).
      return name === "<redacted>" || name === "<unknown>" || name === "_mh_execute_header" ? "" : trimNativeFunction(name);
    default:
      return name;
  }
}

/** A frame's module (class, namespace) as the signature reads it under its family's rules. */
export function ruleModule(module: string, family: Family): string {
  if (family === "jvm") return jvmModule(module);
  return family === "dotnet" ? dotnetTypes(module) : module;
}

/** A frame's file name under its family's rules (Javassist names the file after its generated class). */
export function ruleFile(file: string, family: Family): string {
  return family === "jvm" && file.includes("$$_javassist") ? file.replace(/(\$\$_javassist)(?:_seam)?(?:_\d+)?/g, "$1<auto>") : file;
}
