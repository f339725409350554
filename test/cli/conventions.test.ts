import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";

// The command line as a user runs it: lib/cli.js (the package's bin, built as `npm ci` builds it) in a process of its own,
// so exit codes, stdout and stderr are the real ones.

const ROOT = join(import.meta.dirname, "../..");
const CLI = join(ROOT, "lib/cli.js");
const COMMANDS = ["render", "config", "check", "verify", "report", "demo"];

async function cli(args: string[], cwd = ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [CLI, ...args], { cwd, env: { PATH: process.env.PATH } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

beforeAll(async () => {
  await promisify(execFile)(process.execPath, ["build.mjs", "--lib"], { cwd: ROOT });
});

describe("hotfix-loop's command-line conventions", () => {
  it.each(
    COMMANDS.flatMap((c) => [
      [c, "--help"],
      [c, "-h"],
    ]),
  )("%s %s prints the command's usage on stdout and exits 0", async (command, flag) => {
    const run = await cli([command, flag]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toMatch(new RegExp(`^usage: hotfix-loop ${command}\\b`));
  });

  it.each([
    ["config", "check", "--help"],
    ["config", "schema", "-h"],
    ["verify", "--provider", "sentry", "--help"],
  ])("%s %s %s: help after a subcommand or other options still wins", async (...args) => {
    const run = await cli(args);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`usage: hotfix-loop ${args[0]}`);
  });

  it("help, --help and -h print every command, config schema included", async () => {
    for (const args of [["help"], ["--help"], ["-h"]]) {
      const run = await cli(args);
      expect(run).toMatchObject({ code: 0, stderr: "" });
      for (const command of COMMANDS) expect(run.stdout).toContain(`  ${command}`);
      expect(run.stdout).toContain("config schema");
    }
  });

  it("help <command> prints that command's usage", async () => {
    const run = await cli(["help", "report"]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toMatch(/^usage: hotfix-loop report/);
  });

  it("--version and -v print the package's version", async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(await cli(["--version"])).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
    expect(await cli(["-v"])).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
  });

  it.each([
    [[]],
    [["frobnicate"]],
    [["help", "frobnicate"]],
    [["report", "--colour"]],
    [["demo", "now"]],
    [["config"]],
    [["render", "x.json", "--provider", "rollbar"]],
  ])("a mistake (%j) goes to stderr with the usage, exit 2", async (args) => {
    const run = await cli(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/usage: hotfix-loop/);
  });

  it("config check with no file at the default path: every default applies, exit 0", async () => {
    const empty = mkdtempSync(join(tmpdir(), "hotfix-no-config-"));
    const run = await cli(["config", "check"], empty);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toContain("no .github/hotfix.yml: every default applies");
  });
});

describe("the CLI in the Docker image", () => {
  it("is one file the image copies and puts on the PATH, so `docker exec … hotfix-loop report` reads the App's store", () => {
    // Bundled: no import of a sibling file that the image would also need.
    expect(readFileSync(CLI, "utf8")).not.toMatch(/(from |import\()["']\.\.?\//);
    const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
    const runtime = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
    expect(runtime).toContain("COPY --from=build /app/lib/cli.js ./lib/cli.js");
    expect(runtime).toMatch(/ln -s \/app\/lib\/cli\.js \/usr\/local\/bin\/hotfix-loop/);
    expect(runtime).toContain("HOTFIX_DB_PATH=/data/hotfix-loop.sqlite");
  });
});
