import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/core/config.js";
import { CrashReport } from "../../src/core/crash.js";
import { type RenderInput, renderIssue } from "../../src/core/render.js";
import { computeSignature } from "../../src/core/signature.js";
import { bugsnag } from "../../src/providers/bugsnag.js";
import { generic } from "../../src/providers/generic.js";
import { sentry } from "../../src/providers/sentry.js";
import { delivery, fixtureJson } from "../providers/delivery.js";
import { loadStacks } from "./stacks.js";

/**
 * Byte-identical output, proven: the exact title, body and signature of every report of the
 * fixture corpus, rendered in the shapes the App uses (bare, linked to a repository with a
 * regression banner and a clock, and squeezed by the size budget), pinned as SHA-256 hashes.
 * Speed work on the core must leave every hash as it is; a deliberate change of the output
 * updates them here, in the same commit, where a reviewer sees it.
 */

const PROVIDERS = { sentry, bugsnag, generic } as const;

/** Every webhook payload of the fixture folders that its provider accepts. */
function corpus(): [string, CrashReport][] {
  const out: [string, CrashReport][] = [];
  for (const [folder, provider] of [
    ["sentry", PROVIDERS.sentry],
    ["sentry/samples", PROVIDERS.sentry],
    ["bugsnag", PROVIDERS.bugsnag],
    ["generic", PROVIDERS.generic],
  ] as const) {
    const files = readdirSync(new URL(`../fixtures/${folder}/`, import.meta.url)).filter((f) => f.endsWith(".json"));
    for (const file of files.sort()) {
      const result = provider.parse(fixtureJson(`${folder}/${file}`), delivery(Buffer.from("")));
      if (result.ok) out.push([`${folder}/${file}`, result.report]);
    }
  }
  out.push(["breadcrumb data of every kind", crumbData()]);
  for (const stack of loadStacks()) out.push([`stacks/${stack.name}`, stack.report], [`stacks/${stack.name} later`, stack.later]);
  return out;
}

