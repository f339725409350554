import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { CrashReport } from "../../src/core/crash.js";
import { computeSignature, signaturesByVersion } from "../../src/core/signature.js";
import { TITLE_LIMIT, renderTitle } from "../../src/core/title.js";
import { bugsnag } from "../../src/providers/bugsnag.js";
import { sentry } from "../../src/providers/sentry.js";
import { loadStacks } from "../core/stacks.js";
import { delivery, fixtureJson } from "./delivery.js";
import { rebuilt } from "./rebuild.js";

/**
 * The reporter-rules corpus (test/fixtures/corpus/SOURCE.md): real payloads from sources the
 * first corpus did not use, one per platform shape Sentry's grouping rules treat specially.
 * Each names its crash (fixtures of one crash share the name: one crash in three browsers) and
 * the crash site its title must show.
 */

interface CorpusFixture {
  source: string;
  provider: "sentry" | "bugsnag";
  crash: string;
  /** The crash site the title names after " in "; null when the payload has no frame. */
  site: string | null;
  payload: Record<string, unknown>;
}

const dir = new URL("../fixtures/corpus/", import.meta.url);
const corpus = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((file) => ({ name: file.replace(/\.json$/, ""), ...(JSON.parse(readFileSync(new URL(file, dir), "utf8")) as CorpusFixture) }));

function parse(fixture: CorpusFixture): CrashReport {
  const body = fixture.provider === "sentry" ? { action: "triggered", data: { event: fixture.payload } } : fixture.payload;
  const result = (fixture.provider === "sentry" ? sentry : bugsnag).parse(body, delivery(Buffer.from("")));
  if (!result.ok) throw new Error(result.error);
  return result.report;
}

/** Sentry's sample events (test/fixtures/sentry/samples), as the provider reads them. */
function samples(): (readonly [string, CrashReport])[] {
  return readdirSync(new URL("../fixtures/sentry/samples/", import.meta.url))
    .filter((f) => f.endsWith(".json"))
    .flatMap((file) => {
      const result = sentry.parse(fixtureJson(`sentry/samples/${file}`), delivery(Buffer.from("")));
      return result.ok ? [[`samples/${file}`, result.report] as const] : [];
    });
}

const reports = new Map(corpus.map((f) => [f.name, parse(f)]));
const reportOf = (name: string): CrashReport => reports.get(name)!;

// v3 (current), v2 and v1 of every fixture: stored keys, a change here is a migration (core/signature.ts).
const GOLDEN: Record<string, [v3: string, v2: string, v1: string]> = {
  "android-d8-lambda-onclick": ["0c151ed4e64cd046", "348c2aee3b9b8917", "722b56bba24c8b41"],
  "android-d8-lambda-run": ["c853d8c95b0a7de8", "c492592403c9dc73", "d8fb7f4a7899c2c6"],
  "android-d8-lambda-run-other": ["1da6d5ff6e6d3331", "bb1ea201ed77cd91", "41eceac1b579d195"],
  "android-r8-internal-synthetic-lambda": ["cea74e23df9a306c", "74e97f6b5d94e4ae", "cc88f01b4be1a620"],
  "bugsnag-android-anr": ["7fb309f7e46c57ea", "7fb309f7e46c57ea", "fd5377cd9076d236"],
  "bugsnag-android-exceptions": ["d7837bf3b54e967f", "d7837bf3b54e967f", "54e7859d33274b15"],
  "bugsnag-dotnet-aggregate": ["31b5351dfcbabc53", "31b5351dfcbabc53", "85af5d134e77d60c"],
  "cpp-vector-assert-gdb": ["01847cd4d0b297ca", "01847cd4d0b297ca", "77816122a3e908ee"],
  "dotnet-aggregate-async-local-function": ["28787aa29764c022", "c378452f083249ca", "c69e0bc9a6889094"],
  "dotnet-iterator-inner-chain": ["3c4ec8a5f8d944d0", "4de536d97b36d6f1", "1744715c16f7c121"],
  "ios-objc-abort-malloc": ["4b1969ebe85513f6", "4b1969ebe85513f6", "eb9ff387e195328c"],
  "ios-swift-cold-specialized": ["e6806dbe84d5739d", "5f7aa4e471c74abe", "bfef59c5e831adab"],
  "ios-unsymbolicated-image-offset": ["9485c3107c7fa047", "9485c3107c7fa047", "7afe3aae0734a0bb"],
  "kotlin-coroutine-invokesuspend": ["5dc6c56397672f95", "5dc6c56397672f95", "3f8d9670499da257"],
  "raven-js-1-referenceerror": ["d6d1e51b0a0f5bd9", "b1330905f72292ae", "412050fbdd948e04"],
  "raven-js-1-typeerror": ["838fc0be3a566912", "c63944ef6c70d42a", "050c7b0f619c5d59"],
  "rust-napi-hashed-symbols": ["7346b59e934cf6d9", "7346b59e934cf6d9", "58eb983360fa0d6c"],
  "rust-panic-option-unwrap": ["ec9a35bd04d1b39b", "2a9d0dbe75c911b3", "37fba80d2cfa37d4"],
  "sentry-clojure-fn": ["d09f5eb204110d6d", "5f2ff119da782d84", "1c775917ecfd906c"],
  "sentry-dotnet-exception-group": ["33e8dc03ee4968e3", "5fd5482d52f78390", "f5c1e9428bb420f1"],
  "sentry-java-spring-cglib": ["4b27229aa99028e6", "ed4c94c5b3bca1dc", "11ecf58d3ffd0fd4"],
  "sentry-js-chrome": ["26e81e4b20b014f2", "6fd2dd0604991c71", "f8e4b1cb556b5104"],
  "sentry-js-firefox": ["26e81e4b20b014f2", "b829269d243b21f0", "ca9af016ea51679c"],
  "sentry-js-safari": ["26e81e4b20b014f2", "18764c13887dbea0", "21c702471eae8509"],
  "sentry-objc-block-invoke": ["eef0f9da77c64bd0", "eef0f9da77c64bd0", "245487f26a19d40a"],
  "sentry-swift-callee-guaranteed": ["1b788f23f6627964", "1b788f23f6627964", "09ca511aaf949bb6"],
  "unity-editor-property-getter": ["71f9b4441c9e82b1", "71f9b4441c9e82b1", "9bf3627adae61f2a"],
  "unity-nre-videoplayer": ["6ea69072f8629eb8", "6ea69072f8629eb8", "79e6bf5a09c41737"],
};

