import * as z from "zod";
import { ProviderName } from "./crash.js";
import { HOTFIX_DEFAULTS } from "./hotfix-defaults.js";
import { issueProblems } from "./zod-problems.js";

/**
 * `.github/hotfix.yml`: one file read by both the App and the Action. Every key has a
 * default, so an empty file (or none) is a valid config and opting in only needs `sources`.
 */

const Level = z.enum(["fail", "warn"]).describe("`fail` fails the check when the rule is broken; `warn` only notes it.");
export type Level = z.infer<typeof Level>;

const globs = (defaults: string[]) => z.array(z.string().min(1)).default(defaults);

/** A rule switch with its level; `enabled: false` turns the rule off. */
const rule = <T extends z.ZodRawShape>(level: Level, description: string, shape: T) =>
  z
    .object({ enabled: z.boolean().default(true).describe("`false` turns the rule off."), level: Level.default(level), ...shape })
    .strict()
    // Every key inside has a default, so an absent rule is the rule with its defaults.
    .prefault({} as never)
    .describe(description);

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
    provider: ProviderName.describe("The crash reporter whose alerts open issues here."),
    projects: z
      .array(z.string().min(1))
      .default([])
      .describe("Sentry project slugs, Bugsnag project ids or generic `project` names to take alerts from; empty: every project of that provider."),
  })
  .strict();
export type Source = z.infer<typeof Source>;

