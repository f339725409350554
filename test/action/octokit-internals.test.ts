import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Octokit } from "@octokit/core";
import { throttling } from "@octokit/plugin-throttling";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { BUNDLE_SWAPS, bundleSwaps, swapsNotApplied } from "../../src/action/bundle-swaps.mjs";
import { straightThrough, THROTTLING_GROUPS, THROTTLING_GROUPS_LEFT, unthrottledGroups } from "../../src/action/octokit-internals.js";
import RetryLimiter from "../../src/action/retry-limiter.js";

/**
 * The contract of the Action's dependency tricks (src/action/octokit-internals.ts, src/action/bundle-swaps.mjs) with
 * the installed packages. Each assertion says which assumption an upgraded @octokit/plugin-throttling,
 * @octokit/plugin-retry, bottleneck, undici or @actions package broke, so an upgrade that changes them fails here
 * by name instead of making the Action silently slower or wrong.
 */

/** The Bottleneck the plugins import (its light build, typed as the full one: the same API without clustering). */
const Bottleneck = createRequire(import.meta.url)("bottleneck/light.js") as typeof import("bottleneck").default;

const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));

/** A fetch that answers each request with the next of `answers` (the last one repeats) and records the requests. */
function fakeFetch(answers: { status: number; body?: unknown; headers?: Record<string, string> }[]) {
  const requests: string[] = [];
  const fetch = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    requests.push(`${init?.method ?? "GET"} ${new URL(url instanceof Request ? url.url : url).pathname}`);
    const answer = answers[Math.min(requests.length - 1, answers.length - 1)]!;
    return new Response(JSON.stringify(answer.body ?? {}), {
      status: answer.status,
      headers: { "content-type": "application/json", ...answer.headers },
    });
  };
  return { fetch, requests };
}

describe("@octokit/plugin-throttling, as the Action hands it its groups", () => {
  it("reads exactly the groups the Action answers and the ones it leaves to the plugin", () => {
    const source = readFileSync(fileURLToPath(import.meta.resolve("@octokit/plugin-throttling")), "utf8");
    // How the plugin takes a group from its options, falling back to its own Bottleneck group: `state.x = state.x ?? groups.x`.
    const read = [...source.matchAll(/state\.(\w+) = state\.\1 \?\? groups\.\1/g)].map((m) => m[1]).sort();
    expect(
      read,
      "plugin-throttling no longer reads its groups from the throttle option as `state.<group> ?? groups.<group>`, or reads others than " +
        "THROTTLING_GROUPS and THROTTLING_GROUPS_LEFT (src/action/octokit-internals.ts): a new group would queue requests on Bottleneck again",
    ).toEqual([...THROTTLING_GROUPS, ...THROTTLING_GROUPS_LEFT].sort());
    expect(source, "plugin-throttling no longer takes its retry limiter from the throttle option (`state.retryLimiter ??`)").toMatch(
      /state\.retryLimiter = state\.retryLimiter \?\?/,
    );
  });

  it("schedules reads on `global` and writes on `write` and `notifications` of the groups passed, and retries a rate limit on the RetryLimiter", async () => {
    const scheduled: string[] = [];
    const spied = Object.fromEntries(
      THROTTLING_GROUPS.map((name) => [
        name,
        {
          key: (id: string) => ({
            schedule: (options: unknown, task: (...args: unknown[]) => unknown, ...args: unknown[]) => {
              scheduled.push(name);
              return straightThrough.key(id).schedule(options, task, ...args);
            },
          }),
        },
      ]),
    );
    const limits: number[] = [];
    const { fetch, requests } = fakeFetch([
      { status: 200 },
      { status: 403, body: { message: "You have exceeded a secondary rate limit" }, headers: { "retry-after": "1" } },
      { status: 201 },
    ]);
    const octokit = new (Octokit.plugin(throttling))({
      request: { fetch },
      throttle: {
        // The wait GitHub asks for (retry-after) counts in ms here, not s.
        retryAfterBaseValue: 1,
        onRateLimit: () => false,
        onSecondaryRateLimit: (_after: number, _options: unknown, _octokit: unknown, retryCount: number) => (limits.push(retryCount), true),
        ...unthrottledGroups(),
        ...spied,
      },
    });

    await octokit.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "shop" });
    expect(scheduled, "plugin-throttling no longer schedules a read on the `global` group passed in its throttle option").toEqual(["global"]);

    scheduled.length = 0;
    const created = await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      owner: "acme",
      repo: "shop",
      issue_number: 1,
      body: "x",
    });
    expect(
      new Set(scheduled),
      "plugin-throttling no longer schedules a write that notifies on the `write`, `notifications` and `global` groups passed",
    ).toEqual(new Set(["write", "notifications", "global"]));
    expect(
      [created.status, limits, requests.slice(1)],
      "plugin-throttling's retry of a secondary rate limit no longer works with the RetryLimiter passed as its retryLimiter (its `failed` listener, `schedule`)",
    ).toEqual([201, [0], ["POST /repos/acme/shop/issues/1/comments", "POST /repos/acme/shop/issues/1/comments"]]);
  });
});

