import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { CrashReport } from "../../src/core/crash.js";
import {
  SIGNATURE_VERSION,
  computeSignature,
  normalizeFunction,
  normalizeMessage,
  normalizePath,
  signatureAliases,
  signaturesByVersion,
} from "../../src/core/signature.js";
import { sentry } from "../../src/providers/sentry.js";
import { loadStacks } from "./stacks.js";

const stacks = loadStacks();

describe("computeSignature on real stack traces", () => {
  it("has fixtures in every language family the brief names", () => {
    expect(stacks.length).toBeGreaterThanOrEqual(10);
    const platforms = new Set(stacks.map((s) => s.report.platform));
    expect([...platforms].sort()).toEqual(["csharp", "java", "javascript", "native", "node", "python"]);
    for (const s of stacks) expect(s.source).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/issues\/\d+/);
  });

  it.each(stacks.map((s) => [s.name, s] as const))("%s: the same crash in the next release keeps its signature", (_name, s) => {
    expect(s.later).not.toEqual(s.report);
    expect(computeSignature(s.later)).toBe(computeSignature(s.report));
  });

  it("gives every pair of different crashes different signatures", () => {
    const signatures = stacks.map((s) => computeSignature(s.report));
    for (const sig of signatures) expect(sig).toMatch(/^[0-9a-f]{16}$/);
    const byKey = new Map<string, string[]>();
    for (const [i, sig] of signatures.entries()) byKey.set(sig, [...(byKey.get(sig) ?? []), stacks[i]?.name ?? ""]);
    expect([...byKey.values()].filter((names) => names.length > 1)).toEqual([]);
  });

  it("collapses a recursion of names and paths longer than any memory keeps, and tells it from another", () => {
    const frame = (name: string) => ({ file: `src/${"deep/".repeat(500)}${name}.ts`, function: `${name}${"<T>".repeat(1_000)}`, in_app: true });
    const stack = (frames: object[]) => CrashReport.parse({ provider: "generic", exception: { type: "RangeError", message: "" }, frames });
    const deep = stack([frame("main"), ...Array.from({ length: 100 }, () => frame("walk"))]);
    expect(computeSignature(deep)).toBe(computeSignature(stack([frame("main"), frame("walk")])));
    expect(computeSignature(deep)).not.toBe(computeSignature(stack([frame("main"), frame("visit")])));
  });

  it("tells apart two crashes that differ only in the crashing function", () => {
    const s = stacks.find((x) => x.name === "python-django-keyerror");
    if (!s) throw new Error("fixture missing");
    const frames = s.report.frames.map((f, i) => (i === s.report.frames.length - 1 ? { ...f, function: "symbolicate_v4" } : f));
    expect(computeSignature({ ...s.report, frames })).not.toBe(computeSignature(s.report));
  });

  it("tells apart two exception types thrown from the same place", () => {
    const s = stacks[0];
    if (!s) throw new Error("no fixtures");
    expect(computeSignature({ ...s.report, exception: { ...s.report.exception, type: "RangeError" } })).not.toBe(computeSignature(s.report));
  });
});

describe("computeSignature without usable frames", () => {
  const bare = (type: string, message: string) => CrashReport.parse({ provider: "generic", exception: { type, message } });

  it("falls back to type and normalised message, ignoring ids, numbers, addresses and hosts", () => {
    const a = bare(
      "TimeoutError",
      "Request 7f3c2a10-9b1d-4c1e-8a2b-1234567890ab to https://api.example.com/v1/users/123 timed out after 3000ms at 0x7ffee4c0",
    );
    const b = bare(
      "TimeoutError",
      "Request 0a1b2c3d-4e5f-4a6b-8c7d-0123456789ff to https://eu.example.com/v1/users/98 timed out after 5000ms at 0x10c2a3f8",
    );
    expect(computeSignature(a)).toBe(computeSignature(b));
    expect(computeSignature(a)).not.toBe(computeSignature(bare("TimeoutError", "Connection refused")));
    expect(computeSignature(a)).not.toBe(computeSignature(bare("AbortError", a.exception.message)));
  });

  it("uses the message too when the only frames are minified names in a bundle", () => {
    const minified = (message: string) =>
      CrashReport.parse({
        provider: "sentry",
        exception: { type: "TypeError", message },
        frames: [{ file: "https://x.example/static/js/main.3f9a2c1b.js", function: "t", line: 1, column: 100, in_app: true }],
      });
    expect(computeSignature(minified("a is undefined"))).not.toBe(computeSignature(minified("b.map is not a function")));
  });
});

