import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderClock } from "../../src/core/clock.js";
import { DEFAULT_CONFIG } from "../../src/core/config.js";
import { CrashReport, firstSeenOf } from "../../src/core/crash.js";
import { type RenderInput, renderIssue } from "../../src/core/render.js";
import { computeSignature } from "../../src/core/signature.js";
import { sentry } from "../../src/providers/sentry.js";
import { delivery } from "../providers/delivery.js";
import { corpus } from "./corpus.js";

/**
 * Byte-identical output, proven: the exact title, body and signature of every report of the
 * fixture corpus, rendered in the shapes the App uses (bare, linked to a repository with a
 * regression banner and a clock, and squeezed by the size budget), pinned as SHA-256 hashes.
 * Speed work on the core must leave every hash as it is; a deliberate change of the output
 * updates them here, in the same commit, where a reviewer sees it.
 */

/** A report far over GitHub's limit: the budget collapses, drops and cuts. */
function oversized(report: CrashReport): CrashReport {
  const frames = Array.from({ length: 4_000 }, (_, i) => ({
    ...(report.frames[i % Math.max(1, report.frames.length)] ?? {}),
    file: `src/module${i % 37}/file${i}.ts`,
    function: `fn${i}`,
    line: i,
    in_app: i % 9 === 0,
  }));
  const breadcrumbs = Array.from({ length: 1_500 }, (_, i) => ({
    timestamp: "2026-01-01T00:00:00Z",
    category: "log",
    message: `step ${i} @user #${i}`,
  }));
  return CrashReport.parse({ ...report, frames, breadcrumbs, exception: { ...report.exception, message: "x ".repeat(40_000) } });
}

const stats: RenderInput["stats"] = { events: 1, users: 0, versions: [], firstSeen: "2026-01-01T00:00:00Z", lastSeen: "2026-01-01T00:00:00Z" };
const busyStats: RenderInput["stats"] = {
  events: 123_456,
  users: 789,
  versions: [
    { version: "2.0.1", count: 100_000 },
    { version: "2.0.0", count: 23_456 },
  ],
  firstSeen: "2025-12-01T00:00:00Z",
  lastSeen: "2026-01-02T03:04:05Z",
};

function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

/** title hash, body hash and signature of one report in the three shapes. */
function fingerprint(report: CrashReport): string[] {
  const signature = computeSignature(report);
  const shapes: RenderInput[] = [
    { report, signature, stats, links: DEFAULT_CONFIG.links },
    {
      report,
      signature,
      stats: busyStats,
      repo: "acme/app",
      links: { ...DEFAULT_CONFIG.links, stripPrefixes: ["/home/runner/work/app/", "C:\\build\\"] },
      regressedIn: "2.0.1",
      clock: "### Hotfix clock\n\nstarted",
    },
    { report: oversized(report), signature, stats: busyStats, repo: "acme/app", ref: "v2.0.1", links: DEFAULT_CONFIG.links },
  ];
  return [signature, ...shapes.map((s) => renderIssue(s)).map(({ title, body }) => `${hash(title)} ${hash(body)} ${body.length}`)];
}

