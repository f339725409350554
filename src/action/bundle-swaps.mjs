// @ts-check
/**
 * What the Action's bundle (build.mjs) puts in place of a module that a third-party package imports: the one list of
 * the build's dependency tricks, read by build.mjs and held against the installed packages by
 * test/action/octokit-internals.test.ts. Plain JavaScript because build.mjs runs on Node without a TypeScript loader.
 * The throttling groups the Action hands plugin-throttling at run time are the other half: src/action/octokit-internals.ts.
 *
 * A swap names the module as imported (`specifier`), the packages whose imports it replaces (`importers`: an upgrade
 * that stops importing it is a swap that silently does nothing, so the build fails when one never applies), and the
 * names those packages import, which the replacement must export.
 */

/** @typedef {{ specifier: string; importers: string[]; replacement: string; imports: string[] }} BundleSwap */

/** @type {readonly BundleSwap[]} */
export const BUNDLE_SWAPS = [
  // @actions/github and @actions/http-client import undici for proxies only, yet importing it cost every cold start
  // 416 KB of code to compile and run. The replacement loads the real undici (its own chunk) when a request goes
  // through a proxy, and is Node's own fetch otherwise.
  {
    specifier: "undici",
    importers: ["@actions/github", "@actions/http-client"],
    replacement: "src/action/undici-on-demand.ts",
    imports: ["fetch", "ProxyAgent"],
  },
  // plugin-retry puts every request on a Bottleneck of its own, whose timer ticks delay each read and write by about
  // 5 ms; the replacement retries as Bottleneck does (`on("failed")`, `schedule`) without the ticks.
  {
    specifier: "bottleneck/light.js",
    importers: ["@octokit/plugin-retry"],
    replacement: "src/action/retry-limiter.ts",
    imports: ["default"],
  },
];

/**
 * The esbuild plugin that applies the swaps. `onSwap` hears of each import replaced (specifier and importing package),
 * for the build's check that every swap applied and for the contract test.
 * @param {{ root: string; swaps?: readonly BundleSwap[]; onSwap?: (specifier: string, importer: string) => void }} options
 * @returns {import("esbuild").Plugin}
 */
export function bundleSwaps({ root, swaps = BUNDLE_SWAPS, onSwap = () => {} }) {
  return {
    name: "bundle-swaps",
    setup(build) {
      for (const swap of swaps) {
        const filter = new RegExp(`^${swap.specifier.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`);
        build.onResolve({ filter }, (args) => {
          // Only the listed packages' imports: the replacement's own import of the real module must reach it.
          const importer = swap.importers.find((name) => args.importer.includes(`/node_modules/${name}/`));
          if (importer === undefined) return undefined;
          onSwap(swap.specifier, importer);
          return { path: `${root}/${swap.replacement}` };
        });
      }
    },
  };
}

/**
 * The swaps that never applied in a build, as one message per importer, empty when all did.
 * @param {readonly BundleSwap[]} swaps
 * @param {ReadonlySet<string>} applied "specifier importer" pairs onSwap heard
 * @returns {string[]}
 */
export function swapsNotApplied(swaps, applied) {
  return swaps.flatMap((swap) =>
    swap.importers
      .filter((importer) => !applied.has(`${swap.specifier} ${importer}`))
      .map(
        (importer) =>
          `${importer} no longer imports "${swap.specifier}", so ${swap.replacement} is not swapped in (src/action/bundle-swaps.mjs): see what it imports now`,
      ),
  );
}