describe("normalizePath", () => {
  it.each([
    ["/home/alice/projects/shop/src/cart/checkout.py", "/srv/deploy/releases/20240611T1200/src/cart/checkout.py"],
    ["C:\\Users\\bob\\source\\repos\\Shop\\src\\cart\\checkout.py", "/var/www/html/src/cart/checkout.py"],
    ["webpack:///./src/cart/checkout.js", "app:///src/cart/checkout.js"],
    ["https://cdn.example.com/static/js/main.3f9a2c1b.js?v=12", "https://shop.example.org/static/js/main.8e1d77aa.js"],
    ["file:///Users/carol/shop/dist/chunk-ABC123.js", "file:///home/ci/shop/dist/chunk-9F8E7D.js"],
    [
      "/app/node_modules/.pnpm/react-dom@18.3.1/node_modules/react-dom/cjs/react-dom.production.min.js",
      "/srv/node_modules/react-dom/cjs/react-dom.production.min.js",
    ],
    ["/usr/lib/python3.11/site-packages/django/core/handlers/base.py", "/opt/venv/lib/python3.12/site-packages/django/core/handlers/base.py"],
    ["/srv/app/releases/v1.4.2/lib/worker.rb", "/srv/app/releases/v1.4.3/lib/worker.rb"],
    ["/builds/a1b2c3d4e5f6/src/main.rs", "/builds/0f9e8d7c6b5a/src/main.rs"],
  ])("%s and %s normalise alike", (a, b) => {
    expect(normalizePath(a)).toBe(normalizePath(b));
  });

  it("keeps what tells files apart", () => {
    expect(normalizePath("/app/src/cart/checkout.py")).not.toBe(normalizePath("/app/src/cart/payment.py"));
    expect(normalizePath("/app/src/admin/views.py")).not.toBe(normalizePath("/app/src/shop/views.py"));
    expect(normalizePath("https://x.example/static/js/main.3f9a2c1b.js")).toBe("static/js/main.js");
  });
});

describe("normalizeFunction", () => {
  it.each([
    ["com.example.MainActivity$1.onClick", "com.example.MainActivity$2.onClick"],
    ["com.example.Repo.lambda$load$0", "com.example.Repo.lambda$load$3"],
    ["java.lang.invoke.LambdaForm$$Lambda$12/0x0000000800c0b000.run", "java.lang.invoke.LambdaForm$$Lambda$47/0x0000000801a2c000.run"],
    ["MyApp.Worker.<RunAsync>d__12.MoveNext", "MyApp.Worker.<RunAsync>d__7.MoveNext"],
    ["MyApp.Program.<Main>b__0_0", "MyApp.Program.<Main>b__3_1"],
    [
      "System.Collections.Generic.Dictionary`2[TKey,TValue].FindEntry (TKey key)",
      "System.Collections.Generic.Dictionary`2[System.String,System.Int32].FindEntry (System.String key)",
    ],
    ["app::handler::h1a2b3c4d5e6f7a8b", "app::handler::hffeeddccbbaa9988"],
    ["MyGame::Player::Update() + 124", "MyGame::Player::Update(float) + 96"],
    ["Reporter.Update () [0x0001a] in <5a7c3c2b9e0f4d6f8a1b2c3d4e5f6a70>:0", "Reporter.Update () [0x00020] in <0123456789abcdef0123456789abcdef>:0"],
  ])("%s and %s normalise alike", (a, b) => {
    expect(normalizeFunction(a)).toBe(normalizeFunction(b));
  });

  it("keeps the names themselves", () => {
    expect(normalizeFunction("com.example.Repo.load")).not.toBe(normalizeFunction("com.example.Repo.save"));
  });
});