describe("the reporter-rules corpus", () => {
  it("holds at least 20 payloads, each with its source", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(20);
    for (const f of corpus) expect(f.source).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\//);
  });

  describe.each(corpus)("$name", (fixture) => {
    const report = reportOf(fixture.name);

    it("titles it by the crashing function, within GitHub's limit", () => {
      const title = renderTitle(report);
      expect(title.length).toBeLessThanOrEqual(TITLE_LIMIT);
      expect(title).not.toMatch(/\((?:SourceFile|Unknown Source)\)|<unknown>/);
      if (fixture.site === null) expect(title).not.toContain(" in ");
      else expect(title.endsWith(` in ${fixture.site}`)).toBe(true);
    });

    it("has its golden signature in every version", () => {
      expect(signaturesByVersion(report).map((s) => s.signature)).toEqual(GOLDEN[fixture.name]);
    });

    it("keeps its signature in a rebuilt release", () => {
      const next = rebuilt(report);
      expect(next).not.toEqual(report);
      expect(computeSignature(next)).toBe(computeSignature(report));
    });
  });
});

describe("one crash, one signature; two crashes, two", () => {
  it("gives Chrome's, Firefox's and Safari's shapes of one crash one signature", () => {
    const shapes = ["sentry-js-chrome", "sentry-js-firefox", "sentry-js-safari"].map((n) => computeSignature(reportOf(n)));
    expect(new Set(shapes).size).toBe(1);
    // Version 2 read each browser's names and paths as they came: three issues for one crash.
    expect(
      new Set(["sentry-js-chrome", "sentry-js-firefox", "sentry-js-safari"].map((n) => signaturesByVersion(reportOf(n))[1]?.signature)).size,
    ).toBe(3);
  });

  it("tells apart two crashes an old raven-js sent from the same file", () => {
    const a = reportOf("raven-js-1-typeerror");
    const b = reportOf("raven-js-1-referenceerror");
    expect([a.exception.type, b.exception.type]).toEqual(["TypeError", "ReferenceError"]);
    expect(computeSignature(a)).not.toBe(computeSignature(b));
  });

  it("keeps the signature of every report of the earlier corpora in a rebuilt release too", () => {
    const earlier = [...loadStacks().map((s) => [`stacks/${s.name}`, s.report] as const), ...samples()];
    const moved = earlier.filter(([, report]) => computeSignature(rebuilt(report)) !== computeSignature(report)).map(([name]) => name);
    expect(moved).toEqual([]);
  });

  it("never gives two distinct real crashes one signature (every pair in the corpora)", () => {
    const owners: Record<string, string[]> = {};
    const add = (signature: string, crash: string) => (owners[signature] = [...new Set([...(owners[signature] ?? []), crash])]);
    for (const f of corpus) add(computeSignature(reportOf(f.name)), f.crash);
    for (const s of loadStacks()) add(computeSignature(s.report), `stacks/${s.name}`);
    for (const [name, report] of samples()) add(computeSignature(report), name);
    expect(Object.values(owners).filter((crashesOfOne) => crashesOfOne.length > 1)).toEqual([]);
  });
});