const GOLDEN: Record<string, string[]> = {
  "breadcrumb data of every kind": [
    "89d80430b162b8bc",
    "8b1232c6ba2092eb 7db0a7f76b92a448 3786",
    "8b1232c6ba2092eb 48d12fbb819f4b8f 4011",
    "c40b33ae28cd51ef 2048f95fdaf505cd 64957",
  ],
  "bugsnag/webhook-example-event.json": [
    "bf1c414a45cf63d3",
    "6a12f13af2e21249 e00f101704ba155a 1399",
    "6a12f13af2e21249 143d5c014a80e200 1884",
    "2f87776e00c13289 5069e3f82c715f96 64967",
  ],
  "bugsnag/webhook-exception.json": [
    "bf1c414a45cf63d3",
    "6a12f13af2e21249 5c030dec07dcded4 1922",
    "6a12f13af2e21249 367d5a160b8fc5e5 2147",
    "2f87776e00c13289 3423ff6f26c6f638 64963",
  ],
  "bugsnag/webhook-firstException.json": [
    "52b03c03ea899ee8",
    "04d25264410722eb 4aaf632849a2183f 1885",
    "04d25264410722eb 86f7bc8d12ccf642 2110",
    "c40b33ae28cd51ef d062f6add4a494ea 64967",
  ],
  "generic/bugnet-no-stack.json": [
    "e844de0c1de7c1e9",
    "48cd7d4522425f4e c766fa52194f7df6 1202",
    "48cd7d4522425f4e 022c8413ec7551ed 1427",
    "fcb03238461053c9 68f4d2142d120584 64956",
  ],
  "generic/unity-crashing-first.json": [
    "1ed9b1d423a449a8",
    "a2c5eedeb8678ba4 5cd51a371d0e6935 1908",
    "a2c5eedeb8678ba4 8af4a6777acdf9bd 2418",
    "bfa0429c21443777 4badb323bb637b4c 64972",
  ],
  "sentry/event_alert-android.json": [
    "320e6c6524a87ca3",
    "862cfe74c76c04bb 1244296de600e1ba 2381",
    "862cfe74c76c04bb 9d6eb66455217468 2814",
    "93ffe6aa6bd7efa7 809e428f139a0b0e 64967",
  ],
  "sentry/event_alert.json": [
    "54684f1ef171d83e",
    "ba63482e3bce2160 df877b37ed00040e 1625",
    "ba63482e3bce2160 f896b5e26cab6063 1850",
    "f199e59a5ef3072e 2e48a84d94374f46 64753",
  ],
  "sentry/issue.json": [
    "586ff2aa8d5f4ecd",
    "8f4ee2967cf905db a7af04b91d4b0c92 1229",
    "8f4ee2967cf905db 42e80079d59e1bd2 1454",
    "f199e59a5ef3072e a23c2550b44f3f98 64975",
  ],
  "sentry/samples/android-ndk.json": [
    "be673293ed20c5cb",
    "f711644730396a44 73b5417d923d53e0 1924",
    "f711644730396a44 cf6bde34d9df8741 2149",
    "c85f4034211d81be 25c57f581dab5827 64888",
  ],
  "sentry/samples/android.json": [
    "2558089a6ae3894f",
    "27f7addb84a39fe6 a7bfb357f9844463 2058",
    "27f7addb84a39fe6 ff6ed80bae07f749 2323",
    "b942698d1ba8edf4 89bc55db1a523794 64960",
  ],
  "sentry/samples/aspnetcore.json": [
    "ffd483789bf4a6f0",
    "639c7993ea44b5b1 3b841338eefd41ca 4331",
    "639c7993ea44b5b1 2c0bca53091493d4 4583",
    "fc2d2ff017686b3b 08fa9b92c034fbae 64964",
  ],
  "sentry/samples/cocoa.json": [
    "47d87d1bdf9da281",
    "b73b65abddabd02d c8a1d5e801d7ed72 3136",
    "b73b65abddabd02d a4fa98c000b2a585 3415",
    "a4d29aa12ab57771 a079b1dd7b6cc6ab 64958",
  ],
  "sentry/samples/cordova.json": [
    "ca0a6a73c376dc48",
    "df84727dd08ab730 9aa2b80ffdbc2ce3 1123",
    "df84727dd08ab730 1e1f88df695b3d46 1348",
    "c40b33ae28cd51ef c03aa9f9ac92a147 64945",
  ],
  "sentry/samples/elixir.json": [
    "57119706d68206aa",
    "c5269d1448030cd1 45c2bce62e3a1e82 1279",
    "c5269d1448030cd1 dee8d56aff1413f4 1504",
    "efb8ea8ce93f10cf 377449d0a57da777 64906",
  ],
  "sentry/samples/exception-with-address-instruction.json": [
    "5eed6af47eb6d3ff",
    "903baac348165a67 31168f599a77fa89 1212",
    "903baac348165a67 baba58407e83e895 1437",
    "04cd94248eca99b2 c10c05dadac075fa 64949",
  ],
  "sentry/samples/exceptions-and-no-threads.json": [
    "8fc6b157e2006b76",
    "cf67d725af789bba b05214bf04e91368 1456",
    "cf67d725af789bba 0196903e9c22c4d1 1681",
    "a009e9e6664a085d 95efb3a0584e4e27 64964",
  ],
  "sentry/samples/invalid-interfaces.json": [
    "ba66bb18fa5f43f3",
    "b6276ba72bbc5084 01402404f67a5e53 1905",
    "b6276ba72bbc5084 74cfc9abbf78a38f 2130",
    "016163a91b9cb9f2 1ba3c38a6bb6e83b 65074",
  ],
  "sentry/samples/java.json": [
    "bd1d120b73b24a45",
    "77e21fae36d2621e 1aadb44a281bee8a 6048",
    "77e21fae36d2621e a7acdedc8681a58a 6538",
    "60c0f7c7fd638df2 3cf00dc9979270db 64870",
  ],
  "sentry/samples/javascript.json": [
    "2f4365831d890045",
    "bb17395468592255 760d89d4248719a7 1325",
    "bb17395468592255 a37c86e6989458ac 1550",
    "421810535e770c68 816f69dcbe67de0e 64899",
  ],
  "sentry/samples/native-rust.json": [
    "dcfe747f0b9218b9",
    "ed4974a31e67324a 1ae31986e2b17112 2167",
    "ed4974a31e67324a ce3a7d2611017470 2392",
    "715fe16a8d457f2c 2b66c790274bb41e 64954",
  ],
  "sentry/samples/nintendo-switch.json": [
    "cb1749198d821938",
    "6a4fba69ec000c36 0873743d03d221b7 1637",
    "6a4fba69ec000c36 1dedf808a0e6d09f 1862",
    "0b5226f6816b393f d26e6d0d1bda2bcd 64912",
  ],
  "sentry/samples/php.json": [
    "062944ce0d224dee",
    "ceb6166a08ddcc52 c07c6973747c62cb 1228",
    "ceb6166a08ddcc52 c625876b5d483fce 1453",
    "0b5226f6816b393f 123a8b9ad3baccad 64970",
  ],
  "sentry/samples/playstation.json": [
    "ed316d780440e33c",
    "bdcdb2cbb3939db1 4d64c40aacc0378e 1528",
    "bdcdb2cbb3939db1 a4f2fba57debd1aa 1753",
    "0b5226f6816b393f 7f24112752733790 64843",
  ],
  "sentry/samples/python-modern.json": [
    "e0f1ced1becf0d72",
    "e40109e25ffe8bca 1537e6389f265e49 1510",
    "e40109e25ffe8bca b4a12d1ecbededa8 1735",
    "0b5226f6816b393f 3b10130344fcaed4 64942",
  ],
  "sentry/samples/python.json": [
    "ca92ce4610fb550b",
    "aa87cda5946a01a6 f822701822987e6a 1236",
    "aa87cda5946a01a6 79e0d62db77cad13 1461",
    "2ba603309d341502 1a62d81e201376ae 64949",
  ],
  "sentry/samples/rails-crashed-thread.json": [
    "e6946dbf0ca4bb85",
    "9d3a4a016b6732e3 817d9d1ad3d898c0 2840",
    "9d3a4a016b6732e3 b92af0ff51ef69b5 3065",
    "b128eca9d6ada68b 71e4dc8266dcad9d 65018",
  ],
  "sentry/samples/unity.json": [
    "4727b51a06fe6233",
    "fa4960b7fb1c4015 42af47c7209f8532 2600",
    "fa4960b7fb1c4015 f857c056103bc80a 2848",
    "669604117dddad44 ec9f0a070f9d6f62 64941",
  ],
  "sentry/samples/xbox.json": [
    "97ac4c0d90314025",
    "920b937a19cc89c6 8cd506d2f1c52555 2697",
    "920b937a19cc89c6 1cc1629d902d561b 2922",
    "4461264d67bfd856 20acfdfbc73fd3d6 64971",
  ],
  "stacks/android-anonymous-class": [
    "587974caba4c5b6a",
    "2d006195d4eda409 fb6ab0764f137fbf 1152",
    "2d006195d4eda409 8876ba94bdb41a5f 1503",
    "4c4efb5a4f550705 befeacf023ed38b2 64911",
  ],
  "stacks/android-anonymous-class later": [
    "587974caba4c5b6a",
    "febdd798b365c17c 4bce40113133e39e 1152",
    "febdd798b365c17c c6dfaddf01a607ab 1503",
    "4c4efb5a4f550705 7157f793c9f7729a 64911",
  ],
  "stacks/android-npe-proguard": [
    "9eb2e95e3d2c5fcd",
    "e66222f7a7ecd598 b9fe973b3a3c3a8c 1856",
    "e66222f7a7ecd598 d75987c38f43af87 2295",
    "5380fb71a9884aa3 fc9c9fd355836c49 64876",
  ],
  "stacks/android-npe-proguard later": [
    "9eb2e95e3d2c5fcd",
    "e66222f7a7ecd598 bc306e640834bfcb 1857",
    "e66222f7a7ecd598 0cc5c8fe1768e515 2296",
    "5380fb71a9884aa3 aa67d66d82fa8963 64876",
  ],
  "stacks/c-nginx-gdb": [
    "f752db7e8b7e87ea",
    "46e22d1fe87889bf da77ad88e56bc3cd 1509",
    "46e22d1fe87889bf d26a60e5b34ca49f 2144",
    "c85f4034211d81be d12ae8bd10f882ae 64931",
  ],
  "stacks/c-nginx-gdb later": [
    "f752db7e8b7e87ea",
    "46e22d1fe87889bf c84e8caeb175afc6 1513",
    "46e22d1fe87889bf 6fca048484b7f8ae 2148",
    "c85f4034211d81be 6fcb0ff86747acc1 64931",
  ],
  "stacks/cpp-abort-libsegfault": [
    "a0a7c96585c1ffae",
    "0846db1a88ea1a37 97489cfe2053afcd 1796",
    "0846db1a88ea1a37 609bf8945408f7ce 2046",
    "cf979aa463754853 9ce04fbe71a864af 64942",
  ],
  "stacks/cpp-abort-libsegfault later": [
    "a0a7c96585c1ffae",
    "0846db1a88ea1a37 732f178801a7380f 1799",
    "0846db1a88ea1a37 7e25f5f38c9e13d3 2050",
    "cf979aa463754853 d79e06ca7423728b 64944",
  ],
  "stacks/js-browser-cra-chunks": [
    "85f3842f2695a37a",
    "ee0f0404a24341d4 d23b8839b0bebfdf 1809",
    "ee0f0404a24341d4 f43f7a7990d509fe 2059",
    "421810535e770c68 b64d715fbe74a806 64879",
  ],
  "stacks/js-browser-cra-chunks later": [
    "85f3842f2695a37a",
    "6b5322181f5b6722 598a0eb95a07ac1b 1952",
    "6b5322181f5b6722 443a824b00a3b2ae 2202",
    "421810535e770c68 32eae0281c6b1a32 64879",
  ],
  "stacks/js-browser-nextjs-chunks": [
    "bb6bd66a05ffb517",
    "69abf22c9107e30d 96a3323ae4d6cd5e 1770",
    "69abf22c9107e30d ebc95f569eeea1bf 2021",
    "421810535e770c68 d86fb6ed6590c690 64927",
  ],
  "stacks/js-browser-nextjs-chunks later": [
    "bb6bd66a05ffb517",
    "c79f9ff441b56850 9ade288d6759db00 1730",
    "c79f9ff441b56850 0787673ecbf3f5a9 1981",
    "421810535e770c68 14db7b0b416415f8 64927",
  ],
  "stacks/kotlin-coroutine-lateinit": [
    "dcec006c428b0829",
    "5f59db91ffe5d6b1 a4558dc52d3f885d 2037",
    "5f59db91ffe5d6b1 e3c7142512137ccb 2503",
    "ade80e7d25d4828d e321429e5dfc74dc 64811",
  ],
  "stacks/kotlin-coroutine-lateinit later": [
    "dcec006c428b0829",
    "7b4fe0e1b5d2b054 d0fb1ab186edc819 2038",
    "7b4fe0e1b5d2b054 ea80a7069484a083 2504",
    "ade80e7d25d4828d be54db2c071e579b 64811",
  ],
  "stacks/node-unhandled-rejection": [
    "7840a2395fe62975",
    "b52fa1ca2327c3ab b77b1eb7f0657d8f 1224",
    "b52fa1ca2327c3ab b0083ee30a5ec53f 1474",
    "421810535e770c68 7b031878ba53a7b3 64886",
  ],
  "stacks/node-unhandled-rejection later": [
    "7840a2395fe62975",
    "b52fa1ca2327c3ab de11e7a0ef7e698b 1237",
    "b52fa1ca2327c3ab 2bb50991f7119acc 1487",
    "421810535e770c68 9d391eda193de348 64886",
  ],
  "stacks/python-django-keyerror": [
    "664adb3165ad10e1",
    "8e83ce7e1979c078 ebfa53108a829e51 1517",
    "8e83ce7e1979c078 32503ddfaacf1ad7 1772",
    "ada210f8ddcf988f 89958de1bfe2774c 64940",
  ],
  "stacks/python-django-keyerror later": [
    "664adb3165ad10e1",
    "5a4d4c513d6e389a 2d4a3037b71861f2 1648",
    "5a4d4c513d6e389a 3c7e06121c1d86a9 1903",
    "ada210f8ddcf988f 7a1a2c6c71fa2775 64940",
  ],
  "stacks/python-library-only": [
    "79d97502efb3b748",
    "cfa2e6e392eb2eb9 181e94dcfebf7fe5 1232",
    "cfa2e6e392eb2eb9 7cc02c9a34e39fec 1483",
    "ada210f8ddcf988f 5f92e67b748248a5 64934",
  ],
  "stacks/python-library-only later": [
    "79d97502efb3b748",
    "cfa2e6e392eb2eb9 3bf9ba4fa238edf9 1237",
    "cfa2e6e392eb2eb9 6da7db76fd842b57 1488",
    "ada210f8ddcf988f 91e9ab3b9870361f 64934",
  ],
  "stacks/rust-panic-local": [
    "e5d8631cc074781d",
    "9bd94a4ea62ccc00 a918a54cedf8a253 1227",
    "9bd94a4ea62ccc00 e10b934c7e77acd7 1477",
    "98f523a9b14fa451 744425c2c953486f 64936",
  ],
  "stacks/rust-panic-local later": [
    "e5d8631cc074781d",
    "9bd94a4ea62ccc00 8396eee5eb80ccba 1239",
    "9bd94a4ea62ccc00 5022610bc00321af 1489",
    "98f523a9b14fa451 0184371e7a6c1aa0 64936",
  ],
  "stacks/rust-panic-registry": [
    "021fc655638bcf71",
    "b176e8235c7a3ce4 fa430edaf23abf0b 1504",
    "b176e8235c7a3ce4 a88dfd17137d014b 1754",
    "98f523a9b14fa451 496770dad478f069 64865",
  ],
  "stacks/rust-panic-registry later": [
    "021fc655638bcf71",
    "b176e8235c7a3ce4 9ebcb1859ae60ae2 1504",
    "b176e8235c7a3ce4 df98373c661f1567 1754",
    "98f523a9b14fa451 b9aed68ee5c4cbc3 64865",
  ],
  "stacks/ts-react-source-mapped": [
    "92a098aa428f3f4d",
    "c15b2bb4f3d0b7c7 a49a32bef4e61f14 2132",
    "c15b2bb4f3d0b7c7 08e577f4da12cc46 2569",
    "421810535e770c68 dd10f3939bd70115 64961",
  ],
  "stacks/ts-react-source-mapped later": [
    "92a098aa428f3f4d",
    "c15b2bb4f3d0b7c7 d8ea9cbceeb679a3 2126",
    "c15b2bb4f3d0b7c7 06525be9215389a7 2563",
    "421810535e770c68 5150abdc644428d4 64961",
  ],
  "stacks/unity-generic-nre": [
    "880370d779058b33",
    "68b904bb54a77def 92dac5ff63749566 1629",
    "68b904bb54a77def 622dc091b7e392d1 2232",
    "30913c7c061a43c0 39227b9da6785c68 64951",
  ],
  "stacks/unity-generic-nre later": [
    "880370d779058b33",
    "68b904bb54a77def 3fa04e6bf82a33ec 1755",
    "68b904bb54a77def ec2319111f3764f8 2418",
    "30913c7c061a43c0 50073632d0dc6e4f 64951",
  ],
  "stacks/unity-player-il-offsets": [
    "f5674c3fbf6ebc3e",
    "49e0020082974735 9914f5e6a1b7b384 940",
    "49e0020082974735 1283a995acc59bc5 1190",
    "26229f93e469fe22 2828c21539bd595f 64957",
  ],
  "stacks/unity-player-il-offsets later": [
    "f5674c3fbf6ebc3e",
    "31988fb3349434f4 0e504b1cf0a920cf 940",
    "31988fb3349434f4 3d83c76a1d1fcf5d 1190",
    "26229f93e469fe22 451a9efd8a37e4fc 64957",
  ],
};