describe("normalizeMessage", () => {
  it("replaces volatile parts and keeps words", () => {
    expect(normalizeMessage("User 42 not found (id 550e8400-e29b-41d4-a716-446655440000)")).toBe("user <n> not found (id <uuid>)");
    expect(normalizeMessage("bad pointer 0xDEADBEEF")).toBe("bad pointer <addr>");
  });
});

describe("bundle file names", () => {
  it.each([
    ["main.3f9a2c1b.js", "main.js"],
    ["chunk-ABC123.js", "chunk.js"],
    ["2.8e3b1d0a.chunk.js", "chunk.js"],
    ["index-BkX2a9Zq.js", "index.js"],
    ["framework-eda4609282c049ac.js", "framework.js"],
    ["base64.js", "base64.js"],
    ["facade.js", "facade.js"],
    ["es2015-polyfills.js", "es2015-polyfills.js"],
  ])("%s keeps %s", (file, kept) => {
    expect(normalizePath(`/static/js/${file}`)).toBe(`static/js/${kept}`);
  });
});

describe("the signature as a stored key", () => {
  // v3 (current), v2 and v1 of every stack fixture: a change here changes keys stored in users' issues.
  const GOLDEN: Record<string, [v3: string, v2: string, v1: string]> = {
    "android-anonymous-class": ["587974caba4c5b6a", "587974caba4c5b6a", "6ad6bc5401889efc"],
    "android-npe-proguard": ["9eb2e95e3d2c5fcd", "9eb2e95e3d2c5fcd", "957e513684407d67"],
    "c-nginx-gdb": ["f752db7e8b7e87ea", "f752db7e8b7e87ea", "b01d04825f6dca6e"],
    "cpp-abort-libsegfault": ["a0a7c96585c1ffae", "a0a7c96585c1ffae", "40fd1359f3516440"],
    "js-browser-cra-chunks": ["85f3842f2695a37a", "fddaf5fc6d9499ea", "b1906799aa5594da"],
    "js-browser-nextjs-chunks": ["bb6bd66a05ffb517", "bb6bd66a05ffb517", "791d3c0a23a81c70"],
    "kotlin-coroutine-lateinit": ["dcec006c428b0829", "dcec006c428b0829", "1e4247393fac7e71"],
    "node-unhandled-rejection": ["7840a2395fe62975", "f08383f627f4e3b9", "51ff35d5110ee535"],
    "python-django-keyerror": ["664adb3165ad10e1", "664adb3165ad10e1", "743e917c7d48ff47"],
    "python-library-only": ["79d97502efb3b748", "79d97502efb3b748", "717eaab390602906"],
    "rust-panic-local": ["e5d8631cc074781d", "e5d8631cc074781d", "1d73bec5a026b635"],
    "rust-panic-registry": ["021fc655638bcf71", "021fc655638bcf71", "eb310af00a93d00a"],
    "ts-react-source-mapped": ["92a098aa428f3f4d", "92a098aa428f3f4d", "2429659bb0892346"],
    "unity-generic-nre": ["880370d779058b33", "880370d779058b33", "7b96bf4772db01a4"],
    "unity-player-il-offsets": ["f5674c3fbf6ebc3e", "f5674c3fbf6ebc3e", "793906f9f7fde0f8"],
  };

  it.each(stacks.map((s) => [s.name, s] as const))("%s has its golden signature in every version", (name, s) => {
    const [v3, v2, v1] = GOLDEN[name] ?? [];
    expect(SIGNATURE_VERSION).toBe(3);
    expect(signaturesByVersion(s.report)).toEqual([
      { version: 3, signature: v3 },
      { version: 2, signature: v2 },
      { version: 1, signature: v1 },
    ]);
    expect(computeSignature(s.report)).toBe(v3);
    // Issues opened under earlier versions are found by their keys: every one that differs stays an alias.
    expect(signatureAliases(s.report)).toEqual([...new Set([v2, v1])].filter((k) => k !== v3));
  });
});

