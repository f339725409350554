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
    "cbf25e3546688f84 53aaafffa4841922 3786",
    "cbf25e3546688f84 07d40eca5780d768 4011",
    "b4b44495d1b82327 2048f95fdaf505cd 64957",
  ],
  "sentry/event_alert-android.json": [
    "320e6c6524a87ca3",
    "64e4a32386420704 11fc624f34c71df2 2328",
    "64e4a32386420704 635d49deb7b36e84 2761",
    "e3149ed767b1dfb2 aba5f1b4a8d4bc63 64940",
  ],
  "sentry/event_alert.json": [
    "82d1493c350bbd48",
    "9fc4dad06a9e26c1 fbd06f7b78b93bfa 1323",
    "9fc4dad06a9e26c1 d257509534c66573 1548",
    "d10501f4d08b6212 ac42603ca6bbe3db 64694",
  ],
  "sentry/issue.json": [
    "586ff2aa8d5f4ecd",
    "8f4ee2967cf905db 9b6f5cdbc96583b7 1170",
    "8f4ee2967cf905db ee3c4038b461ca53 1395",
    "d10501f4d08b6212 16acc3670f75e154 64942",
  ],
  "sentry/samples/android-ndk.json": [
    "be673293ed20c5cb",
    "e9ccae797e25ece8 8c1e1f7658cd1ebf 1865",
    "e9ccae797e25ece8 2f84e09f2c1a3633 2090",
    "25b07c190af7bb1a 758e0236bdbefcd6 64955",
  ],
  "sentry/samples/android.json": [
    "2558089a6ae3894f",
    "5b3081449050e8d0 81fbc0314d80b1b7 1999",
    "5b3081449050e8d0 df01adbcbba9a7cf 2264",
    "e4636b4f8e3ca6ea f1dd056b6d517d44 64901",
  ],
  "sentry/samples/aspnetcore.json": [
    "ffd483789bf4a6f0",
    "f203c8c201ac93c8 7159f0556f6ea0ec 4272",
    "f203c8c201ac93c8 407121793611415b 4524",
    "5462f1a5214d6a7d 5d83ca46fef8d6e1 64931",
  ],
  "sentry/samples/cocoa.json": [
    "0c388057caf2e027",
    "b74595a40427b7d9 cce2b688e8a4f06d 3058",
    "b74595a40427b7d9 75642d4a39fb74cf 3337",
    "07388fe56f47083e 0340c225b502fa7e 64949",
  ],
  "sentry/samples/cordova.json": [
    "362de74edb6fe947",
    "df84727dd08ab730 f415c641a57b6259 1045",
    "df84727dd08ab730 5b6f9e923bed0145 1270",
    "b4b44495d1b82327 4f6fccc244751a98 64886",
  ],
  "sentry/samples/elixir.json": [
    "57119706d68206aa",
    "8cb472b36a036815 afaf1101e27d90b6 1220",
    "8cb472b36a036815 427d22ac76f1e5b9 1445",
    "4696a238023cd0ea d3715c05a0a56f96 64847",
  ],
  "sentry/samples/exception-with-address-instruction.json": [
    "bdd54d0d21bd019e",
    "a70ae322928ddbab 80ef8974754271ed 1134",
    "a70ae322928ddbab bedc3fa989611391 1359",
    "71ea41067d274a0c 27a520a56b7e81a2 64890",
  ],
  "sentry/samples/exceptions-and-no-threads.json": [
    "f2b34695be4b4531",
    "cf67d725af789bba 03e6a8a1e4843fb4 1378",
    "cf67d725af789bba 9bbbe3105649ab8f 1603",
    "4b83f63a1159cbbe 0d4f0383e2e1c343 65031",
  ],
  "sentry/samples/invalid-interfaces.json": [
    "ba66bb18fa5f43f3",
    "b6276ba72bbc5084 67d02e1a8bb69b4b 1846",
    "b6276ba72bbc5084 369ba0b49e06076f 2071",
    "0ba78aaa81fb28b1 8bc08d655ab1ff68 65064",
  ],
  "sentry/samples/java.json": [
    "bd1d120b73b24a45",
    "e6a55fee54a418d2 cd25f311c490ae36 5989",
    "e6a55fee54a418d2 57242926cab9acd9 6479",
    "ee63638b4da497e3 15b168c22cf9fc7e 64811",
  ],
  "sentry/samples/javascript.json": [
    "0185950115c13b54",
    "38327049443df889 95f4a32a3ad105d4 1247",
    "38327049443df889 f675b3f7c455c55e 1472",
    "7f8948de6d9a4a02 b6c311b2953f8981 64840",
  ],
  "sentry/samples/native-rust.json": [
    "dcfe747f0b9218b9",
    "0492c08b498a5dbc 9ab8571affc33c1e 2108",
    "0492c08b498a5dbc a8f45656ce531f64 2333",
    "949aa92bf38e6944 752a23bbded6dc57 64921",
  ],
  "sentry/samples/nintendo-switch.json": [
    "cb1749198d821938",
    "3ce41c24203fc4a7 bf850d688c8c2904 1578",
    "3ce41c24203fc4a7 980c10e1b5119347 1803",
    "e4636b4f8e3ca6ea 8a861e4326eeeccd 64965",
  ],
  "sentry/samples/php.json": [
    "062944ce0d224dee",
    "8a3e1ecceb9a9cfd bc53891c6bae48e8 1169",
    "8a3e1ecceb9a9cfd a12e3b68dca291d2 1394",
    "e4636b4f8e3ca6ea 1f6b98280af457b1 64911",
  ],
  "sentry/samples/playstation.json": [
    "ed316d780440e33c",
    "5f1405dd551d1003 ec0251f39a9a3a02 1469",
    "5f1405dd551d1003 10cb1880f8f8cfd4 1694",
    "e4636b4f8e3ca6ea 3bd5b7ac889fe6c1 64946",
  ],
  "sentry/samples/python-modern.json": [
    "e0f1ced1becf0d72",
    "03b24c037fe9c02f 9ba918bf8e346c26 1451",
    "03b24c037fe9c02f b121131ae0ae5b77 1676",
    "e4636b4f8e3ca6ea 7c0fbbdb80b33bb7 64883",
  ],
  "sentry/samples/python.json": [
    "ca92ce4610fb550b",
    "0cd36b762ee26fba 154a8af61b4965aa 1177",
    "0cd36b762ee26fba ee48a800345b096a 1402",
    "e618957e03d37019 f160b275725c229d 64916",
  ],
  "sentry/samples/rails-crashed-thread.json": [
    "823952102a9fa0e0",
    "9d3a4a016b6732e3 35ed453747e9b69d 2762",
    "9d3a4a016b6732e3 ec62683e8d6b32bc 2987",
    "1fd42c5b34145909 1558e44f04f71f9c 64959",
  ],
  "sentry/samples/unity.json": [
    "4727b51a06fe6233",
    "c808c70fee30a09e 4b1d23de8846f7ca 2541",
    "c808c70fee30a09e 139cb545bd9e7721 2789",
    "031fd2c8015a57ba 8e16596b3889da95 64882",
  ],
  "sentry/samples/xbox.json": [
    "97ac4c0d90314025",
    "f3281ad6ec3263ae e3baff04238ea1d4 2638",
    "f3281ad6ec3263ae 2509ab7516abd3a2 2863",
    "e4636b4f8e3ca6ea 560fb3604f1d3d7a 64912",
  ],
  "bugsnag/webhook-example-event.json": [
    "bf1c414a45cf63d3",
    "1f30b5366d56a4fb 99841848bb508376 1399",
    "1f30b5366d56a4fb 81d8026f772b84f6 1884",
    "e0fc0d83b50d113c 5069e3f82c715f96 64967",
  ],
  "bugsnag/webhook-exception.json": [
    "bf1c414a45cf63d3",
    "1f30b5366d56a4fb 05a3d84d966b3fa3 1811",
    "1f30b5366d56a4fb 15732bcf60e2e8c9 2036",
    "e0fc0d83b50d113c fb80958dfd53c140 64976",
  ],
  "bugsnag/webhook-firstException.json": [
    "3f0c70a5e9d43850",
    "04d25264410722eb bfb69a9ff31666ef 1755",
    "04d25264410722eb d3637f0d14afdf2a 1980",
    "b4b44495d1b82327 370f60826c47f51d 64856",
  ],
  "generic/bugnet-no-stack.json": [
    "e844de0c1de7c1e9",
    "48cd7d4522425f4e 63261ad3c4aa792f 1202",
    "48cd7d4522425f4e 591e0980c1e98542 1427",
    "2bfed1176ffae2e6 68f4d2142d120584 64956",
  ],
  "generic/unity-crashing-first.json": [
    "1ed9b1d423a449a8",
    "e2f4da548b7605a5 5f2fae14b66e2e2d 1787",
    "e2f4da548b7605a5 37a91ac7c9e099f0 2297",
    "43007260e427a872 c0c775666ae4b574 64851",
  ],
  "stacks/android-anonymous-class": [
    "587974caba4c5b6a",
    "f4e4abb3457a45c4 aa4c46941b9fb94a 1152",
    "f4e4abb3457a45c4 238076c0a8d77be0 1503",
    "a185785f2c480df6 befeacf023ed38b2 64911",
  ],
  "stacks/android-anonymous-class later": [
    "587974caba4c5b6a",
    "f4e4abb3457a45c4 805a2fb644e54399 1152",
    "f4e4abb3457a45c4 8d654131402e1884 1503",
    "a185785f2c480df6 7157f793c9f7729a 64911",
  ],
  "stacks/android-npe-proguard": [
    "9eb2e95e3d2c5fcd",
    "4138506d5919a367 88641c2e1c622917 1856",
    "4138506d5919a367 a9c1f473cb5626ed 2295",
    "a185785f2c480df6 fc9c9fd355836c49 64876",
  ],
  "stacks/android-npe-proguard later": [
    "9eb2e95e3d2c5fcd",
    "4138506d5919a367 7b654f267c84d4c2 1857",
    "4138506d5919a367 eca13e0472f83cb3 2296",
    "a185785f2c480df6 aa67d66d82fa8963 64876",
  ],
  "stacks/c-nginx-gdb": [
    "f752db7e8b7e87ea",
    "3832e9f80bfad200 7898426b2dcf3bb8 1509",
    "3832e9f80bfad200 e84b4b5d8fb8b82a 2144",
    "25b07c190af7bb1a d12ae8bd10f882ae 64931",
  ],
  "stacks/c-nginx-gdb later": [
    "f752db7e8b7e87ea",
    "3832e9f80bfad200 c2e12858f74427c2 1513",
    "3832e9f80bfad200 cfda946f9a68c678 2148",
    "25b07c190af7bb1a 6fcb0ff86747acc1 64931",
  ],
  "stacks/cpp-abort-libsegfault": [
    "a0a7c96585c1ffae",
    "9de30dfc0765b086 7cc7c72b2e16e5c7 1796",
    "9de30dfc0765b086 d21af31744e8ff8d 2046",
    "4632b81540809524 9ce04fbe71a864af 64942",
  ],
  "stacks/cpp-abort-libsegfault later": [
    "a0a7c96585c1ffae",
    "9de30dfc0765b086 244aec2967ce085c 1799",
    "9de30dfc0765b086 0c6f93de67cc6dc5 2050",
    "4632b81540809524 d79e06ca7423728b 64944",
  ],
  "stacks/js-browser-cra-chunks": [
    "fddaf5fc6d9499ea",
    "8c6442b775904273 bfef81537bd66c83 1790",
    "8c6442b775904273 d26fc786a8c3a264 2040",
    "7f8948de6d9a4a02 5f4f019c7eafcb2b 64879",
  ],
  "stacks/js-browser-cra-chunks later": [
    "fddaf5fc6d9499ea",
    "240c4cdc6c9ba6cb 07d38ce88449e13c 1933",
    "240c4cdc6c9ba6cb b4d6ecd738eb72d2 2183",
    "7f8948de6d9a4a02 b58a315098e9e9c3 64879",
  ],
  "stacks/js-browser-nextjs-chunks": [
    "bb6bd66a05ffb517",
    "d7fb69bfcd417800 ad623cef671823c4 1770",
    "d7fb69bfcd417800 e8b9e341e8a40659 2021",
    "7f8948de6d9a4a02 d86fb6ed6590c690 64927",
  ],
  "stacks/js-browser-nextjs-chunks later": [
    "bb6bd66a05ffb517",
    "e9d087a32720705f 9e085381602f2e53 1730",
    "e9d087a32720705f 2aec7538646fa0c8 1981",
    "7f8948de6d9a4a02 14db7b0b416415f8 64927",
  ],
  "stacks/kotlin-coroutine-lateinit": [
    "dcec006c428b0829",
    "f01cadc85dac2dd3 879d0d5c1755a176 2037",
    "f01cadc85dac2dd3 f9106a6b4d54101b 2503",
    "07593f55441aa8d5 e321429e5dfc74dc 64811",
  ],
  "stacks/kotlin-coroutine-lateinit later": [
    "dcec006c428b0829",
    "f01cadc85dac2dd3 e38d380f6925d200 2038",
    "f01cadc85dac2dd3 9284333fbe841667 2504",
    "07593f55441aa8d5 be54db2c071e579b 64811",
  ],
  "stacks/node-unhandled-rejection": [
    "f08383f627f4e3b9",
    "366014885d116cc8 d264afb05a7bf528 1205",
    "366014885d116cc8 7be9eeaa2f3e94f7 1455",
    "7f8948de6d9a4a02 0a69cf2e5403d190 64886",
  ],
  "stacks/node-unhandled-rejection later": [
    "f08383f627f4e3b9",
    "366014885d116cc8 62d93fd93ca1e96c 1218",
    "366014885d116cc8 0b0d2ba31f6e58e5 1468",
    "7f8948de6d9a4a02 8e354a306b62a616 64886",
  ],
  "stacks/python-django-keyerror": [
    "664adb3165ad10e1",
    "e4d5ffc896affeb2 13eeb48959ec201e 1517",
    "e4d5ffc896affeb2 4e3472826a64dc88 1772",
    "2e81b1949121f40f 89958de1bfe2774c 64940",
  ],
  "stacks/python-django-keyerror later": [
    "664adb3165ad10e1",
    "baeca572982c494b cc6b847cc67fc6aa 1648",
    "baeca572982c494b 069c948827da8497 1903",
    "2e81b1949121f40f 7a1a2c6c71fa2775 64940",
  ],
  "stacks/python-library-only": [
    "79d97502efb3b748",
    "fdeea1200284e3af c8865d691164821e 1232",
    "fdeea1200284e3af b8bf110599f94b19 1483",
    "2e81b1949121f40f 5f92e67b748248a5 64934",
  ],
  "stacks/python-library-only later": [
    "79d97502efb3b748",
    "fdeea1200284e3af 1c913a0ad5a05b8b 1237",
    "fdeea1200284e3af 8fa1dfe5206c377f 1488",
    "2e81b1949121f40f 91e9ab3b9870361f 64934",
  ],
  "stacks/rust-panic-local": [
    "e5d8631cc074781d",
    "43e45be4f96a5668 4741393ae1245b59 1227",
    "43e45be4f96a5668 bb9f3512dd404d04 1477",
    "39e649117cb739b3 744425c2c953486f 64936",
  ],
  "stacks/rust-panic-local later": [
    "e5d8631cc074781d",
    "ff883ecf49f4277b d83e40365f6de108 1239",
    "ff883ecf49f4277b a4ae12715d293f37 1489",
    "39e649117cb739b3 0184371e7a6c1aa0 64936",
  ],
  "stacks/rust-panic-registry": [
    "021fc655638bcf71",
    "8365dab1ad958d27 34bb9e2684b26148 1504",
    "8365dab1ad958d27 7cf51ddd5793f0fd 1754",
    "39e649117cb739b3 496770dad478f069 64865",
  ],
  "stacks/rust-panic-registry later": [
    "021fc655638bcf71",
    "86c78bfa6870e07a ef19db85a500da8d 1504",
    "86c78bfa6870e07a 14da8da97f796cbb 1754",
    "39e649117cb739b3 b9aed68ee5c4cbc3 64865",
  ],
  "stacks/ts-react-source-mapped": [
    "92a098aa428f3f4d",
    "a13922a729da5000 0e7ffffd268be6ff 2132",
    "a13922a729da5000 7bc1e85f044a959c 2569",
    "7f8948de6d9a4a02 dd10f3939bd70115 64961",
  ],
  "stacks/ts-react-source-mapped later": [
    "92a098aa428f3f4d",
    "a13922a729da5000 0629a99040311100 2126",
    "a13922a729da5000 bce37ab453a96cd1 2563",
    "7f8948de6d9a4a02 5150abdc644428d4 64961",
  ],
  "stacks/unity-generic-nre": [
    "880370d779058b33",
    "72648e98bf8905ac f6e8058004f90622 1629",
    "72648e98bf8905ac b6ee495c76c550ea 2232",
    "4d91a917e02a3995 39227b9da6785c68 64951",
  ],
  "stacks/unity-generic-nre later": [
    "880370d779058b33",
    "72648e98bf8905ac b0345e0fc9b70989 1755",
    "72648e98bf8905ac 851a295c450876ee 2418",
    "4d91a917e02a3995 50073632d0dc6e4f 64951",
  ],
  "stacks/unity-player-il-offsets": [
    "f5674c3fbf6ebc3e",
    "b6b84d563f8f1558 1c431af2d01c74b5 940",
    "b6b84d563f8f1558 085919a88dd27a06 1190",
    "43007260e427a872 2828c21539bd595f 64957",
  ],
  "stacks/unity-player-il-offsets later": [
    "f5674c3fbf6ebc3e",
    "d759e4e138e7f017 c00b89d983524e94 940",
    "d759e4e138e7f017 74f2d418f4eedd2e 1190",
    "43007260e427a872 451a9efd8a37e4fc 64957",
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
    expect(title).toBe("NullPointerException: Attempt to invoke virtual method 'long… in total (CartTotals.kt)");
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