describe("render and signature on the fixture corpus are byte for byte as pinned", () => {
  const reports = corpus();

  it("pins every report of the corpus", () => {
    expect(reports.map(([name]) => name).sort()).toEqual(Object.keys(GOLDEN).sort());
  });

  it.each(reports)("%s", (name, report) => {
    expect(fingerprint(report)).toEqual(GOLDEN[name]);
  });
});

/**
 * The demo's hotfix issue as on-call reads it, whole: `hotfix-loop demo` opens it from
 * examples/sentry-event-alert.json with the demo repository's settings, its alert arriving a
 * minute after the crash and the issue opened a minute later.
 */
describe("the demo issue", () => {
  const bytes = readFileSync(new URL("../../examples/sentry-event-alert.json", import.meta.url));
  const parsed = sentry.parse(JSON.parse(bytes.toString("utf8")), delivery(bytes));
  if (!parsed.ok) throw new Error("the demo's example alert no longer parses");
  const report = parsed.report;
  const received = "2024-06-18T11:53:11.217Z";
  const release = report.release!;
  const { title, body } = renderIssue({
    report,
    signature: computeSignature(report),
    stats: { events: 1, users: 0, versions: [{ version: release, count: 1 }], firstSeen: received, lastSeen: received },
    repo: "acme/shop-android",
    links: { ...DEFAULT_CONFIG.links, root: "app/src/main/java" },
    clock: renderClock([
      { round: 1, stage: "first-occurrence", at: firstSeenOf(report, received), detail: {} },
      { round: 1, stage: "issue-opened", at: "2024-06-18T11:54:11.900Z", detail: {} },
    ]),
  });
  const marker = body.slice(body.indexOf("<!-- hotfix-loop:crash"));
  const read = body.slice(0, body.indexOf("<!-- hotfix-loop:crash"));

  it("shows the message and the crashing frame with its line and link before any table", () => {
    const message = read.indexOf("Attempt to invoke virtual method 'long com.example.shop.Money.getAmount()' on a null object reference");
    const crashed = read.indexOf(
      "**Crashed in** `total` at [`CartTotals.kt:42`](https://github.com/acme/shop-android/blob/v4.12.1/app/src/main/java/com/example/shop/checkout/CartTotals.kt#L42)",
    );
    const source = read.indexOf("val unit = item.price!!.amount");
    const firstTable = read.search(/^\|/m);
    expect(read.startsWith("## `NullPointerException` (unhandled, fatal)\n")).toBe(true);
    expect(0).toBeLessThan(message);
    expect(message).toBeLessThan(crashed);
    expect(crashed).toBeLessThan(source);
    expect(source).toBeLessThan(read.indexOf("### Stack trace"));
    expect(read.indexOf("### Stack trace")).toBeLessThan(firstTable);
    // The order on-call reads in: the rest of the stack, breadcrumbs, context, then counts and the clock.
    const sections = [...read.matchAll(/^### (.+)$/gm)].map((m) => m[1]);
    expect(sections).toEqual(["Stack trace", "Breadcrumbs", "Device and app", "Occurrences", "Hotfix clock"]);
  });

  it("says each fact once, and the signature only in the hidden marker", () => {
    const once = (text: string) => read.split(text).length - 1;
    expect(once("unhandled")).toBe(1);
    expect(once("fatal")).toBe(1);
    expect(read).not.toMatch(/Handled|Severity|it crashed/);
    expect(once(release)).toBe(1);
    expect(once("Android 14")).toBe(1);
    expect(read).not.toContain(computeSignature(report));
    expect(marker).toContain(`"signature":"${computeSignature(report)}"`);
    // The crashing frame is under the message; the stack goes on from frame 2.
    expect(once("[`CartTotals.kt:42`]")).toBe(1);
    expect(read).not.toMatch(/^1\. /m);
  });

  it("leaves out what would say nothing: no empty cell in any table", () => {
    expect(read).toContain("| Time | Category | Level | Message |");
    const rows = read.split("\n").filter((l) => l.startsWith("|") && l !== "| | |" && !l.startsWith("|---"));
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows)
      expect(
        row
          .slice(1, -1)
          .split(" | ")
          .map((c) => c.trim()),
      ).not.toContain("");
  });

  it("is, whole, as pinned", () => {
    expect(title).toBe("NullPointerException: Attempt to invoke virtual method 'long com.example.shop.Money.getAmount()' on… in CartTotals.total");
    expect(read).toBe(DEMO_BODY);
  });
});

/** The body above its footer, line by line. */
const DEMO_BODY = [
  "## `NullPointerException` (unhandled, fatal)",
  "",
  "```text",
  "Attempt to invoke virtual method 'long com.example.shop.Money.getAmount()' on a null object reference",
  "```",
  "",
  "**Crashed in** `total` at [`CartTotals.kt:42`](https://github.com/acme/shop-android/blob/v4.12.1/app/src/main/java/com/example/shop/checkout/CartTotals.kt#L42) (`com.example.shop.checkout.CartTotals`):",
  "",
  "```",
  "val unit = item.price!!.amount",
  "```",
  "",
  "### Stack trace",
  "",
  "Most recent call first; ★ marks the project's own code. Links point at `v4.12.1`.",
  "",
  "2. ★ `onCheckoutClicked` at [`CheckoutActivity.kt:88`](https://github.com/acme/shop-android/blob/v4.12.1/app/src/main/java/com/example/shop/checkout/CheckoutActivity.kt#L88) (`com.example.shop.checkout.CheckoutActivity`)",
  "3. `performClick` at `View.java:7659` (`android.view.View`)",
  "4. `main` at `ZygoteInit.java:1042` (`com.android.internal.os.ZygoteInit`)",
  "",
  "### Breadcrumbs",
  "",
  "Oldest first; the last one happened just before the crash.",
  "",
  "| Time | Category | Level | Message |",
  "|---|---|---|---|",
  '| <span title="2024-06-18T11:52:00.112Z">2024-06-18 11:52 UTC</span> | ui.lifecycle | info | (screen=MainActivity, state=resumed) |',
  '| <span title="2024-06-18T11:52:07.640Z">2024-06-18 11:52 UTC</span> | http | info | (method=GET, url=https://api.example.com/v1/cart, status\\_code=200) |',
  '| <span title="2024-06-18T11:52:11.005Z">2024-06-18 11:52 UTC</span> | ui.click | info | checkout\\_button |',
  "",
  "### Device and app",
  "",
  "| | |",
  "|---|---|",
  "| **Device** | Google Pixel 7 |",
  "| **Architecture** | arm64-v8a |",
  "| **Memory** | 7.4 GiB |",
  "| **Orientation** | portrait |",
  "| **OS** | Android 14 (UQ1A.240205.004) |",
  "| **App** | 4.12.1 (build 41201) |",
  "| **Platform** | java |",
  "",
  "### Occurrences",
  "",
  "| | |",
  "|---|---|",
  '| **First seen** | <span title="2024-06-18T11:52:11.217Z">2024-06-18 11:52 UTC</span> |',
  '| **Last alert received** | <span title="2024-06-18T11:53:11.217Z">2024-06-18 11:53 UTC</span> |',
  "| **Events** | 1 |",
  "| **Versions** | `com.example.shop@4.12.1+41201` × 1 |",
  "| **Environment** | production |",
  "| **Project** | shop-android |",
  "| **Reporter** | [Open in Sentry](https://sentry.io/organizations/acme/issues/4711/events/5a1d3e0b7cc04b8a9a6f3e2f1c0d9b87/) |",
  "",
  "### Hotfix clock",
  "",
  '**Not verified yet**: the clock is running since <span title="2024-06-18T11:52:11.217Z">2024-06-18 11:52 UTC</span>; last stage: Issue opened.',
  "",
  "```mermaid",
  "gantt",
  "  title Hotfix clock",
  "  dateFormat x",
  "  axisFormat %m-%d %H:%M",
  "  section Round 1",
  "  First occurrence :milestone, r1s0, 1718711531217, 0ms",
  "  Issue opened :done, r1s1, 1718711531217, 1718711651900",
  "```",
  "",
  "| Stage | When | Since previous |",
  "|---|---|---|",
  '| First occurrence | <span title="2024-06-18T11:52:11.217Z">2024-06-18 11:52 UTC</span> | – |',
  '| Issue opened | <span title="2024-06-18T11:54:11.900Z">2024-06-18 11:54 UTC</span> | 2 min |',
  "",
  "---",
  "<sub>Opened by hotfix-loop from an alert of Sentry. Repeats of this crash update this issue; do not edit below this line.</sub>",
  "",
].join("\n");