export const HotfixConfig = z
  .object({
    sources: z
      .array(Source)
      .default([])
      .describe("Which crash reporters (and which of their projects) this repository takes alerts from; none: the App opens no issues here."),
    issues: z
      .object({
        labels: z
          .array(z.string().min(1))
          .default(["hotfix", "crash"])
          .describe("Labels of every hotfix issue; the first also finds the App's issues again."),
        severityLabels: z
          .object({
            unhandled: z.string().default("severity:critical").describe('Extra label when the app crashed (`handled: false`); `""` for none.'),
            handled: z.string().default("severity:high").describe('Extra label when the error was caught and reported; `""` for none.'),
          })
          .strict()
          .prefault({}),
        assignees: z.array(z.string().min(1)).default([]).describe("GitHub users assigned to every hotfix issue."),
        codeowners: z
          .boolean()
          .default(true)
          .describe(
            "Also assign the CODEOWNERS users of the crashing in-app frame's file, matched by GitHub's documented rules (gitignore patterns via the `ignore` package, last match wins, `docs/*` owns only the files directly in `docs/`).",
          ),
        suspect: z
          .enum(["off", "show", "assign"])
          .default("off")
          .describe(
            '`show`: on a new issue, comment who last changed the crashing in-app line at the crashing release (one GraphQL `blame` at the release\'s commit or tag): "Suspect: `abc1234` Refactor cart totals (#311) by @dana-dev". `assign` also assigns that author; `off` asks nothing, so no extra GitHub call is made. Nothing is said when the file, line or ref is not in the repository.',
          ),
        refreshIntervalSeconds: z
          .number()
          .int()
          .min(0)
          .default(60)
          .describe("At most one edit of an issue per crash per this many seconds; repeats in between only count in the store."),
        reopenOnRegression: z
          .boolean()
          .default(true)
          .describe("Reopen a closed hotfix issue when the crash comes back in a version at or after the fixed one."),
        // A flood of distinct crashes must not flood the tracker.
        maxNewPerHour: z
          .number()
          .int()
          .min(1)
          .default(20)
          .describe(
            'New hotfix issues the App opens in the repository per hour. Past it, new crashes are counted in one roll-up issue ("Crashes past the new-issue budget", one row per crash) instead of an issue each, and the App logs `new-issue budget reached` (with `metric: hotfix_crashes_rolled_up_total`).',
          ),
      })
      .strict()
      .prefault({}),
    links: z
      .object({
        stripPrefixes: z
          .array(z.string())
          .default([])
          .describe("Prefixes cut from frame paths to get repository paths, e.g. `/app/` or `/home/runner/work/shop/shop/`."),
        root: z.string().default("").describe("Folder of the repository the remaining path is relative to, e.g. `app/src/main/java` for Android."),
        tagTemplate: z
          .string()
          .default("v{version}")
          .describe(
            "Git ref of a release when the report has no commit: `{version}` is the release without a `package@` prefix or `+build` metadata (Sentry's `shop@1.4.2+305` gives `1.4.2`), `{release}` the release as reported.",
          ),
      })
      .strict()
      .prefault({})
      .describe("How stack frame paths map onto files of this repository, for links to the exact line."),
    hotfix: z
      .object({
        branches: globs([...HOTFIX_DEFAULTS.branches]).describe("A PR from a matching head branch is a hotfix PR."),
        labels: z
          .array(z.string().min(1))
          .default([...HOTFIX_DEFAULTS.labels])
          .describe("A PR with one of these labels is a hotfix PR."),
        linkedIssue: z
          .boolean()
          .default(HOTFIX_DEFAULTS.linkedIssue)
          .describe("A PR that links (`Fixes #N`) an issue carrying the App's marker is a hotfix PR."),
      })
      .strict()
      .prefault({})
      .describe("How the Action recognises a hotfix PR: any one of these makes it one."),
    rules: z
      .object({
        ignore: globs(DEFAULT_IGNORE).describe("Globs left out of the size counts (lockfiles, snapshots, generated and vendored code)."),
        maxFiles: rule("fail", "Most changed files a hotfix PR may have.", {
          limit: z.number().int().min(1).default(10).describe("Most changed files, after the `rules.ignore` globs."),
        }),
        maxLines: rule("fail", "Most changed lines (additions + deletions).", {
          limit: z.number().int().min(1).default(200).describe("Most changed lines, after the `rules.ignore` globs."),
        }),
        forbiddenPaths: rule("fail", "Paths a hotfix must not touch.", {
          paths: globs(["**/migrations/**", ".github/workflows/**", "infra/**", "terraform/**", "**/*.tf", "helm/**", "k8s/**"]).describe(
            "Globs of the paths a hotfix must not touch.",
          ),
        }),
        dependencies: rule("fail", "A hotfix must not change dependencies (counted even when ignored for size).", {
          manifests: globs(DEFAULT_MANIFESTS).describe("Globs of dependency manifests and lockfiles."),
        }),
        regressionTest: rule("fail", "A hotfix must add or change a test.", {
          paths: globs(DEFAULT_TEST_PATHS).describe("Globs of test files: at least one must be added or changed."),
        }),
        linkedIssue: rule("fail", "A hotfix PR must link an open hotfix issue: one carrying the App's marker, or one with a label below.", {
          labels: z
            .array(z.string().min(1))
            .default(["hotfix"])
            .describe(
              "Labels that make an open linked issue without the App's marker a hotfix issue: a team running the Action without the App labels its own crash issues. `touchesStack` is then skipped (no stack is recorded).",
            ),
        }),
        touchesStack: rule("warn", "A hotfix should change a file of the crash's in-app frames.", {}),
        baseBranch: rule("fail", "Branches a hotfix may target.", {
          branches: globs(["main", "master", "release/**", "releases/**"]).describe("Globs of the base branches a hotfix PR may target."),
        }),
      })
      .strict()
      .prefault({})
      .describe("The narrow-diff rules the Action checks a hotfix PR against."),
    verify: z
      .object({
        // 0.99: a verdict says P(observed | crash unfixed) < 1%.
        confidence: z.number().gt(0.5).lt(1).default(0.99).describe("Confidence needed before saying verified or not verified (between 0.5 and 1)."),
        minWindowMinutes: z
          .number()
          .int()
          .min(0)
          .default(30)
          .describe('Minutes of counting (from the deployment to the report-lag cut-off) before any verdict other than "not enough data yet".'),
        reportLagMinutes: z
          .number()
          .int()
          .min(0)
          .default(180)
          .describe(
            "Crashes and exposure are counted only up to this many minutes ago, so crash reports that arrive late (mobile apps send them at the next launch) are in. `0` for web apps; raise it for apps opened rarely.",
          ),
        exposure: z
          .enum(["sessions", "events"])
          .default("sessions")
          .describe("What counts as a version's exposure: `sessions` when the reporter tracks them, else all events; `events` always uses events."),
        closeOnVerified: z.boolean().default(false).describe("Close the hotfix issue when its fix is verified."),
        resolveInReporter: z
          .boolean()
          .default(false)
          .describe(
            'On "verified", also mark every reporter group of the hotfix issue fixed in the reporter: the Sentry issue resolved in the deployed release, the Bugsnag error fixed. A crash that returns is then reopened by the reporter\'s own regression rules. Needs a token that may write (Sentry `event:write`).',
          ),
        trustedAuthors: z
          .array(z.string().min(1))
          .default(["github-actions[bot]"])
          .describe(
            "Logins whose verification comments the App believes, besides its own (`<app-slug>[bot]`): the identity the verify Action posts as (the default `GITHUB_TOKEN` posts as `github-actions[bot]`). Add your App's or bot's login if the Action runs with another token. Matched in any case, for the App and the Action alike: a name written bare (`github-actions`) trusts that account and its bot (`github-actions[bot]`); a name written with `[bot]` trusts the bot only, not a person of the same name.",
          ),
        labels: z
          .object({
            verified: z.string().default("hotfix:verified").describe("Label for a verified fix."),
            notVerified: z.string().default("hotfix:not-verified").describe("Label for a fix that did not stop the crash."),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({})
      .describe("Post-deploy verification: when the Action may say verified or not verified."),
    board: z
      .object({
        enabled: z
          .boolean()
          .default(false)
          .describe(
            'Keep one issue titled "Hotfix board" in the repository: open hotfixes by stage, and how fast fixes went from detection to verified.',
          ),
      })
      .strict()
      .prefault({}),
    fastLane: z
      .object({
        portTo: globs([]).describe(
          "Globs of further branches a merged hotfix is ported to, e.g. `release/*`: only those whose version (read from the branch name) is newer than the hotfix's base branch. A hotfix merged into any branch but the default one is always ported to the default branch; `[]` ports to it alone.",
        ),
        autoMerge: z
          .union([z.literal(false), z.enum(["merge", "squash", "rebase"])])
          .default(false)
          .describe(
            "When the narrow-diff check passes on a hotfix PR from this repository (never a fork), enable GitHub's auto-merge on it with this merge method (`merge`, `squash` or `rebase`), so it merges once required reviews and checks are green. `false`: never.",
          ),
        deploy: z
          .object({
            workflow: z
              .string()
              .min(1)
              .describe("The workflow to dispatch: its file name (e.g. `deploy.yml`) or id. It needs an `on: workflow_dispatch` trigger."),
            ref: z.string().min(1).optional().describe("Git ref the workflow runs at; default the branch the hotfix merged into."),
            inputs: z
              .record(z.string(), z.string())
              .default({})
              .describe(
                "Further `workflow_dispatch` inputs. `version`, the merged commit's SHA, is always sent too, so the workflow must declare a `version` input.",
              ),
          })
          .strict()
          .optional()
          .describe(
            "When a hotfix PR merges, dispatch this workflow once (`workflow_dispatch`) and link its run in the hotfix issue. Absent: no dispatch.",
          ),
      })
      .strict()
      .prefault({})
      .describe(
        "The fast lane after the check passes: auto-merge, ports of the fix to the branches that need it, and the deploy. All off by default.",
      ),
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

/**
 * The JSON Schema editors use to complete `.github/hotfix.yml`. It accepts `_extends`, which the file
 * reading follows and drops before the config is parsed (core/config-yaml.ts), so HotfixConfig never sees it.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(HotfixConfig, { io: "input", target: "draft-7" });
  return {
    ...schema,
    title: "hotfix-loop configuration (.github/hotfix.yml)",
    properties: {
      _extends: {
        type: "string",
        minLength: 1,
        description:
          "Build on another file: `repo`, `owner/repo` or `owner/repo:path/to/file.yml` (as Probot apps read it). Mappings merge key by key, this file's values winning; lists are joined.",
      },
      ...schema.properties,
    },
  };
}