/** A corpus payload as its provider reads it. */
function sample(name: string, change: (event: Record<string, any>) => void = () => undefined): CrashReport {
  const body = JSON.parse(readFileSync(new URL(`../fixtures/sentry/samples/${name}.json`, import.meta.url), "utf8"));
  change(body.data.event);
  const result = sentry.parse(body, { rawBody: Buffer.from(""), headers: {}, query: new URLSearchParams() });
  if (!result.ok) throw new Error(result.error);
  return result.report;
}

const shift = (hex: string, by: bigint) => `0x${(BigInt(hex) + by).toString(16)}`;

describe("the same crash in another release keeps its signature", () => {
  it("native: the library loaded elsewhere (every address moved), another release", () => {
    const later = sample("android-ndk", (event) => {
      event.release = "2.0.0";
      for (const frame of event.exception.values[0].stacktrace.frames)
        if (BigInt(frame.instruction_addr) >= 0xe5d95000n) frame.instruction_addr = shift(frame.instruction_addr, 0x1000000n);
      event.debug_meta.images[0].image_addr = shift(event.debug_meta.images[0].image_addr, 0x1000000n);
    });
    expect(computeSignature(later)).toBe(computeSignature(sample("android-ndk")));
  });

  it("iOS: another install path (a new bundle UUID), other load addresses", () => {
    const later = sample("cocoa", (event) => {
      event.release = "io.sentry.sentry-ios-cocoapods-1.1";
      for (const frame of event.exception.values[0].stacktrace.frames) {
        frame.package = frame.package.replace("575F9D39-D486-4728-B035-84923A0BE206", "0D3C7B1E-2F4A-4E0B-9C1D-7A6B5C4D3E2F");
        frame.instruction_addr = shift(frame.instruction_addr, 0x4000n);
        frame.image_addr = shift(frame.image_addr, 0x4000n);
      }
    });
    expect(computeSignature(later)).toBe(computeSignature(sample("cocoa")));
  });

  it("JVM: other line numbers; Rails: another build's template path prefix", () => {
    const java = sample("java", (event) => {
      for (const frame of event["sentry.interfaces.Exception"].values[0].stacktrace.frames) if (frame.lineno) frame.lineno += 7;
    });
    expect(computeSignature(java)).toBe(computeSignature(sample("java")));
    const rails = sample("exceptions-and-no-threads", (event) => {
      const frames = event.exception.values[0].stacktrace.frames;
      frames[2].lineno = 3;
      frames[0].filename = frames[0].abs_path = "puma (3.12.7) lib/puma/thread_pool.rb";
    });
    expect(computeSignature(rails)).toBe(computeSignature(sample("exceptions-and-no-threads")));
  });
});

describe("what tells crashes apart", () => {
  it("two crashes that differ only below a frameless wrapper get different signatures", () => {
    const other = sample("exceptions-and-no-threads", (event) => {
      event.exception.values[0].stacktrace.frames[2].filename = "app/views/orders/show.html.erb";
      event.exception.values[0].stacktrace.frames[2].abs_path = "app/views/orders/show.html.erb";
    });
    const wrapper = sample("exceptions-and-no-threads");
    expect(computeSignature(other)).not.toBe(computeSignature(wrapper));
    // Version 1 saw only the wrapper's type and message, and merged them: the reason for version 2.
    expect(signaturesByVersion(other).find((s) => s.version === 1)).toEqual(signaturesByVersion(wrapper).find((s) => s.version === 1));
  });

  it("unsymbolicated native crashes group by image and offset, not by the signal", () => {
    const elsewhere = sample("android-ndk", (event) => {
      const frames = event.exception.values[0].stacktrace.frames;
      frames[frames.length - 2].instruction_addr = "0xe5ee0000";
      frames[frames.length - 3].instruction_addr = "0xe5ee1000";
    });
    expect(elsewhere.exception).toEqual(sample("android-ndk").exception);
    expect(computeSignature(elsewhere)).not.toBe(computeSignature(sample("android-ndk")));
    expect(sample("android-ndk").frames.at(-2)).toMatchObject({ package: "/apex/com.android.runtime/lib/libart.so", image_offset: "0x144f68" });
  });
});
