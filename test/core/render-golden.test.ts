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
  "sentry/event_alert-android.json": [
    "320e6c6524a87ca3",
    "862cfe74c76c04bb 3a86d990934032a6 2200",
    "862cfe74c76c04bb 52df53e57a682b71 2633",
    "93ffe6aa6bd7efa7 744b2f3b22a0f7ab 64874",
  ],
  "sentry/event_alert.json": [
    "54684f1ef171d83e",
    "ba63482e3bce2160 2df1816b3a3a59aa 1336",
    "ba63482e3bce2160 78e2c0011ec82ded 1561",
    "f199e59a5ef3072e ba8f96fa7d35ed32 65002",
  ],
  "sentry/issue.json": [
    "586ff2aa8d5f4ecd",
    "8f4ee2967cf905db d4ddec10a369f8ff 1114",
    "8f4ee2967cf905db 4a069a4dcc8c7a48 1339",
    "f199e59a5ef3072e 8e384a1b0c466b17 65001",
  ],
  "sentry/samples/android-ndk.json": [
    "be673293ed20c5cb",
    "f711644730396a44 ea223bec0df00dbc 1855",
    "f711644730396a44 d3637a40f005bc88 2080",
    "c85f4034211d81be 5d5a5fa8713e3304 64932",
  ],
  "sentry/samples/android.json": [
    "2558089a6ae3894f",
    "27f7addb84a39fe6 a4e7949a652424f2 1955",
    "27f7addb84a39fe6 4bf6c22798eb795b 2220",
    "b942698d1ba8edf4 13e1cc1891c227af 64999",
  ],
  "sentry/samples/aspnetcore.json": [
    "ffd483789bf4a6f0",
    "639c7993ea44b5b1 7cc63009afce338c 4020",
    "639c7993ea44b5b1 8f422329f3c4e21a 4272",
    "fc2d2ff017686b3b 8815e46720c6206b 64784",
  ],
  "sentry/samples/cocoa.json": [
    "47d87d1bdf9da281",
    "b73b65abddabd02d 39564ecaf684ecae 2734",
    "b73b65abddabd02d 3e7a55508069e4e8 3013",
    "a4d29aa12ab57771 4095795364f1bfd3 64968",
  ],
  "sentry/samples/cordova.json": [
    "ca0a6a73c376dc48",
    "df84727dd08ab730 cbcf672b51b22b93 1003",
    "df84727dd08ab730 191cea1c0d018cab 1228",
    "c40b33ae28cd51ef 60dc10782bf146dc 64946",
  ],
  "sentry/samples/elixir.json": [
    "57119706d68206aa",
    "c5269d1448030cd1 030e16c7a1d0ef52 1143",
    "c5269d1448030cd1 4e094a6dff38a498 1368",
    "efb8ea8ce93f10cf 430a4bb88331c774 64929",
  ],
  "sentry/samples/exception-with-address-instruction.json": [
    "5eed6af47eb6d3ff",
    "903baac348165a67 5ebd6440b4949737 1092",
    "903baac348165a67 d941d204f092a3e3 1317",
    "04cd94248eca99b2 d67054386304c565 64942",
  ],
  "sentry/samples/exceptions-and-no-threads.json": [
    "8fc6b157e2006b76",
    "cf67d725af789bba a1368d7cb93025d7 1334",
    "cf67d725af789bba 7008e33907d50140 1559",
    "a009e9e6664a085d f61202f9d7c696f8 64957",
  ],
  "sentry/samples/invalid-interfaces.json": [
    "ba66bb18fa5f43f3",
    "b6276ba72bbc5084 d4211297751b1121 1716",
    "b6276ba72bbc5084 8fd13a57fe7f758d 1941",
    "016163a91b9cb9f2 f4f6f91def05da72 65083",
  ],
  "sentry/samples/java.json": [
    "bd1d120b73b24a45",
    "77e21fae36d2621e 37eb45ac3d8995b7 5730",
    "77e21fae36d2621e 0aaa12cebea2c97a 6220",
    "60c0f7c7fd638df2 1aea9a9a62e9e1cf 64963",
  ],
  "sentry/samples/javascript.json": [
    "2f4365831d890045",
    "bb17395468592255 d245a9fc7f7956df 1119",
    "bb17395468592255 891d569542fa4a06 1344",
    "421810535e770c68 d7a809f54a31b1da 64947",
  ],
  "sentry/samples/native-rust.json": [
    "dcfe747f0b9218b9",
    "ed4974a31e67324a ccd758cfdc127d27 1912",
    "ed4974a31e67324a 9b056fdd8b6df261 2137",
    "715fe16a8d457f2c 75aa864e33941e08 64973",
  ],
  "sentry/samples/nintendo-switch.json": [
    "cb1749198d821938",
    "6a4fba69ec000c36 bb01c1666a23c23f 1484",
    "6a4fba69ec000c36 c13e9499f093bbe4 1709",
    "0b5226f6816b393f 898f6c64e6071b99 65001",
  ],
  "sentry/samples/php.json": [
    "062944ce0d224dee",
    "ceb6166a08ddcc52 ae36ceaa4ff603ce 1024",
    "ceb6166a08ddcc52 1ff4411b36591170 1249",
    "0b5226f6816b393f d36ade97bf5e46d6 64985",
  ],
  "sentry/samples/playstation.json": [
    "ed316d780440e33c",
    "bdcdb2cbb3939db1 2c6eb23458089e38 1368",
    "bdcdb2cbb3939db1 88c749a26ca65616 1593",
    "0b5226f6816b393f af65cdfefa231387 64998",
  ],
  "sentry/samples/python-modern.json": [
    "e0f1ced1becf0d72",
    "e40109e25ffe8bca b915f2756368b75c 1376",
    "e40109e25ffe8bca 7e91082a1faeb25f 1601",
    "0b5226f6816b393f 553eda33b115bd86 64998",
  ],
  "sentry/samples/python.json": [
    "ca92ce4610fb550b",
    "aa87cda5946a01a6 7b013cb5601ff384 1065",
    "aa87cda5946a01a6 e22c4d18bb49e033 1290",
    "2ba603309d341502 c55a3496eec7602c 64959",
  ],
  "sentry/samples/rails-crashed-thread.json": [
    "e6946dbf0ca4bb85",
    "9d3a4a016b6732e3 fe9fd147ddb8a9dc 2746",
    "9d3a4a016b6732e3 89644b913fa61537 2971",
    "b128eca9d6ada68b 4be2372245487a1d 65029",
  ],
  "sentry/samples/unity.json": [
    "4727b51a06fe6233",
    "fa4960b7fb1c4015 a1f09fe266a6181d 2297",
    "fa4960b7fb1c4015 79ea0d508ba484b0 2545",
    "669604117dddad44 1b96ff9d55b0faad 64938",
  ],
  "sentry/samples/xbox.json": [
    "97ac4c0d90314025",
    "920b937a19cc89c6 c65f01b0940aafed 2346",
    "920b937a19cc89c6 5d09ad0efbd0e6c5 2571",
    "4461264d67bfd856 1040975a65721adc 64912",
  ],
  "bugsnag/webhook-example-event.json": [
    "bf1c414a45cf63d3",
    "6a12f13af2e21249 b04e4139a6bd0de9 1308",
    "6a12f13af2e21249 9809602dd8a01664 1793",
    "2f87776e00c13289 f6e79e6402f1763e 64893",
  ],
  "bugsnag/webhook-exception.json": [
    "bf1c414a45cf63d3",
    "6a12f13af2e21249 99cad8c78cea730c 1775",
    "6a12f13af2e21249 19574dedff7e4987 2000",
    "2f87776e00c13289 6d511c6ce6f983e4 64956",
  ],
  "bugsnag/webhook-firstException.json": [
    "52b03c03ea899ee8",
    "04d25264410722eb 4efb4c90d1a07fc7 1617",
    "04d25264410722eb c826d41f6d02afdc 1842",
    "c40b33ae28cd51ef 84944e5bedeb3501 64983",
  ],
  "generic/bugnet-no-stack.json": [
    "e844de0c1de7c1e9",
    "48cd7d4522425f4e b07acbdaeb128464 1139",
    "48cd7d4522425f4e 4c08fa3b010195d1 1364",
    "fcb03238461053c9 32b8d7c0eb790a9e 65008",
  ],
  "generic/unity-crashing-first.json": [
    "1ed9b1d423a449a8",
    "a2c5eedeb8678ba4 7cdbf519a7301355 1645",
    "a2c5eedeb8678ba4 ec26c49d7c33a34d 2155",
    "bfa0429c21443777 160913cfbd4c3bea 65005",
  ],
  "breadcrumb data of every kind": [
    "89d80430b162b8bc",
    "8b1232c6ba2092eb 217b805406c06bf0 3430",
    "8b1232c6ba2092eb d00aef66443c7a01 3655",
    "c40b33ae28cd51ef 5e09156488146852 65008",
  ],
  "stacks/android-anonymous-class": [
    "587974caba4c5b6a",
    "2d006195d4eda409 58222aacdee2a12f 1093",
    "2d006195d4eda409 c43413d9cd2234f4 1444",
    "4c4efb5a4f550705 e24f198b52862a3b 64892",
  ],
  "stacks/android-anonymous-class later": [
    "587974caba4c5b6a",
    "febdd798b365c17c de28a27f7ce25144 1093",
    "febdd798b365c17c cd27c6c7d7504855 1444",
    "4c4efb5a4f550705 b27e6975ad4ca38f 64892",
  ],
  "stacks/android-npe-proguard": [
    "9eb2e95e3d2c5fcd",
    "e66222f7a7ecd598 7256c1a034946bab 1765",
    "e66222f7a7ecd598 ad4b3d8597c0b4a4 2204",
    "5380fb71a9884aa3 f185360c2265258d 64958",
  ],
  "stacks/android-npe-proguard later": [
    "9eb2e95e3d2c5fcd",
    "e66222f7a7ecd598 822b5a157eb61a59 1766",
    "e66222f7a7ecd598 5741c7947ab9284c 2205",
    "5380fb71a9884aa3 3632b222d2388e37 64958",
  ],
  "stacks/c-nginx-gdb": [
    "f752db7e8b7e87ea",
    "46e22d1fe87889bf b7751ad153fd96dc 1418",
    "46e22d1fe87889bf 8281872d870988bc 2053",
    "c85f4034211d81be c5577d14fd233503 64980",
  ],
  "stacks/c-nginx-gdb later": [
    "f752db7e8b7e87ea",
    "46e22d1fe87889bf 4de3be2d5b2f1351 1422",
    "46e22d1fe87889bf 6e61fdfc104f8ba3 2057",
    "c85f4034211d81be 58df03e934d1a926 64980",
  ],
  "stacks/cpp-abort-libsegfault": [
    "a0a7c96585c1ffae",
    "0846db1a88ea1a37 bc1435d1b8fb3c52 1646",
    "0846db1a88ea1a37 fb2ded442aace737 1896",
    "cf979aa463754853 78d405506bb81570 64991",
  ],
  "stacks/cpp-abort-libsegfault later": [
    "a0a7c96585c1ffae",
    "0846db1a88ea1a37 533d8c999090d50b 1649",
    "0846db1a88ea1a37 6ef25dbe983f6cc7 1900",
    "cf979aa463754853 8df2659babe258c6 64993",
  ],
  "stacks/js-browser-cra-chunks": [
    "85f3842f2695a37a",
    "ee0f0404a24341d4 5346ca4a87882191 1750",
    "ee0f0404a24341d4 233fd0d4b44a9e01 2000",
    "421810535e770c68 75424291cc7cb3c1 64945",
  ],
  "stacks/js-browser-cra-chunks later": [
    "85f3842f2695a37a",
    "6b5322181f5b6722 fdb36feefae54fa5 1893",
    "6b5322181f5b6722 b671f7379e3ab459 2143",
    "421810535e770c68 f705b1d2c0617ba8 64945",
  ],
  "stacks/js-browser-nextjs-chunks": [
    "bb6bd66a05ffb517",
    "69abf22c9107e30d 4d9215ef90059e20 1711",
    "69abf22c9107e30d 73bdf13fabcfc3a2 1962",
    "421810535e770c68 d226a66cd3983e45 64990",
  ],
  "stacks/js-browser-nextjs-chunks later": [
    "bb6bd66a05ffb517",
    "c79f9ff441b56850 83dc551f8e26ad05 1671",
    "c79f9ff441b56850 ff2dcede4efcf2a0 1922",
    "421810535e770c68 f3c1e7bcf9fca27f 64990",
  ],
  "stacks/kotlin-coroutine-lateinit": [
    "dcec006c428b0829",
    "5f59db91ffe5d6b1 cac232270b4dd749 1946",
    "5f59db91ffe5d6b1 7d57c43e1d2591af 2412",
    "ade80e7d25d4828d 6b895bedfcf6215a 64949",
  ],
  "stacks/kotlin-coroutine-lateinit later": [
    "dcec006c428b0829",
    "7b4fe0e1b5d2b054 f3e71c8d69f01569 1947",
    "7b4fe0e1b5d2b054 3aac31a28a5cc87f 2413",
    "ade80e7d25d4828d c7137b7021075b0b 64949",
  ],
  "stacks/node-unhandled-rejection": [
    "7840a2395fe62975",
    "b52fa1ca2327c3ab f20b51c1a974f802 1166",
    "b52fa1ca2327c3ab 1a2db727ac717c6d 1416",
    "421810535e770c68 2b3898b0ef006e17 64976",
  ],
  "stacks/node-unhandled-rejection later": [
    "7840a2395fe62975",
    "b52fa1ca2327c3ab 0e4d46f9be7e5c3e 1179",
    "b52fa1ca2327c3ab 85a8546aada69d6a 1429",
    "421810535e770c68 c06f80b1c59f8b2a 64976",
  ],
  "stacks/python-django-keyerror": [
    "664adb3165ad10e1",
    "8e83ce7e1979c078 21506af8dc5908f4 1426",
    "8e83ce7e1979c078 aecf1efd1e739e8a 1681",
    "ada210f8ddcf988f 26f3b08e2082876f 64989",
  ],
  "stacks/python-django-keyerror later": [
    "664adb3165ad10e1",
    "5a4d4c513d6e389a 36781f13b64b04c9 1557",
    "5a4d4c513d6e389a 013ab6a03f2f3791 1812",
    "ada210f8ddcf988f 63efdee0ce5d02e4 64989",
  ],
  "stacks/python-library-only": [
    "79d97502efb3b748",
    "cfa2e6e392eb2eb9 80e031a762ab6d2e 1171",
    "cfa2e6e392eb2eb9 ea4b07cad6d0d37f 1422",
    "ada210f8ddcf988f 1adb25f8016c5a77 64983",
  ],
  "stacks/python-library-only later": [
    "79d97502efb3b748",
    "cfa2e6e392eb2eb9 58e755dd785feac8 1176",
    "cfa2e6e392eb2eb9 417a7e621d018dc6 1427",
    "ada210f8ddcf988f cd2d3b2e3aa79fbc 64983",
  ],
  "stacks/rust-panic-local": [
    "e5d8631cc074781d",
    "9bd94a4ea62ccc00 97cab37da3959fe4 1077",
    "9bd94a4ea62ccc00 3d6ba9799616c806 1327",
    "98f523a9b14fa451 86e87a8663b33557 64990",
  ],
  "stacks/rust-panic-local later": [
    "e5d8631cc074781d",
    "9bd94a4ea62ccc00 182dda096954d3b4 1089",
    "9bd94a4ea62ccc00 67e01bf1bf7c2167 1339",
    "98f523a9b14fa451 97a8b28b8dd6e57e 64990",
  ],
  "stacks/rust-panic-registry": [
    "021fc655638bcf71",
    "b176e8235c7a3ce4 cc447f55db545728 1354",
    "b176e8235c7a3ce4 c68489a84a0b81a2 1604",
    "98f523a9b14fa451 178a3efce2f09a41 64919",
  ],
  "stacks/rust-panic-registry later": [
    "021fc655638bcf71",
    "b176e8235c7a3ce4 53d13de52cb1cb5a 1354",
    "b176e8235c7a3ce4 0712e05f9efc70a9 1604",
    "98f523a9b14fa451 febf06cd841db499 64919",
  ],
  "stacks/ts-react-source-mapped": [
    "92a098aa428f3f4d",
    "c15b2bb4f3d0b7c7 a34e03dfc39c78b2 2041",
    "c15b2bb4f3d0b7c7 3d38900d308b7725 2478",
    "421810535e770c68 92b419250977c9da 64891",
  ],
  "stacks/ts-react-source-mapped later": [
    "92a098aa428f3f4d",
    "c15b2bb4f3d0b7c7 463991a52dbd93e3 2035",
    "c15b2bb4f3d0b7c7 56602933dd939475 2472",
    "421810535e770c68 403c2d61b8ae1f68 64891",
  ],
  "stacks/unity-generic-nre": [
    "880370d779058b33",
    "68b904bb54a77def bf22fb12fdbf1042 1538",
    "68b904bb54a77def 93fe213ac70b66ac 2141",
    "30913c7c061a43c0 75091e40659257ea 65000",
  ],
  "stacks/unity-generic-nre later": [
    "880370d779058b33",
    "68b904bb54a77def d57a6d16a242f088 1664",
    "68b904bb54a77def fa5381ff17e01eed 2327",
    "30913c7c061a43c0 c891561e081d28e2 65000",
  ],
  "stacks/unity-player-il-offsets": [
    "f5674c3fbf6ebc3e",
    "49e0020082974735 3b1ec9efc61f20b0 881",
    "49e0020082974735 8e316226d96a05fe 1131",
    "26229f93e469fe22 cc95f14326f3a719 64979",
  ],
  "stacks/unity-player-il-offsets later": [
    "f5674c3fbf6ebc3e",
    "31988fb3349434f4 f468131cff39bc05 881",
    "31988fb3349434f4 d4d447f590a08f80 1131",
    "26229f93e469fe22 5667a4b4bc660209 64979",
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
