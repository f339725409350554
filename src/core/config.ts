import * as z from "zod";
import { ProviderName } from "./crash.js";

/**
 * `.github/hotfix.yml`: one file read by both the App and the Action. Every key has a
 * default, so an empty file (or none) is a valid config and opting in only needs `sources`.
 */

const Level = z.enum(["fail", "warn"]);
export type Level = z.infer<typeof Level>;

const globs = (defaults: string[]) => z.array(z.string().min(1)).default(defaults);

/** A rule switch with its level; `enabled: false` turns the rule off. */
const rule = <T extends z.ZodRawShape>(level: Level, shape: T) =>
  z
    .object({ enabled: z.boolean().default(true), level: Level.default(level), ...shape })
    .strict()
    // Every key inside has a default, so an absent rule is the rule with its defaults.
    .prefault({} as never);

export const DEFAULT_IGNORE = [
  "**/package-lock.json",
  "**/yarn.lock",
  "**/pnpm-lock.yaml",
  "**/npm-shrinkwrap.json",
  "**/Gemfile.lock",
  "**/poetry.lock",
  "**/Pipfile.lock",
  "**/Cargo.lock",
  "**/go.sum",
  "**/composer.lock",
  "**/Podfile.lock",
  "**/pubspec.lock",
  "**/packages.lock.json",
  "**/__snapshots__/**",
  "**/*.snap",
  "**/*.generated.*",
  "**/generated/**",
  "**/vendor/**",
  "**/third_party/**",
  "**/node_modules/**",
  "dist/**",
];

export const DEFAULT_MANIFESTS = [
  "**/package.json",
  "**/package-lock.json",
  "**/npm-shrinkwrap.json",
  "**/yarn.lock",
  "**/pnpm-lock.yaml",
  "**/requirements*.txt",
  "**/pyproject.toml",
  "**/poetry.lock",
  "**/Pipfile",
  "**/Pipfile.lock",
  "**/go.mod",
  "**/go.sum",
  "**/Cargo.toml",
  "**/Cargo.lock",
  "**/Gemfile",
  "**/Gemfile.lock",
  "**/pom.xml",
  "**/build.gradle",
  "**/build.gradle.kts",
  "**/gradle/libs.versions.toml",
  "**/*.csproj",
  "**/packages.config",
  "**/packages.lock.json",
  "**/Packages/manifest.json",
  "**/Podfile",
  "**/Podfile.lock",
  "**/pubspec.yaml",
  "**/pubspec.lock",
  "**/composer.json",
  "**/composer.lock",
  "**/conanfile.txt",
  "**/vcpkg.json",
];

export const DEFAULT_TEST_PATHS = [
  "**/*.test.*",
  "**/*.spec.*",
  "**/test/**",
  "**/tests/**",
  "**/__tests__/**",
  "**/spec/**",
  "**/*_test.go",
  "**/test_*.py",
  "**/*_test.py",
  "**/*Test.java",
  "**/*Tests.java",
  "**/*Test.kt",
  "**/*Tests.kt",
  "**/*Tests.cs",
  "**/*Test.cs",
  "**/Tests/**",
  "**/*_spec.rb",
  "**/*Tests.swift",
  "**/*_test.cc",
  "**/*_test.cpp",
];

export const Source = z
  .object({
    provider: ProviderName,
    /**
     * The reporter's projects whose alerts open issues here (Sentry project slug,
     * Bugsnag project id, generic project name). Empty: every project of that provider.
     */
    projects: z.array(z.string().min(1)).default([]),
  })
  .strict();
export type Source = z.infer<typeof Source>;

