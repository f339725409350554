import { readdirSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { run as render } from "../../src/cli/render.js";
import { DEFAULT_CONFIG } from "../../src/core/config.js";
import { type CrashReport, crashingStack } from "../../src/core/crash.js";
import { BODY_LIMIT, neutralize, parseIssueMarker, renderIssue } from "../../src/core/render.js";
import { SIGNATURE_VERSION, computeSignature, signaturesByVersion } from "../../src/core/signature.js";
import { TITLE_LIMIT } from "../../src/core/title.js";
import { bugsnag } from "../../src/providers/bugsnag.js";
import { sentry } from "../../src/providers/sentry.js";
import { delivery, fixtureJson } from "./delivery.js";

/**
 * The corpus of real payloads (test/fixtures/sentry/samples/SOURCE.md, ../bugsnag/SOURCE.md):
 * each is parsed through its provider and rendered, and what on-call needs must be in the issue.
 * The golden signatures are stored keys: a change here is a migration (core/signature.ts).
 */

interface Expected {
  /** Function (else file) of the crashing in-app frame; null when the payload marks none. */
  top: string | null;
  /** Exception types, crash first then its causes. */
  chain: string[];
  crumbs: number;
  /** Text the body must show: context rows, native frames, notes. */
  shows: string[];
  /** The signature under every version, newest first (v3, v2, v1). */
  signatures: [string, string, string];
}

const CORPUS: Record<string, Expected> = {
  "sentry/samples/android-ndk.json": {
    top: null,
    chain: ["SIGSEGV"],
    crumbs: 0,
    shows: ["`0xe5ed9f68 in libart.so`", "`0xbcc196b4`"],
    signatures: ["be673293ed20c5cb", "be673293ed20c5cb", "da0ea713700d92b5"],
  },
  "sentry/samples/android.json": {
    top: null,
    chain: ["Exception"],
    crumbs: 0,
    shows: [
      "| **Device** | Xiaomi Redmi 7 |",
      "| **OS** | Android 9 (PKQ1.181021.001) |",
      "| **App** | Sentry sample 1.0 (build 1) |",
      "(`io.sentry.sample.MainActivity`)",
    ],
    signatures: ["2558089a6ae3894f", "2558089a6ae3894f", "5d4f696994d69ca7"],
  },
  "sentry/samples/aspnetcore.json": {
    top: "PostIndex",
    chain: ["Message"],
    crumbs: 3,
    shows: ["| **Runtime** | .NET Core 2.1.5 |", "| **OS** | Windows 10.0.17134 |", "| **Request** | `/Home/PostIndex` |"],
    signatures: ["ffd483789bf4a6f0", "ffd483789bf4a6f0", "6302894532b16595"],
  },
  "sentry/samples/cocoa.json": {
    top: "ViewController.causeCrash(Any) -> ()",
    chain: ["EXC_BAD_ACCESS"],
    crumbs: 5,
    shows: ["## `EXC_BAD_ACCESS` (fatal)", "**Crashed in** `ViewController.causeCrash(Any) -> ()` in `sentry-ios-cocoapods`"],
    signatures: ["47d87d1bdf9da281", "0c388057caf2e027", "89c10a4f3962de44"],
  },
  "sentry/samples/cordova.json": {
    top: null,
    chain: ["Error"],
    crumbs: 0,
    shows: ["| **App** | HelloWorld 1.0.0 (build 1.0.0) |", "| **OS** | iOS 11.3 (17E199) |"],
    signatures: ["ca0a6a73c376dc48", "362de74edb6fe947", "7da4e04801085f55"],
  },
  "sentry/samples/elixir.json": {
    top: null,
    chain: ["exit"],
    crumbs: 0,
    shows: ["`HelloHTTP2.WWW.handle_request/2` at `lib/hello_http2/www.ex:9`"],
    signatures: ["57119706d68206aa", "57119706d68206aa", "9968f3eadbd062b1"],
  },
  "sentry/samples/exception-with-address-instruction.json": {
    top: null,
    chain: ["The operation couldn’t be completed. (ServiceKit.ClientTask.Result.ResultError error 1.)"],
    crumbs: 0,
    shows: ["`start + 1` in `libdyld.dylib`"],
    signatures: ["5eed6af47eb6d3ff", "bdd54d0d21bd019e", "c4cd65239e839a14"],
  },
  "sentry/samples/exceptions-and-no-threads.json": {
    top: "app/views/welcome/view_error.html.erb",
    chain: ["ActionView::Template::Error", "NameError"],
    crumbs: 0,
    shows: ["### Caused by", "★ _unknown function_ at `app/views/welcome/view_error.html.erb:1`"],
    signatures: ["8fc6b157e2006b76", "f2b34695be4b4531", "2be2abfe154555c4"],
  },
  "sentry/samples/invalid-interfaces.json": {
    top: null,
    chain: ["ValueError", "ValueError", "ValueError"],
    crumbs: 3,
    shows: ['breadcrumbs.values\\[2\\].data: skipped, expected record, got the text "must be a mapping"'],
    signatures: ["ba66bb18fa5f43f3", "ba66bb18fa5f43f3", "8e38c6038e243f86"],
  },
  "sentry/samples/java.json": {
    top: "perform",
    chain: ["ApiException"],
    crumbs: 4,
    shows: ["| **Request** | `http://localhost:8080/` |", "(`io.sentry.example.ApiRequest`)", "| `server_name` | web1.example.com |"],
    signatures: ["bd1d120b73b24a45", "bd1d120b73b24a45", "9a0b8bb090768407"],
  },
  "sentry/samples/javascript.json": {
    top: "poll",
    chain: ["TypeError"],
    crumbs: 0,
    shows: ["**Crashed in** `poll` at `../../sentry/scripts/views.js:389:46`"],
    signatures: ["2f4365831d890045", "0185950115c13b54", "30d24fb3b0167b1e"],
  },
  "sentry/samples/native-rust.json": {
    top: "thread_demo::main::_{{closure}}::_{{closure}}",
    chain: ["thread_demo"],
    crumbs: 3,
    shows: ["| **Runtime** | rustc 1.25.0 |", "| **OS** | Mac OS X 10.13.4 (17E199) |"],
    signatures: ["dcfe747f0b9218b9", "dcfe747f0b9218b9", "2d93a55b3e57f165"],
  },
  "sentry/samples/nintendo-switch.json": {
    top: "nnMain",
    chain: ["Exception"],
    crumbs: 3,
    shows: ["| **Device** | named Nintendo Switch |", "| **App** | SentryIntegrationTest 1.0.0 (build 1) |", "| **OS** | Nintendo OS 20.1.5 |"],
    signatures: ["cb1749198d821938", "cb1749198d821938", "574c4f431edd97f1"],
  },
  "sentry/samples/php.json": {
    top: null,
    chain: ["Exception"],
    crumbs: 0,
    shows: ["`raven_cli_test` at `/Users/example/Development/raven-php/bin/raven:16`"],
    signatures: ["062944ce0d224dee", "062944ce0d224dee", "cae4e4eaf632a472"],
  },
  "sentry/samples/playstation.json": {
    top: "USentryTowerCheatManager::ActivateGodMode",
    chain: ["Exception"],
    crumbs: 2,
    shows: ["| **Device** | named PlayStation 5 |", "```\nCheatData->Activate();\n```"],
    signatures: ["ed316d780440e33c", "ed316d780440e33c", "dd878a2dff87aeb8"],
  },
  "sentry/samples/python-modern.json": {
    top: "main",
    chain: ["Exception"],
    crumbs: 1,
    shows: [
      "| **Runtime** | CPython 3.13.5 |",
      "## `Exception` (unhandled, error)",
      '| **First seen** | <span title="2025-06-27T06:48:32.867Z">2025-06-27 06:48 UTC</span> |',
    ],
    signatures: ["e0f1ced1becf0d72", "e0f1ced1becf0d72", "f4c8dd30efea2ea3"],
  },
  "sentry/samples/python.json": {
    top: null,
    chain: ["Event"],
    crumbs: 0,
    shows: ["`main` at `raven/scripts/runner.py:112`", "`server_name` | web01.example.org"],
    signatures: ["ca92ce4610fb550b", "ca92ce4610fb550b", "ca3ffcff0d531259"],
  },
  "sentry/samples/rails-crashed-thread.json": {
    top: "app/views/welcome/view_error.html.erb",
    chain: ["NameError"],
    crumbs: 0,
    shows: [
      "these are the crashed thread's frames",
      "| **Browser** | Safari 14.0.3 |",
      "| **Transaction** | WelcomeController#view\\_error |",
      "| **Request** | `http://localhost:3000/view_error` |",
    ],
    signatures: ["e6946dbf0ca4bb85", "823952102a9fa0e0", "9026ddfa2498b5df"],
  },
  "sentry/samples/unity.json": {
    top: "SentryTest.SendMessage (System.String message)",
    chain: ["DivideByZeroException"],
    crumbs: 6,
    shows: ["| **Device** | MacBookPro14,3, named Bruno’s MacBook Pro |", "| **Memory** | 16.0 GiB |"],
    signatures: ["4727b51a06fe6233", "4727b51a06fe6233", "faebcf8ca661a835"],
  },
  "sentry/samples/xbox.json": {
    top: "OnSubmitPerformed",
    chain: ["Exception"],
    crumbs: 5,
    shows: ["| **Runtime** | Mono Unity IL2CPP |", "| **Device** | XboxSeriesX, named XBOX |", "(`SceneManagers.HUDManager`)"],
    signatures: ["97ac4c0d90314025", "97ac4c0d90314025", "af604f49515dab1d"],
  },
  "sentry/event_alert.json": {
    top: null,
    chain: ["ReferenceError"],
    crumbs: 0,
    shows: ["| **OS** | Mac OS X 10.14.0 |"],
    signatures: ["54684f1ef171d83e", "82d1493c350bbd48", "adc8c27b49fee559"],
  },
  "sentry/event_alert-android.json": {
    top: "total",
    chain: ["NullPointerException"],
    crumbs: 3,
    shows: ["| **Device** | Google Pixel 7 |"],
    signatures: ["320e6c6524a87ca3", "320e6c6524a87ca3", "662396bac24c6643"],
  },
  "bugsnag/webhook-exception.json": {
    top: "example",
    chain: ["ExampleException"],
    crumbs: 0,
    shows: ["| **OS** | android 8.0.1 |"],
    signatures: ["bf1c414a45cf63d3", "bf1c414a45cf63d3", "bac695d4d18e3a69"],
  },
  "bugsnag/webhook-firstException.json": {
    top: null,
    chain: ["Error"],
    crumbs: 4,
    shows: ["Page shown"],
    signatures: ["52b03c03ea899ee8", "3f0c70a5e9d43850", "03f9ba8425ed49a1"],
  },
  "bugsnag/webhook-example-event.json": {
    top: "example",
    chain: ["ExampleException"],
    crumbs: 0,
    shows: ["breadcrumbs: not in Bugsnag's webhook"],
    signatures: ["bf1c414a45cf63d3", "bf1c414a45cf63d3", "bac695d4d18e3a69"],
  },
};

function parse(path: string): CrashReport {
  const provider = path.startsWith("bugsnag/") ? bugsnag : sentry;
  const result = provider.parse(fixtureJson(path), delivery(Buffer.from("")));
  if (!result.ok) throw new Error(`${path}: ${result.error}`);
  return result.report;
}

const fixtures = Object.entries(CORPUS);

describe("the fixture corpus", () => {
  it("holds at least 25 real payloads, every Sentry sample in the folder among them", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(25);
    const samples = readdirSync(new URL("../fixtures/sentry/samples/", import.meta.url)).filter((f) => f.endsWith(".json"));
    for (const sample of samples) expect(Object.keys(CORPUS)).toContain(`sentry/samples/${sample}`);
  });

  describe.each(fixtures)("%s", (path, expected) => {
    const report = parse(path);
    const signature = computeSignature(report);
    const { title, body } = renderIssue({
      report,
      signature,
      stats: { events: 1, users: 0, versions: [], firstSeen: "2026-01-01T00:00:00Z", lastSeen: "2026-01-01T00:00:00Z" },
      links: DEFAULT_CONFIG.links,
    });

    it("finds the crashing in-app frame", () => {
      const top = crashingStack(report).findLast((f) => f.in_app);
      expect(top ? (top.function ?? top.file) : null).toBe(expected.top);
    });

    it("keeps the exception chain, crash first", () => {
      expect([report.exception.type, ...report.causes.map((c) => c.type)]).toEqual(expected.chain);
    });

    it("shows the breadcrumbs, the context on-call looks for, and no unknown rows", () => {
      expect(report.breadcrumbs).toHaveLength(expected.crumbs);
      const last = report.breadcrumbs.at(-1)?.message;
      if (last) expect(body).toContain(neutralize(last));
      for (const text of expected.shows) expect(body).toContain(text);
      expect(body).not.toMatch(/\| \*\*Users\*\* \| 0 \|/);
      expect(body).not.toMatch(/\| \*\*[^*]+\*\* \|\s*\|\n/);
      expect(title.length).toBeLessThanOrEqual(TITLE_LIMIT);
      expect(title).not.toMatch(/(^|\s)…/);
    });

    it("has its golden signature in every version, the current one written with its version in the marker", () => {
      expect(signaturesByVersion(report).map((s) => s.signature)).toEqual(expected.signatures);
      expect(signature).toBe(expected.signatures[0]);
      expect(parseIssueMarker(body)).toMatchObject({ signature, sv: SIGNATURE_VERSION });
    });
  });
});

describe("hotfix-loop render on the corpus", () => {
  let log: MockInstance;
  beforeEach(() => {
    log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    vi.spyOn(console, "error").mockImplementation(() => undefined);
  });
  afterEach(() => vi.restoreAllMocks());

  it.each(fixtures.map(([path]) => path))("%s exits 0 with a body within GitHub's limit", async (path) => {
    expect(await render([new URL(`../fixtures/${path}`, import.meta.url).pathname])).toBe(0);
    const printed = log.mock.calls.map((c) => c.join(" ")).join("\n");
    expect(printed.length).toBeLessThanOrEqual(BODY_LIMIT + 200);
    expect(parseIssueMarker(printed)).not.toBeNull();
  });

  it.each(["empty-exception", "empty-stacktrace"])("refuses %s, which has nothing to report, and says why", async (name) => {
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    expect(await render([new URL(`../fixtures/sentry/refused/${name}.json`, import.meta.url).pathname])).toBe(1);
    expect(error.mock.calls.flat().join(" ")).toMatch(/neither an exception \(exception\.values\) nor a message/);
  });
});