describe("Bottleneck, as the fakes stand in for it", () => {
  it("Bottleneck.Group answers key(id).schedule(options, task, ...args) with the task's result, as straightThrough does", async () => {
    expect(typeof Bottleneck.Group, "bottleneck/light.js no longer has Bottleneck.Group, whose API straightThrough copies").toBe("function");
    const group = new Bottleneck.Group({ maxConcurrent: 1 });
    const task = async (a: unknown, b: unknown) => `${String(a)}+${String(b)}`;
    const real = await group.key("id").schedule({ id: "job" }, task, 1, 2);
    const fake = await straightThrough.key("id").schedule({ id: "job" }, task, 1, 2);
    expect(fake, "Bottleneck.Group's key(id).schedule(options, task, ...args) no longer answers as straightThrough does").toBe(real);
    await group.disconnect();
  });

  it("Bottleneck retries on a `failed` listener's wait with info.retryCount, as RetryLimiter does", async () => {
    // What plugin-retry and plugin-throttling call on their limiter, and nothing more.
    interface Retrying {
      on(event: "failed", listener: (error: unknown, info: { retryCount: number }) => number | undefined): void;
      schedule(task: () => Promise<unknown>): Promise<unknown>;
    }
    const limiters = { Bottleneck: new Bottleneck() as unknown as Retrying, RetryLimiter: new RetryLimiter() as Retrying };
    for (const [name, limiter] of Object.entries(limiters)) {
      let calls = 0;
      const seen: number[] = [];
      limiter.on("failed", (_error: unknown, info: { retryCount: number }) => (seen.push(info.retryCount), info.retryCount < 1 ? 1 : undefined));
      const result = limiter.schedule(async () => {
        calls++;
        throw new Error("down");
      });
      await expect(result).rejects.toThrow("down");
      expect([calls, seen], `${name}: a task failing twice, retried once after the listener's wait`).toEqual([2, [0, 1]]);
    }
  });
});

describe("the bundle's swaps (src/action/bundle-swaps.mjs)", () => {
  it("the modules swapped out exist in node_modules with what the replacements load from them", async () => {
    const undici = ((await import("undici")) as unknown as { default: Record<string, unknown> }).default;
    expect(typeof undici.fetch, "undici no longer exports fetch, which undici-on-demand.ts loads for a request through a proxy").toBe("function");
    expect(typeof undici.ProxyAgent, "undici no longer exports ProxyAgent, which undici-on-demand.ts loads for a proxy").toBe("function");
    for (const swap of BUNDLE_SWAPS) {
      const replacement = (await import(pathToFileURL(join(ROOT, swap.replacement)).href)) as Record<string, unknown>;
      for (const name of swap.imports)
        expect(replacement[name], `${swap.replacement} does not export ${name}, which ${swap.importers.join(" and ")} import`).toBeDefined();
    }
  });

  it("applies to every package listed, each import met by the replacement, and plugin-retry retries on the RetryLimiter", async () => {
    const applied = new Set<string>();
    const dir = await mkdtemp(join(tmpdir(), "hotfix-swaps-"));
    try {
      const entry = [...new Set(BUNDLE_SWAPS.flatMap((s) => s.importers))].map((name, i) => `export * as p${i} from "${name}";`).join("\n");
      const result = await build({
        stdin: { contents: `${entry}\nexport { Octokit } from "@octokit/core";`, resolveDir: ROOT, loader: "js" },
        bundle: true,
        platform: "node",
        format: "esm",
        outfile: join(dir, "bundle.mjs"),
        logLevel: "silent",
        banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
        plugins: [bundleSwaps({ root: ROOT, onSwap: (specifier, importer) => applied.add(`${specifier} ${importer}`) })],
      }).catch((error: Error) => {
        // esbuild refuses an import the replacement does not export ("No matching export"): say which swap.
        throw new Error(`bundling with the swaps failed (an upgraded package imports what a replacement lacks?): ${error.message}`);
      });
      expect(result.errors).toEqual([]);
      expect(swapsNotApplied(BUNDLE_SWAPS, applied), "swaps that no longer apply").toEqual([]);

      // The bundled plugin-retry, with RetryLimiter in Bottleneck's place, still retries a 500.
      const bundled = (await import(pathToFileURL(join(dir, "bundle.mjs")).href)) as Record<string, Record<string, unknown>>;
      const retryIndex = [...new Set(BUNDLE_SWAPS.flatMap((s) => s.importers))].indexOf("@octokit/plugin-retry");
      const retry = bundled[`p${retryIndex}`]!.retry as Parameters<typeof Octokit.plugin>[0];
      const BundledOctokit = bundled.Octokit as unknown as typeof Octokit;
      const { fetch, requests } = fakeFetch([{ status: 500 }, { status: 200, body: { ok: true } }]);
      const octokit = new (BundledOctokit.plugin(retry))({ request: { fetch }, retry: { retryAfterBaseValue: 1 } });
      const answer = await octokit.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "shop" });
      expect(
        [answer.status, requests.length],
        "plugin-retry bundled with RetryLimiter in Bottleneck's place no longer retries a 500 (what it calls on its Bottleneck changed?)",
      ).toEqual([200, 2]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
