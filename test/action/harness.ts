import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { afterEach, beforeEach, vi } from "vitest";
import { issueMarker } from "../../src/core/render.js";

/** The environment GitHub's runner gives a JavaScript action, in a temp dir; `restore()` puts process.env back. */

export const fixture = (name: string): Record<string, any> =>
  JSON.parse(readFileSync(new URL(`../fixtures/github/${name}`, import.meta.url), "utf8"));

/** GitHub's mangling of an input name into its variable: spaces to `_`, upper case, dashes kept. */
export const inputVariable = (name: string) => `INPUT_${name.replace(/ /g, "_").toUpperCase()}`;

export interface ActionEnv {
  dir: string;
  env: Record<string, string>;
  outputs(): Record<string, string>;
  summary(): string;
  restore(): void;
}

/** Parses the `name<<delimiter … delimiter` blocks @actions/core appends to GITHUB_OUTPUT. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i] ?? "");
    if (!m) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i] ?? "");
    outputs[m[1] ?? ""] = value.join("\n");
  }
  return outputs;
}

/**
 * @actions/core's job summary remembers the first GITHUB_STEP_SUMMARY path it sees for the life of
 * the process (one step on a runner), so every run in this process shares one summary file.
 */
const summaryFile = join(mkdtempSync(join(tmpdir(), "hotfix-summary-")), "summary.md");

export function actionEnv(args: { eventName: string; payload: unknown; inputs?: Record<string, string>; apiUrl: string }): ActionEnv {
  const dir = mkdtempSync(join(tmpdir(), "hotfix-action-"));
  const files = { event: join(dir, "event.json"), output: join(dir, "output"), summary: summaryFile };
  writeFileSync(files.event, JSON.stringify(args.payload));
  writeFileSync(files.output, "");
  writeFileSync(files.summary, "");
  const inputs = {
    "github-token": "ghs_test",
    mode: "auto",
    "config-path": ".github/hotfix.yml",
    comment: "true",
    "test-timeout-minutes": "10",
    ...args.inputs,
  };
  const env: Record<string, string> = {
    GITHUB_EVENT_NAME: args.eventName,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_REPOSITORY: "Codertocat/Hello-World",
    GITHUB_API_URL: args.apiUrl,
    GITHUB_WORKSPACE: dir,
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [inputVariable(k), v])),
  };
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const created: ActionEnv = {
    dir,
    env,
    outputs: () => parseOutputFile(readFileSync(files.output, "utf8")),
    summary: () => readFileSync(files.summary, "utf8"),
    restore() {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  active.push(created);
  return created;
}

const active: ActionEnv[] = [];

/**
 * The lifecycle of a test that drives the Action's run(): GitHub only through nock, the
 * workflow commands it prints (::error:: and the like) captured, and after each test the
 * environment of every actionEnv() put back. Returns the messages of the ::error:: commands.
 */
let stdout: string[] = [];

/** Everything the Action printed in this test: log lines and workflow commands. */
export const printed = () => stdout.join("");

export function captureActionRuns(): () => string {
  beforeEach(() => {
    nock.disableNetConnect();
    stdout = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: any) => {
      stdout.push(String(chunk));
      return true;
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    for (const env of active.splice(0)) env.restore();
    nock.cleanAll();
    process.exitCode = undefined;
  });
  return () => stdout.filter((l) => l.startsWith("::error::")).join("");
}

/** The marker the App writes into a hotfix issue, written by the App's own function. */
export const hotfixMarker = (frames: string[]) =>
  issueMarker({ v: 1, signature: "0123456789abcdef", provider: "sentry", frames, versions: ["1.4.2"] });

/** A `GET /pulls/{n}/files` item as GitHub sends it. */
export function prFile(filename: string, opts: { status?: string; additions?: number; deletions?: number; patch?: string } = {}) {
  const additions = opts.additions ?? 3;
  const deletions = opts.deletions ?? 1;
  return {
    sha: "bbcd538c8e72b8c175046e27cc8f907076331401",
    filename,
    status: opts.status ?? "modified",
    additions,
    deletions,
    changes: additions + deletions,
    blob_url: `https://github.com/Codertocat/Hello-World/blob/ec26c3e57ca3a959ca5aad62de7213c562f8c821/${filename}`,
    raw_url: `https://github.com/Codertocat/Hello-World/raw/ec26c3e57ca3a959ca5aad62de7213c562f8c821/${filename}`,
    contents_url: `https://api.github.com/repos/Codertocat/Hello-World/contents/${filename}?ref=ec26c3e57ca3a959ca5aad62de7213c562f8c821`,
    patch:
      opts.patch ??
      "@@ -10,4 +10,6 @@ export function total(cart) {\n   const items = cart.items;\n-  return sum(items);\n+  if (!items) return 0;\n+  return sum(items);\n+  // guarded\n   }",
  };
}
