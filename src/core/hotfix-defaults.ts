/**
 * What makes a PR a hotfix PR when `.github/hotfix.yml` says nothing, in a module that imports nothing: the config's
 * schema (core/config.ts) takes its defaults from here, and the Action's entry decides with them before zod loads
 * (src/action/first-reads.ts), without the schema pulling in the rules that read a PR (core/hotfix-reasons.ts).
 */

/** `hotfix` of the config: what makes a PR a hotfix PR (core/config.ts's schema types it). */
export interface HotfixRecognition {
  branches: string[];
  labels: string[];
  linkedIssue: boolean;
}

/** `hotfix` of the config when the file says nothing: the schema's defaults are these. */
export const HOTFIX_DEFAULTS: Readonly<HotfixRecognition> = { branches: ["hotfix/**"], labels: ["hotfix"], linkedIssue: true };
