import { describe, expect, it } from "vitest";
import { CrashReport } from "../../src/core/crash.js";
import { demangle } from "../../src/core/demangle.js";
import { type Family, isLowQuality, ruleFunction, ruleModule, trimNativeFunction } from "../../src/core/frame-rules.js";
import { computeSignature, signaturesByVersion } from "../../src/core/signature.js";

/** Sentry's grouping rules as core/frame-rules.ts ports them: names that differ only where a build differs read alike. */
describe("Sentry's frame rules, per family", () => {
  it.each<[Family, string, string]>([
    ["javascript", "Object.aha", "aha"],
    ["javascript", "Foo.testMethod", "testMethod"],
    ["jvm", "access$000", "access$"],
    ["jvm", "fetchUser$suspendImpl", "fetchUser"],
    ["jvm", "load$default", "load"],
    ["dotnet", "async Task<int> Shop.Cart.Pay(int id)", "Shop.Cart.Pay"],
    ["dotnet", "Shop.Cart.<Pay>d__12.MoveNext", "Shop.Cart.Pay"],
    ["dotnet", "Shop.View.<<Run>g__Show|0_1>d.MoveNext", "Shop.View.Run.Show"],
    ["dotnet", "lambda_method42", "lambda_method"],
    ["native", "std::vector<int, std::allocator<int> >::at(unsigned long) const", "std::vector<T>::at"],
    ["native", "ViewController.causeCrash(Any) -> ()", "ViewController.causeCrash"],
    ["native", "render_frame [clone .cold.1]", "render_frame"],
    ["native", "compress.cold.1", "compress"],
    ["native", "main::{lambda(int)#1}::operator()(int) const", "main::lambda::operator()"],
    ["native", "memcpy@GLIBC_2.14", "memcpy"],
    ["native", "app::handler::h1a2b3c4d5e6f7a8b", "app::handler"],
    ["native", "-[UIApplication _run]", "-[UIApplication _run]"],
    ["native", "__46+[Handler setup]_block_invoke_2", "__46+[Handler setup]_block_invoke_2"],
    ["native", "$s9swift_ios14ViewControllerC11sendAnErroryyFTf4d_n", "ViewController.sendAnError"],
    ["native", "_ZN4core9panicking5panic17h0123456789abcdefE", "core::panicking::panic"],
  ])("%s: %s reads as %s", (family, name, expected) => {
    expect(ruleFunction(name, family)).toBe(expected);
  });

  it("leaves out what Sentry ignores: anonymous JS functions, JVM lambda bodies and lambda classes, unknown native names", () => {
    for (const name of ["?", "<anonymous>", "Anonymous function", "test/<"]) expect(ruleFunction(name, "javascript")).toBe("");
    expect(ruleFunction("lambda$onCreate$0", "jvm")).toBe("");
    expect(ruleModule("com.shop.Repo$$Lambda$12/0x0000000800c0b000", "jvm")).toBe("");
    for (const name of ["<unknown>", "<redacted>", "_mh_execute_header"]) expect(ruleFunction(name, "native")).toBe("");
  });

  it.each([
    ["com.shop.MainActivity$$ExternalSyntheticLambda0", "com.shop.MainActivity$$ExternalSyntheticLambda3"],
    ["com.shop.Cfg$$EnhancerBySpringCGLIB$$1ebdddb0", "com.shop.Cfg$$EnhancerBySpringCGLIB$$9f00aa12"],
    ["com.shop.Cfg$$FastClassBySpringCGLIB$$4f2a_7", "com.shop.Cfg$$FastClassBySpringCGLIB$$0b11_2"],
    ["sun.reflect.GeneratedMethodAccessor12", "sun.reflect.GeneratedMethodAccessor57"],
    ["jdk.internal.reflect.GeneratedConstructorAccessor3", "jdk.internal.reflect.GeneratedConstructorAccessor9"],
    ["com.shop.Entries_$$_javassist_74", "com.shop.Entries_$$_javassist_seam_12"],
    ["shop.core$_main$fn__1539", "shop.core$_main$fn__2044"],
    ["com.sun.proxy.$Proxy12", "com.sun.proxy.$Proxy31"],
    ["jdk.proxy2.$Proxy45", "jdk.proxy3.$Proxy7"],
    ["com.shop.Order$HibernateProxy$Xa9Bq1", "com.shop.Order$HibernateProxy$Zz00Kp"],
    ["a.b.c$$InternalSyntheticLambda$1$07967fcd$0", "a.b.c$$InternalSyntheticLambda$1$ffe0a1b2$0"],
  ])("jvm: %s and %s are one class", (a, b) => {
    expect(ruleModule(a, "jvm")).toBe(ruleModule(b, "jvm"));
    expect(ruleModule(a, "jvm")).not.toBe("");
  });

  it("keeps R8's content-hashed lambda names: two lambdas of one class stay two", () => {
    expect(ruleFunction("$r8$lambda$jx-RpxOC8Zy0rR_vw5dH2FVhkqg", "jvm")).not.toBe(ruleFunction("$r8$lambda$PMuiigMRqSHDQWhPujhBwHVeWyI", "jvm"));
  });

  it("marks the frames Sentry counts as low quality", () => {
    const frame = (f: object) => ({ in_app: false, ...f });
    expect(isLowQuality(frame({ function: "eval", file: "/app.js" }), "javascript")).toBe(true);
    expect(isLowQuality(frame({ function: "map", file: "[native code]" }), "javascript")).toBe(true);
    expect(isLowQuality(frame({ function: "Array.map", file: "<anonymous>" }), "javascript")).toBe(true);
    expect(isLowQuality(frame({ function: "render", file: "/app.js" }), "javascript")).toBe(false);
    expect(isLowQuality(frame({ module: "_COROUTINE._BOUNDARY", function: "_" }), "jvm")).toBe(true);
    for (const fn of ["_sigtramp", "raise", "__pthread_kill", "objc_exception_throw", "@callee_guaranteed", "_dispatch_client_callout"])
      expect(isLowQuality(frame({ function: fn }), "native")).toBe(true);
    expect(isLowQuality(frame({ function: "abort" }), "native")).toBe(false);
    expect(isLowQuality({ function: "_privateHelper", in_app: true }, "native")).toBe(false);
  });

  it("trims a native name without losing an operator or a Swift throwing function", () => {
    expect(trimNativeFunction("bool operator<<T>(Foo const&, Foo const&)")).toBe("operator<<T>");
    expect(trimNativeFunction("Store.load(id:) throws -> Item")).toBe("Store.load");
  });
});