export const HotfixConfig = z
  .object({
    /** Which crash reporters (and which of their projects) this repository takes alerts from. */
    sources: z.array(Source).default([]),
    issues: z
      .object({
        labels: z.array(z.string().min(1)).default(["hotfix", "crash"]),
        /** Extra label by whether the app caught the error; empty string for none. */
        severityLabels: z
          .object({ unhandled: z.string().default("severity:critical"), handled: z.string().default("severity:high") })
          .strict()
          .prefault({}),
        assignees: z.array(z.string().min(1)).default([]),
        /** Also assign the CODEOWNERS of the crashing in-app frame's file. */
        codeowners: z.boolean().default(true),
        /** On a new issue, name who last changed the crashing line at the crashing release (one GraphQL blame); "assign" also assigns them. */
        suspect: z.enum(["off", "show", "assign"]).default("off"),
        /** At most one issue edit per signature per this many seconds; repeats only update the store in between. */
        refreshIntervalSeconds: z.number().int().min(0).default(60),
        reopenOnRegression: z.boolean().default(true),
        /**
         * New hotfix issues the App opens in this repository per hour; crashes past it are counted
         * in one roll-up issue instead, so a flood of distinct crashes cannot flood the tracker.
         */
        maxNewPerHour: z.number().int().min(1).default(20),
      })
      .strict()
      .prefault({}),
    /** How stack frame paths map onto files of this repository, for links to the exact line. */
    links: z
      .object({
        /** Prefixes removed from frame paths before they are taken as repository paths. */
        stripPrefixes: z.array(z.string()).default([]),
        /** Folder of the repository the remaining path is relative to. */
        root: z.string().default(""),
        /**
         * Git ref for a release when no commit is known. `{version}` is the release without a
         * Sentry-style `package@` prefix or `+build` metadata ("shop@1.4.2+305" gives "1.4.2");
         * `{release}` is it as reported.
         */
        tagTemplate: z.string().default("v{version}"),
      })
      .strict()
      .prefault({}),
    /** How the Action recognises a hotfix PR: any one of these makes it one. */
    hotfix: z
      .object({
        branches: globs(["hotfix/**"]),
        labels: z.array(z.string().min(1)).default(["hotfix"]),
        /** A PR that links (Fixes #N) an issue carrying the App's hotfix marker is a hotfix. */
        linkedIssue: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    rules: z
      .object({
        /** Paths left out of every count (lockfiles, generated code, snapshots, vendored code). */
        ignore: globs(DEFAULT_IGNORE),
        maxFiles: rule("fail", { limit: z.number().int().min(1).default(10) }),
        maxLines: rule("fail", { limit: z.number().int().min(1).default(200) }),
        forbiddenPaths: rule("fail", {
          paths: globs(["**/migrations/**", ".github/workflows/**", "infra/**", "terraform/**", "**/*.tf", "helm/**", "k8s/**"]),
        }),
        dependencies: rule("fail", { manifests: globs(DEFAULT_MANIFESTS) }),
        regressionTest: rule("fail", { paths: globs(DEFAULT_TEST_PATHS) }),
        linkedIssue: rule("fail", {
          /**
           * Labels that make an open linked issue a hotfix issue when it has no hotfix-loop marker: a team running the
           * Action without the App labels its own crash issues. `touchesStack` is then skipped (no stack is recorded).
           */
          labels: z.array(z.string().min(1)).default(["hotfix"]),
        }),
        touchesStack: rule("warn", {}),
        baseBranch: rule("fail", { branches: globs(["main", "master", "release/**", "releases/**"]) }),
      })
      .strict()
      .prefault({}),
    verify: z
      .object({
        /** Confidence needed before saying verified or not verified, e.g. 0.99: P(observed | crash unfixed) < 1%. */
        confidence: z.number().gt(0.5).lt(1).default(0.99),
        /** Minimum time since the deployment before any verdict other than "not enough data yet". */
        minWindowMinutes: z.number().int().min(0).default(30),
        /** Crashes and exposure are counted only up to this many minutes ago: mobile apps send crash reports at their next launch. */
        reportLagMinutes: z.number().int().min(0).default(180),
        /** What counts as exposure of a version: sessions when the reporter tracks them, else all events. */
        exposure: z.enum(["sessions", "events"]).default("sessions"),
        closeOnVerified: z.boolean().default(false),
        /**
         * On "verified", also mark every reporter group of the hotfix issue fixed in the reporter: the Sentry
         * issue resolved in the deployed release, the Bugsnag error fixed. A crash that returns is then reopened
         * by the reporter's own regression rules. Needs a token that may write (Sentry `event:write`).
         */
        resolveInReporter: z.boolean().default(false),
        /**
         * Logins whose verification comments the App believes, besides its own: the identity the
         * verify Action posts as (the default GITHUB_TOKEN posts as github-actions[bot]).
         */
        trustedAuthors: z.array(z.string().min(1)).default(["github-actions[bot]"]),
        labels: z
          .object({ verified: z.string().default("hotfix:verified"), notVerified: z.string().default("hotfix:not-verified") })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    board: z
      .object({
        /** Keep one issue titled "Hotfix board": open hotfixes by stage, and how fast fixes went from detection to verified. */
        enabled: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type HotfixConfig = z.infer<typeof HotfixConfig>;
export type HotfixConfigInput = z.input<typeof HotfixConfig>;

export const DEFAULT_CONFIG: HotfixConfig = HotfixConfig.parse({});

/** One thing wrong with a config: the key, what is wrong, and where it is when the YAML text is known. */
export interface ConfigProblem {
  key: string;
  message: string;
  /** Which file, when the config was merged from more than one (`_extends`, the organisation's `.github`). */
  file?: string;
  line?: number;
  column?: number;
}

export type ConfigResult = { ok: true; config: HotfixConfig } | { ok: false; errors: string[]; problems: ConfigProblem[] };

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return `a list (${JSON.stringify(value).slice(0, 60)})`;
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value).slice(0, 60)}`;
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** One problem per zod issue (per key for unknown keys): the path it is at, what was expected, what was found. */
export function issueProblems(issues: z.core.$ZodIssue[], input: unknown): (ConfigProblem & { path: PropertyKey[] })[] {
  return issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((k) => ({
        path: [...issue.path, k],
        key: [...issue.path.map(String), k].join("."),
        message: "unknown key (check its spelling)",
      }));
    }
    const key = issue.path.length ? issue.path.map(String).join(".") : "(top level)";
    return [{ path: issue.path, key, message: `${issue.message}; found ${describe(valueAt(input, issue.path))}` }];
  });
}

/** Turns zod issues into one line each: the key, what was expected, what was found. */
export function formatIssues(issues: z.core.$ZodIssue[], input: unknown, prefix = ""): string[] {
  return issueProblems(issues, input).map((p) => `${prefix}${p.key}: ${p.message}`);
}

/** `key: message (file line L, column C)`: one line for people. */
export function formatProblem(p: ConfigProblem): string {
  const where = p.line === undefined ? (p.file ? ` (${p.file})` : "") : ` (${p.file ? `${p.file} ` : ""}line ${p.line}, column ${p.column ?? 1})`;
  return `${p.key}: ${p.message}${where}`;
}

/** The result for a config with these problems. */
export const invalidConfig = (problems: ConfigProblem[]): ConfigResult => ({ ok: false, problems, errors: problems.map(formatProblem) });

export function parseConfig(raw: unknown): ConfigResult {
  const result = HotfixConfig.safeParse(raw ?? {});
  if (result.success) return { ok: true, config: result.data };
  return invalidConfig(issueProblems(result.error.issues, raw).map(({ path: _, ...problem }) => problem));
}

/** The JSON Schema editors use to complete `.github/hotfix.yml`. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(HotfixConfig, { io: "input", target: "draft-7" }),
    title: "hotfix-loop configuration (.github/hotfix.yml)",
  };
}
