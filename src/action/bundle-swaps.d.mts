import type { Plugin } from "esbuild";

/** Types of bundle-swaps.mjs, which build.mjs runs as plain JavaScript; the list and its reasons are there. */
export interface BundleSwap {
  specifier: string;
  importers: string[];
  replacement: string;
  imports: string[];
}

export const BUNDLE_SWAPS: readonly BundleSwap[];
export function bundleSwaps(options: { root: string; swaps?: readonly BundleSwap[]; onSwap?: (specifier: string, importer: string) => void }): Plugin;
export function swapsNotApplied(swaps: readonly BundleSwap[], applied: ReadonlySet<string>): string[];