/** Breadcrumb data as reporters send it, and as an attacker might: scalars, secrets, nesting, specials, repeats. */
function crumbData(): CrashReport {
  const data: Record<string, unknown>[] = [
    { method: "GET", status_code: 200, url: "https://api.example.com/v2/cart?session=abc&token=s3cr3t" },
    { method: "GET", status_code: 200, url: "https://api.example.com/v2/cart?session=abc&token=s3cr3t" },
    { password: "hunter2", authorization: "Bearer abcdefghijklmnop", ok: true, count: -0, big: 1e21, pan: 4111111111111111 },
    { nested: { a: [1, "two", null], "@team": "#12" }, empty: "", nothing: null, list: ["x", 2, false] },
    { "2": "second", "1": "first", b: "<script>@octocat GH-12 github.com</script>", c: "a|b`c`\n\r\nd" },
    { long: "x".repeat(900), more: "y".repeat(300) },
    { email: "jane@example.com", ip: "10.0.0.12", card: "4111 1111 1111 1111" },
    {},
  ];
  const breadcrumbs = data.flatMap((d, i) => [
    { timestamp: "2026-01-01T00:00:00Z", category: "xhr", message: i % 2 ? `call ${i} @user` : undefined, data: d },
    { timestamp: "not a time", category: "http", level: "error", data: d },
  ]);
  return CrashReport.parse({
    provider: "generic",
    exception: { type: "Error", message: "boom" },
    frames: [{ file: "src/a.ts", function: "a", line: 1, in_app: true }],
    breadcrumbs,
  });
}

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
    "cbf25e3546688f84 9458ed59113a0a9c 3430",
    "cbf25e3546688f84 d73102dea6a7d86a 3655",
    "b4b44495d1b82327 5e09156488146852 65008",
  ],
  "sentry/event_alert-android.json": [
    "320e6c6524a87ca3",
    "64e4a32386420704 945ca0bc41a672c4 2253",
    "64e4a32386420704 400d1067939af2a8 2686",
    "e3149ed767b1dfb2 d6412354ecc6577a 64927",
  ],
  "sentry/event_alert.json": [
    "82d1493c350bbd48",
    "9fc4dad06a9e26c1 12fd0bdeee086640 1376",
    "9fc4dad06a9e26c1 c7765c77156900d6 1601",
    "d10501f4d08b6212 dfaf332698b64fdd 64983",
  ],
  "sentry/issue.json": [
    "586ff2aa8d5f4ecd",
    "8f4ee2967cf905db b2b644c4cae63164 1173",
    "8f4ee2967cf905db 015ae8617c34fec6 1398",
    "d10501f4d08b6212 7895cf1d4cac6394 64984",
  ],
  "sentry/samples/android-ndk.json": [
    "be673293ed20c5cb",
    "e9ccae797e25ece8 0f5e5b2359759c4e 1914",
    "e9ccae797e25ece8 45f2ab684cd49167 2139",
    "25b07c190af7bb1a 1855b2fd1f0861e4 64991",
  ],
  "sentry/samples/android.json": [
    "2558089a6ae3894f",
    "5b3081449050e8d0 a1efba5a646136e0 2014",
    "5b3081449050e8d0 11560c732a83bf19 2279",
    "e4636b4f8e3ca6ea dabd5cba7742baa0 64974",
  ],
  "sentry/samples/aspnetcore.json": [
    "ffd483789bf4a6f0",
    "f203c8c201ac93c8 0bcb7cb79ea89323 4079",
    "f203c8c201ac93c8 8c2075e769e35068 4331",
    "5462f1a5214d6a7d 29cad80b6a7e6f99 64843",
  ],
  "sentry/samples/cocoa.json": [
    "0c388057caf2e027",
    "b74595a40427b7d9 12f9937c82a6b29d 2774",
    "b74595a40427b7d9 a6172c755a88cd87 3053",
    "07388fe56f47083e 0e4a439e1f27ecd3 64901",
  ],
  "sentry/samples/cordova.json": [
    "362de74edb6fe947",
    "df84727dd08ab730 ec2bdd0413438b8c 1043",
    "df84727dd08ab730 8ab58cf1ee04f888 1268",
    "b4b44495d1b82327 fd700d12094dac96 65005",
  ],
  "sentry/samples/elixir.json": [
    "57119706d68206aa",
    "8cb472b36a036815 8544c5b0cf848968 1202",
    "8cb472b36a036815 52749ea808e655ef 1427",
    "4696a238023cd0ea 0d9542be04bb7f1f 64988",
  ],
  "sentry/samples/exception-with-address-instruction.json": [
    "bdd54d0d21bd019e",
    "a70ae322928ddbab 520c624677d2f7a2 1132",
    "a70ae322928ddbab 666f78f683f1c976 1357",
    "71ea41067d274a0c 4a53ffb1cff5b5d9 65001",
  ],
  "sentry/samples/exceptions-and-no-threads.json": [
    "f2b34695be4b4531",
    "cf67d725af789bba e56073007f36807c 1374",
    "cf67d725af789bba 0dab87723de160b8 1599",
    "4b83f63a1159cbbe 8eba9ef1656c3dc2 65016",
  ],
  "sentry/samples/invalid-interfaces.json": [
    "ba66bb18fa5f43f3",
    "b6276ba72bbc5084 b70c62d265988abe 1775",
    "b6276ba72bbc5084 5900e6888479b3bf 2000",
    "0ba78aaa81fb28b1 ce14e7af79c1bdd9 65016",
  ],
  "sentry/samples/java.json": [
    "bd1d120b73b24a45",
    "e6a55fee54a418d2 671d255c69d34150 5789",
    "e6a55fee54a418d2 f8ec7d4efb289f3c 6279",
    "ee63638b4da497e3 9846e6e6cebcb1dc 64996",
  ],
  "sentry/samples/javascript.json": [
    "0185950115c13b54",
    "38327049443df889 ba42d47470f61cbe 1159",
    "38327049443df889 a546dbca606bbee1 1384",
    "7f8948de6d9a4a02 414a6a1965fbb5f6 65006",
  ],
  "sentry/samples/native-rust.json": [
    "dcfe747f0b9218b9",
    "0492c08b498a5dbc 08982872db4efcf1 1971",
    "0492c08b498a5dbc 1d3e2d9542e5caea 2196",
    "949aa92bf38e6944 58959106b5478166 65006",
  ],
  "sentry/samples/nintendo-switch.json": [
    "cb1749198d821938",
    "3ce41c24203fc4a7 914258877e697a25 1543",
    "3ce41c24203fc4a7 fb24f81be510a379 1768",
    "e4636b4f8e3ca6ea 3c64245fed0fc922 64877",
  ],
  "sentry/samples/php.json": [
    "062944ce0d224dee",
    "8a3e1ecceb9a9cfd 7cb53a0c94905fcf 1083",
    "8a3e1ecceb9a9cfd 49801f282b1728cc 1308",
    "e4636b4f8e3ca6ea 90e1c5714178e44d 64823",
  ],
  "sentry/samples/playstation.json": [
    "ed316d780440e33c",
    "5f1405dd551d1003 b88bfa0b31fe1373 1427",
    "5f1405dd551d1003 ad9821599704bf3b 1652",
    "e4636b4f8e3ca6ea d772ccfb805cdd63 64931",
  ],
  "sentry/samples/python-modern.json": [
    "e0f1ced1becf0d72",
    "03b24c037fe9c02f 0435a709ba77c931 1435",
    "03b24c037fe9c02f 4be758016a29f223 1660",
    "e4636b4f8e3ca6ea 75935b1d946f0d8a 64850",
  ],
  "sentry/samples/python.json": [
    "ca92ce4610fb550b",
    "0cd36b762ee26fba 4c9555f0c41eff8a 1124",
    "0cd36b762ee26fba 9d0e068ff1e84727 1349",
    "e618957e03d37019 a15d12ff655fdb25 64828",
  ],
  "sentry/samples/rails-crashed-thread.json": [
    "823952102a9fa0e0",
    "9d3a4a016b6732e3 380cc01e8b25cdbb 2786",
    "9d3a4a016b6732e3 bb105c7a091e25a6 3011",
    "1fd42c5b34145909 a850e41831b44b51 65062",
  ],
  "sentry/samples/unity.json": [
    "4727b51a06fe6233",
    "c808c70fee30a09e aa8b953605ff9ec4 2356",
    "c808c70fee30a09e 6dce7f5fa4f95258 2604",
    "031fd2c8015a57ba 561563e1f63c1620 64997",
  ],
  "sentry/samples/xbox.json": [
    "97ac4c0d90314025",
    "f3281ad6ec3263ae ed057d3887ff1d17 2405",
    "f3281ad6ec3263ae d8db09fe4a3ddbb6 2630",
    "e4636b4f8e3ca6ea 5ca16c6c27936779 64971",
  ],
  "bugsnag/webhook-example-event.json": [
    "bf1c414a45cf63d3",
    "1f30b5366d56a4fb a4ace3fc5269da74 1308",
    "1f30b5366d56a4fb 2e7dfd80eac46853 1793",
    "e0fc0d83b50d113c f6e79e6402f1763e 64893",
  ],
  "bugsnag/webhook-exception.json": [
    "bf1c414a45cf63d3",
    "1f30b5366d56a4fb e55c0017de08231f 1886",
    "1f30b5366d56a4fb e7945fcea530d565 2111",
    "e0fc0d83b50d113c c61c38eb21863048 64992",
  ],
  "bugsnag/webhook-firstException.json": [
    "3f0c70a5e9d43850",
    "04d25264410722eb b14d59a503574c55 1709",
    "04d25264410722eb fcab1b12ca7a465d 1934",
    "b4b44495d1b82327 e268e6764cfd0a92 65015",
  ],
  "generic/bugnet-no-stack.json": [
    "e844de0c1de7c1e9",
    "48cd7d4522425f4e edf35c2618c3b4ac 1139",
    "48cd7d4522425f4e c15b9a81425debbe 1364",
    "2bfed1176ffae2e6 32b8d7c0eb790a9e 65008",
  ],
  "generic/unity-crashing-first.json": [
    "1ed9b1d423a449a8",
    "e2f4da548b7605a5 7fb45672f32cdd35 1766",
    "e2f4da548b7605a5 b6212fcaa9284caa 2276",
    "43007260e427a872 239216126b6c8866 64855",
  ],
  "stacks/android-anonymous-class": [
    "587974caba4c5b6a",
    "f4e4abb3457a45c4 24cc7c9179aa44ef 1093",
    "f4e4abb3457a45c4 98d027a621eb208e 1444",
    "a185785f2c480df6 e24f198b52862a3b 64892",
  ],
  "stacks/android-anonymous-class later": [
    "587974caba4c5b6a",
    "f4e4abb3457a45c4 228bd49aec08ef7a 1093",
    "f4e4abb3457a45c4 c190da3a92ce9291 1444",
    "a185785f2c480df6 b27e6975ad4ca38f 64892",
  ],
  "stacks/android-npe-proguard": [
    "9eb2e95e3d2c5fcd",
    "4138506d5919a367 7f092bd4e9b150cc 1765",
    "4138506d5919a367 904c19d2ffd0a98f 2204",
    "a185785f2c480df6 f185360c2265258d 64958",
  ],
  "stacks/android-npe-proguard later": [
    "9eb2e95e3d2c5fcd",
    "4138506d5919a367 b7307b8ad17133ca 1766",
    "4138506d5919a367 f95dbe3fb8a884e9 2205",
    "a185785f2c480df6 3632b222d2388e37 64958",
  ],
  "stacks/c-nginx-gdb": [
    "f752db7e8b7e87ea",
    "3832e9f80bfad200 7126277e5a227f05 1418",
    "3832e9f80bfad200 8ac8564a4ae255a7 2053",
    "25b07c190af7bb1a c5577d14fd233503 64980",
  ],
  "stacks/c-nginx-gdb later": [
    "f752db7e8b7e87ea",
    "3832e9f80bfad200 d8a99a61fce116a3 1422",
    "3832e9f80bfad200 2f027086f6da9998 2057",
    "25b07c190af7bb1a 58df03e934d1a926 64980",
  ],
  "stacks/cpp-abort-libsegfault": [
    "a0a7c96585c1ffae",
    "9de30dfc0765b086 4745e98e495beab0 1646",
    "9de30dfc0765b086 1e5a9bbedc91f9ce 1896",
    "4632b81540809524 78d405506bb81570 64991",
  ],
  "stacks/cpp-abort-libsegfault later": [
    "a0a7c96585c1ffae",
    "9de30dfc0765b086 8c6d85aa62b6a8a6 1649",
    "9de30dfc0765b086 cb1158e5917d0c7d 1900",
    "4632b81540809524 8df2659babe258c6 64993",
  ],
  "stacks/js-browser-cra-chunks": [
    "fddaf5fc6d9499ea",
    "8c6442b775904273 4e2a87aa08f17e65 1731",
    "8c6442b775904273 aa3ef43d9b06d9a8 1981",
    "7f8948de6d9a4a02 b6adf3a9679d856f 64945",
  ],
  "stacks/js-browser-cra-chunks later": [
    "fddaf5fc6d9499ea",
    "240c4cdc6c9ba6cb e711d084fda34d3e 1874",
    "240c4cdc6c9ba6cb 70381ff6609efddc 2124",
    "7f8948de6d9a4a02 c908446866c135ee 64945",
  ],
  "stacks/js-browser-nextjs-chunks": [
    "bb6bd66a05ffb517",
    "d7fb69bfcd417800 fcf3a9a0ecb2c166 1711",
    "d7fb69bfcd417800 148c807a8c2712de 1962",
    "7f8948de6d9a4a02 d226a66cd3983e45 64990",
  ],
  "stacks/js-browser-nextjs-chunks later": [
    "bb6bd66a05ffb517",
    "e9d087a32720705f 0fe2068c3256643d 1671",
    "e9d087a32720705f d91845778be1152a 1922",
    "7f8948de6d9a4a02 f3c1e7bcf9fca27f 64990",
  ],
  "stacks/kotlin-coroutine-lateinit": [
    "dcec006c428b0829",
    "f01cadc85dac2dd3 312bfaf9e7e84673 1946",
    "f01cadc85dac2dd3 22c38989cd5a4bb8 2412",
    "07593f55441aa8d5 6b895bedfcf6215a 64949",
  ],
  "stacks/kotlin-coroutine-lateinit later": [
    "dcec006c428b0829",
    "f01cadc85dac2dd3 c713e5bf58b05b2f 1947",
    "f01cadc85dac2dd3 ead22314bbf64495 2413",
    "07593f55441aa8d5 c7137b7021075b0b 64949",
  ],
  "stacks/node-unhandled-rejection": [
    "f08383f627f4e3b9",
    "366014885d116cc8 45bcd014dce4a355 1147",
    "366014885d116cc8 230d25fcea01338c 1397",
    "7f8948de6d9a4a02 eb4357e47ed6c289 64976",
  ],
  "stacks/node-unhandled-rejection later": [
    "f08383f627f4e3b9",
    "366014885d116cc8 3f1ed336c4475fe3 1160",
    "366014885d116cc8 1f10f5574cf815fd 1410",
    "7f8948de6d9a4a02 2fa799e37f4fee49 64976",
  ],
  "stacks/python-django-keyerror": [
    "664adb3165ad10e1",
    "e4d5ffc896affeb2 262bd195e6dd3592 1426",
    "e4d5ffc896affeb2 f8282955b193e22a 1681",
    "2e81b1949121f40f 26f3b08e2082876f 64989",
  ],
  "stacks/python-django-keyerror later": [
    "664adb3165ad10e1",
    "baeca572982c494b ceb6c345c04ca4bb 1557",
    "baeca572982c494b 3d911a43a8916f91 1812",
    "2e81b1949121f40f 63efdee0ce5d02e4 64989",
  ],
  "stacks/python-library-only": [
    "79d97502efb3b748",
    "fdeea1200284e3af a4421ddfa7be2c46 1171",
    "fdeea1200284e3af 1ead2129f6bccccc 1422",
    "2e81b1949121f40f 1adb25f8016c5a77 64983",
  ],
  "stacks/python-library-only later": [
    "79d97502efb3b748",
    "fdeea1200284e3af b064c7985cd8ba55 1176",
    "fdeea1200284e3af f5823c6c9d738479 1427",
    "2e81b1949121f40f cd2d3b2e3aa79fbc 64983",
  ],
  "stacks/rust-panic-local": [
    "e5d8631cc074781d",
    "43e45be4f96a5668 8875a00a1ac47cb8 1077",
    "43e45be4f96a5668 fb94f66cc271f7ab 1327",
    "39e649117cb739b3 86e87a8663b33557 64990",
  ],
  "stacks/rust-panic-local later": [
    "e5d8631cc074781d",
    "ff883ecf49f4277b 652dc72f8adfb77e 1089",
    "ff883ecf49f4277b 5aaef43256bb8267 1339",
    "39e649117cb739b3 97a8b28b8dd6e57e 64990",
  ],
  "stacks/rust-panic-registry": [
    "021fc655638bcf71",
    "8365dab1ad958d27 b64752801931f158 1354",
    "8365dab1ad958d27 5530638a1de51040 1604",
    "39e649117cb739b3 178a3efce2f09a41 64919",
  ],
  "stacks/rust-panic-registry later": [
    "021fc655638bcf71",
    "86c78bfa6870e07a 8a6f73b6c6d418a8 1354",
    "86c78bfa6870e07a 8f55b63fe8d5f9f1 1604",
    "39e649117cb739b3 febf06cd841db499 64919",
  ],
  "stacks/ts-react-source-mapped": [
    "92a098aa428f3f4d",
    "a13922a729da5000 d9e27e30214f2f97 2041",
    "a13922a729da5000 6a090ac2371cecb5 2478",
    "7f8948de6d9a4a02 92b419250977c9da 64891",
  ],
  "stacks/ts-react-source-mapped later": [
    "92a098aa428f3f4d",
    "a13922a729da5000 6e08af1c31fa2b2e 2035",
    "a13922a729da5000 7700abadf0b2e630 2472",
    "7f8948de6d9a4a02 403c2d61b8ae1f68 64891",
  ],
  "stacks/unity-generic-nre": [
    "880370d779058b33",
    "72648e98bf8905ac 81f7754286759f2a 1538",
    "72648e98bf8905ac 787b14cf789c4a7f 2141",
    "4d91a917e02a3995 75091e40659257ea 65000",
  ],
  "stacks/unity-generic-nre later": [
    "880370d779058b33",
    "72648e98bf8905ac b1e914a51c4abe10 1664",
    "72648e98bf8905ac 1753099ab29acf5a 2327",
    "4d91a917e02a3995 c891561e081d28e2 65000",
  ],
  "stacks/unity-player-il-offsets": [
    "f5674c3fbf6ebc3e",
    "b6b84d563f8f1558 15171814e8f1cb7b 881",
    "b6b84d563f8f1558 e4af703a499daa00 1131",
    "43007260e427a872 cc95f14326f3a719 64979",
  ],
  "stacks/unity-player-il-offsets later": [
    "f5674c3fbf6ebc3e",
    "d759e4e138e7f017 b2045dec56c8d167 881",
    "d759e4e138e7f017 f80e099ddce71a43 1131",
    "43007260e427a872 5667a4b4bc660209 64979",
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
