/**
 * Readable names from the mangled symbols native reporters send when a frame was not
 * demangled on their side (Sentry's symbolicator demangles most; a raw `symbol`, a crash
 * log or a Bugsnag native frame may not be). Only the part a title and a signature need is
 * read: the path of names to the function (`ViewController.sendAnError`, `core::panicking::panic`),
 * not parameter or return types. npm has no maintained synchronous demangler for Swift, C++
 * and Rust (gecko-profiler-demangle loads WebAssembly asynchronously, which the pure core
 * cannot), so this reads the common nested-name forms itself and leaves anything else as it was.
 */

/** Length-prefixed identifiers from `at`: `9swift_ios14ViewController` → ["swift_ios", "ViewController"]. */
function identifiers(symbol: string, at: number, skip: RegExp): { names: string[]; end: number } | undefined {
  const names: string[] = [];
  let i = at;
  while (i < symbol.length) {
    const digits = /^\d+/.exec(symbol.slice(i));
    if (!digits) {
      // Kind letters between names (Swift: C class, V struct, O enum, P protocol): skipped.
      if (names.length > 0 && skip.test(symbol[i] ?? "")) {
        i++;
        continue;
      }
      break;
    }
    const length = Number(digits[0]);
    // Swift's "0" starts a word substitution, which this reading does not follow.
    if (length === 0) return undefined;
    const start = i + digits[0].length;
    if (start + length > symbol.length) return undefined;
    names.push(symbol.slice(start, start + length));
    i = start + length;
  }
  return names.length > 0 ? { names, end: i } : undefined;
}

/** `$s9swift_ios14ViewControllerC11sendAnErroryyFTf4d_n` → `ViewController.sendAnError` (the module left out, as Swift prints it). */
function swift(symbol: string): string | undefined {
  const prefix = /^_?(?:\$[sSe]|_T0)/.exec(symbol);
  if (!prefix) return undefined;
  // "s" stands for the standard library's module, Swift.
  const stdlib = symbol[prefix[0].length] === "s" && /\d/.test(symbol[prefix[0].length + 1] ?? "");
  const read = identifiers(symbol, prefix[0].length + (stdlib ? 1 : 0), /[CVOP]/);
  if (!read || read.names.length < (stdlib ? 1 : 2)) return undefined;
  return read.names.slice(stdlib ? 0 : 1).join(".");
}

/** Rust's legacy escapes inside identifiers. */
const RUST_ESCAPES: Record<string, string> = {
  LT: "<",
  GT: ">",
  RF: "&",
  BP: "*",
  C: ",",
  SP: "@",
  u20: " ",
  u27: "'",
  u5b: "[",
  u5d: "]",
  u7b: "{",
  u7d: "}",
  u7e: "~",
};

/** Itanium nested names, as C++ and Rust's legacy mangling write them: `_ZN4core9panicking5panic17h…E` → `core::panicking::panic`. */
function itanium(symbol: string): string | undefined {
  const nested = /^_{1,2}ZN(?:[rVK]*)/.exec(symbol);
  const plain = nested ? undefined : /^_{1,2}Z(?=\d)/.exec(symbol);
  const start = nested ?? plain;
  if (!start) return undefined;
  const read = identifiers(symbol, start[0].length, /$^/);
  if (!read) return undefined;
  if (nested && symbol[read.end] !== "E") return undefined;
  const names = read.names.filter((n, i) => !(i === read.names.length - 1 && /^h[0-9a-f]{16}$/.test(n)));
  return names
    .map((n) =>
      n.includes("$") || n.includes("..")
        ? n
            .replace(/^_(?=\$)/, "")
            .replace(/\$(\w+?)\$/g, (m, code: string) => RUST_ESCAPES[code] ?? m)
            .replace(/\.\./g, "::")
        : n,
    )
    .join("::");
}

/** The readable name of a mangled symbol, or undefined when `symbol` is not one this reads. */
export function demangle(symbol: string): string | undefined {
  const name = symbol.trim();
  if (name.length < 4 || (name[0] !== "$" && name[0] !== "_")) return undefined;
  return swift(name) ?? itanium(name);
}