describe("demangle", () => {
  it.each([
    ["$s9swift_ios14ViewControllerC11sendAnErroryyFTf4d_n", "ViewController.sendAnError"],
    ["_$s4Shop4CartV5totalSivg", "Cart.total"],
    ["_T0s18_fatalErrorMessages5NeverOs12StaticStringV_A2E4fileSu4lines6UInt32V5flagstFTf4nnddn_n", "_fatalErrorMessage"],
    ["_ZN7android14IPCThreadState14talkWithDriverEb", "android::IPCThreadState::talkWithDriver"],
    ["_ZN4core9panicking5panic17h0123456789abcdefE", "core::panicking::panic"],
    ["_ZN49_$LT$alloc..vec..Vec$LT$T$GT$$u20$as$u20$Drop$GT$4drop17h0123456789abcdefE", "<alloc::vec::Vec<T> as Drop>::drop"],
    ["_Z3fooi", "foo"],
  ])("%s → %s", (symbol, name) => {
    expect(demangle(symbol)).toBe(name);
  });

  it("leaves what it does not read", () => {
    for (const text of ["main", "_start", "$", "_ZN3foo", "_Zfoo", "-[UIView layoutSubviews]"]) expect(demangle(text)).toBeUndefined();
  });
});

describe("signature version 3", () => {
  const stack = (platform: string, frames: object[], type = "Error", causes: object[] = []) =>
    CrashReport.parse({ provider: "sentry", platform, exception: { type, message: "boom" }, frames, causes });

  it("keeps the version-2 key of a crash its rules do not touch", () => {
    const report = stack("python", [{ file: "shop/cart.py", function: "total", in_app: true }]);
    const [v3, v2] = signaturesByVersion(report);
    expect(v3?.signature).toBe(v2?.signature);
  });

  it("reads an aggregate exception as what it holds", () => {
    const inner = {
      type: "System.NullReferenceException",
      message: "x",
      frames: [{ module: "Shop.Cart", function: "Pay", file: "Cart.cs", in_app: true }],
    };
    const wrapped = stack("csharp", [], "System.AggregateException", [inner]);
    const bare = CrashReport.parse({ provider: "sentry", platform: "csharp", exception: inner, frames: inner.frames });
    expect(computeSignature(wrapped)).toBe(computeSignature(bare));
  });

  it("keys a page's frame by its function, and lets the message tell apart a minifier's one-letter names", () => {
    const page = (host: string, fn: string, message: string) =>
      CrashReport.parse({
        provider: "sentry",
        platform: "javascript",
        exception: { type: "TypeError", message },
        frames: [{ file: `https://${host}/static/app.js`, function: fn, line: 1, column: 12_345 }],
      });
    expect(computeSignature(page("shop.example.com", "renderCart", "a is undefined"))).toBe(
      computeSignature(page("eu.shop.example.com", "renderCart", "a is undefined")),
    );
    expect(computeSignature(page("shop.example.com", "t", "a is undefined"))).not.toBe(
      computeSignature(page("shop.example.com", "t", "b.map is not a function")),
    );
  });

  it("groups a Kotlin crash with and without the coroutine boundary frames stack recovery adds", () => {
    const own = { module: "com.shop.Repo", function: "load", file: "Repo.kt", in_app: true };
    const boundary = { module: "_COROUTINE._BOUNDARY", function: "_", file: "CoroutineDebugging.kt", in_app: true };
    expect(computeSignature(stack("java", [boundary, own]))).toBe(computeSignature(stack("java", [own])));
  });
});
