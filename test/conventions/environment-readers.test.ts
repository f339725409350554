import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

// Settings are read once, at each front door, and handed down typed: the App's environment by app/main.ts
// (settings.ts's schema), the runner's by action/main.ts (action/context.ts's schema); the CLI, a terminal's
// tool, reads its own. A module anywhere else reading process.env is a setting the docs and the start-up check miss.

const ROOT = join(import.meta.dirname, "../..");
const SRC = join(ROOT, "src");

const READERS = new Set([
  "src/app/main.ts",
  "src/action/main.ts",
  // The bundle's entry decides on source maps (RUNNER_DEBUG) before it loads any other module of the Action.
  "src/action/index.ts",
  "src/cli.ts",
]);
const isReader = (path: string) => READERS.has(path) || path.startsWith("src/cli/");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : [],
  );
}

/** Files of src/ whose code reads the environment (`process.env`, or `process["env"]`), by their path in the repository. */
function environmentReaders(): string[] {
  return sources(SRC)
    .filter((file) => /\bprocess\s*(\.\s*env\b|\[\s*["'`]env["'`]\s*\])/.test(readFileSync(file, "utf8")))
    .map((file) => relative(ROOT, file).split("\\").join("/"));
}

describe("who reads the environment", () => {
  const readers = environmentReaders();

  it("only the App's and the Action's main modules and the CLI", () => {
    expect(readers.filter((path) => !isReader(path))).toEqual([]);
  });

  it("the search finds the readers there are (it would not pass by finding nothing)", () => {
    expect(readers).toContain("src/app/main.ts");
    expect(readers).toContain("src/action/main.ts");
  });
});
