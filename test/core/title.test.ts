import { describe, expect, it } from "vitest";
import { CrashReport, type CrashReportInput } from "../../src/core/crash.js";
import { TITLE_LIMIT, renderTitle } from "../../src/core/title.js";
import { bugsnag } from "../../src/providers/bugsnag.js";
import { sentry } from "../../src/providers/sentry.js";
import { delivery } from "../providers/delivery.js";

const title = (report: Partial<CrashReportInput>) =>
  renderTitle(CrashReport.parse({ provider: "sentry", exception: { type: "Error", message: "" }, ...report }));

describe("the title names where it crashed", () => {
  it("names the top in-app frame's function with its class, not its file", () => {
    expect(
      title({
        platform: "java",
        exception: { type: "java.lang.IllegalStateException", message: "Not attached" },
        frames: [
          { module: "com.shop.ui.CheckoutActivity", function: "onCreate", file: "SourceFile", in_app: true },
          { module: "com.shop.ui.CheckoutActivity$1", function: "onClick", file: "SourceFile", in_app: true },
          { module: "android.view.View", function: "performClick", file: "View.java", in_app: false },
        ],
      }),
    ).toBe("java.lang.IllegalStateException: Not attached in CheckoutActivity$1.onClick");
  });

  it("names the top frame when no frame is the app's, passing over the frames Sentry calls low quality", () => {
    expect(
      title({
        platform: "cocoa",
        exception: { type: "SIGABRT", message: "" },
        frames: [
          { function: "abort", package: "/usr/lib/system/libsystem_c.dylib", in_app: false },
          { function: "pthread_kill", package: "/usr/lib/system/libsystem_pthread.dylib", in_app: false },
          { function: "__pthread_kill", package: "/usr/lib/system/libsystem_kernel.dylib", in_app: false },
        ],
      }),
    ).toBe("SIGABRT in abort");
  });

  it("names an ANR by the main thread's top in-app frame", () => {
    expect(
      title({
        platform: "java",
        exception: { type: "ApplicationNotResponding", message: "Application Not Responding for at least 5000 ms." },
        stackFrom: "crashed thread",
        frames: [
          { module: "android.os.Looper", function: "loop", file: "Looper.java", in_app: false },
          { module: "com.shop.sync.SyncService", function: "awaitUpload", file: "SyncService.kt", in_app: true },
          { module: "java.lang.Object", function: "wait", file: "Object.java", in_app: false },
        ],
      }),
    ).toBe("ApplicationNotResponding: Application Not Responding for at least 5000 ms. in SyncService.awaitUpload");
  });

  it("names an unsymbolicated native frame by its address in its binary, and a stripped image's header symbol likewise", () => {
    const frame = {
      instruction_addr: "0x104f21a2b",
      package: "/private/var/containers/Bundle/Application/X/ShopApp.app/ShopApp",
      image_offset: "0x1a2b",
      in_app: true,
    };
    expect(title({ platform: "cocoa", exception: { type: "EXC_BAD_ACCESS", message: "" }, frames: [frame] })).toBe(
      "EXC_BAD_ACCESS in 0x1a2b in ShopApp",
    );
    expect(
      title({ platform: "cocoa", exception: { type: "EXC_BAD_ACCESS", message: "" }, frames: [{ ...frame, function: "_mh_execute_header" }] }),
    ).toBe("EXC_BAD_ACCESS in 0x1a2b in ShopApp");
    expect(title({ platform: "cocoa", frames: [{ ...frame, function: "<unknown>", raw_function: "ShopApp.Cart.total() -> Int" }] })).toBe(
      "Error in ShopApp.Cart.total",
    );
  });

  it("demangles a Swift symbol and trims parameters and return types", () => {
    expect(
      title({
        platform: "cocoa",
        exception: { type: "EXC_BREAKPOINT", message: "" },
        frames: [
          {
            function: "$s9swift_ios14ViewControllerC11sendAnErroryyFTf4d_n",
            package: "/var/containers/Bundle/Application/X/swift-ios.app/swift-ios",
            in_app: true,
          },
        ],
      }),
    ).toBe("EXC_BREAKPOINT in ViewController.sendAnError");
  });

  it("reads a .NET async state machine as the method it implements", () => {
    expect(
      title({
        platform: "csharp",
        exception: { type: "System.InvalidOperationException", message: "Sequence contains no elements" },
        frames: [{ module: "Shop.Checkout+<PayAsync>d__12", function: "MoveNext", file: "Checkout.cs", in_app: true }],
      }),
    ).toBe("System.InvalidOperationException: Sequence contains no elements in Checkout.PayAsync");
  });

  it("shortens a long qualified name from the left and never cuts the function", () => {
    const fn = `${"Deeply.Nested.Namespace.".repeat(6)}Widget.renderEverythingThatTheScreenNeedsBeforeTheFirstFrameIsDrawn`;
    const out = title({
      platform: "csharp",
      exception: { type: "NullReferenceException", message: "x".repeat(300) },
      frames: [{ function: fn, in_app: true }],
    });
    expect(out.length).toBeLessThanOrEqual(TITLE_LIMIT);
    expect(out.endsWith(".renderEverythingThatTheScreenNeedsBeforeTheFirstFrameIsDrawn")).toBe(true);
  });

  it("keeps Bugsnag's class and method of an obfuscated JVM frame, not `(SourceFile)`", () => {
    const result = bugsnag.parse(
      {
        trigger: { type: "exception" },
        error: {
          exceptionClass: "java.lang.RuntimeException",
          message: "Unhandled",
          stackTrace: [
            { file: "SourceFile", lineNumber: "23", method: "com.example.bugsnag.android.BaseCrashyActivity.crashUnhandled", inProject: true },
          ],
        },
      },
      delivery(Buffer.from("")),
    );
    if (!result.ok) throw new Error(result.error);
    expect(renderTitle(result.report)).toBe("java.lang.RuntimeException: Unhandled in BaseCrashyActivity.crashUnhandled");
  });

  it("reads a Bugsnag native frame's binary and address, so an unsymbolicated one is named by both", () => {
    const result = bugsnag.parse(
      {
        trigger: { type: "exception" },
        error: {
          exceptionClass: "SIGSEGV",
          message: "Segmentation violation",
          stackTrace: [
            {
              method: "_mh_execute_header",
              machoFile: "/private/var/containers/Bundle/Application/X/ShopApp.app/ShopApp",
              frameAddress: "0x100a41a2b",
              machoLoadAddress: "0x100a40000",
              inProject: true,
            },
          ],
        },
      },
      delivery(Buffer.from("")),
    );
    if (!result.ok) throw new Error(result.error);
    expect(result.report.frames[0]).toMatchObject({
      package: "/private/var/containers/Bundle/Application/X/ShopApp.app/ShopApp",
      image_offset: "0x1a2b",
    });
    expect(renderTitle(result.report)).toBe("SIGSEGV: Segmentation violation in 0x1a2b in ShopApp");
  });

  it("leaves out a message that only repeats the type, and says nothing of a site the payload does not have", () => {
    expect(title({ exception: { type: "java.lang.NullPointerException", message: "java.lang.NullPointerException" }, frames: [] })).toBe(
      "java.lang.NullPointerException",
    );
  });
});

describe("an ANR from Sentry names the blocked main thread", () => {
  it("takes the main thread's frames when the exception carries none", () => {
    const frames = (fn: string, inApp: boolean) => ({
      frames: [
        { module: "android.os.Looper", function: "loop", in_app: false },
        { module: "com.shop.Sync", function: fn, in_app: inApp },
      ],
    });
    const event = {
      platform: "java",
      exception: { values: [{ type: "ApplicationNotResponding", value: "Background ANR", mechanism: { type: "ANR" } }] },
      threads: {
        values: [
          { id: 2, name: "worker", current: true, stacktrace: frames("upload", false) },
          { id: 1, name: "main", main: true, stacktrace: frames("awaitUpload", true) },
        ],
      },
    };
    const result = sentry.parse({ action: "triggered", data: { event } }, delivery(Buffer.from("")));
    if (!result.ok) throw new Error(result.error);
    expect(renderTitle(result.report)).toBe("ApplicationNotResponding: Background ANR in Sync.awaitUpload");
  });
});
