import { readdirSync } from "node:fs";
import { CrashReport } from "../../src/core/crash.js";
import { bugsnag } from "../../src/providers/bugsnag.js";
import { generic } from "../../src/providers/generic.js";
import { sentry } from "../../src/providers/sentry.js";
import { delivery, fixtureJson } from "../providers/delivery.js";
import { loadStacks } from "./stacks.js";

/** The fixture corpus as reports: every payload its provider accepts, hostile breadcrumb data, and the real stacks. */

const PROVIDERS = { sentry, bugsnag, generic } as const;

/** Every webhook payload of the fixture folders that its provider accepts. */
export function corpus(): [string, CrashReport][] {
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
