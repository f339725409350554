import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { run as config } from "../../src/cli/config.js";
import { run as render } from "../../src/cli/render.js";
import { configJsonSchema } from "../../src/core/config.js";
import { parseIssueMarker } from "../../src/core/render.js";

let log: MockInstance;
let error: MockInstance;
const dir = mkdtempSync(join(tmpdir(), "hotfix-cli-"));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const out = () => log.mock.calls.map((c) => c.join(" ")).join("\n");
const err = () => error.mock.calls.map((c) => c.join(" ")).join("\n");

beforeEach(() => {
  log = vi.spyOn(console, "log").mockImplementation(() => undefined);
  error = vi.spyOn(console, "error").mockImplementation(() => undefined);
});
afterEach(() => vi.restoreAllMocks());

describe("hotfix-loop config", () => {
  it("check passes a valid file and says where alerts come from", async () => {
    const path = file("ok.yml", "sources:\n  - provider: sentry\n    projects: [shop-web]\n");
    expect(await config(["check", path])).toBe(0);
    expect(out()).toBe(`${path} is valid; takes alerts from sentry (shop-web)`);
  });

  it("check fails with one line per error naming the key", async () => {
    const path = file("bad.yml", "sources:\n  - provider: sentri\nverify:\n  confidence: 2\n");
    expect(await config(["check", path])).toBe(1);
    const lines = err().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^${path}: sources\\.0\\.provider: `));
    expect(lines[1]).toMatch(new RegExp(`^${path}: verify\\.confidence: `));
  });

  it("check fails on a missing file", async () => {
    expect(await config(["check", join(dir, "missing.yml")])).toBe(1);
    expect(err()).toContain("cannot read it (no such file)");
  });

  it("check reads a file with _extends on its own and says it did not read what it extends", async () => {
    const path = file("extends.yml", "_extends: acme/.github:hotfix-base.yml\nsources:\n  - provider: bugsnag\n");
    expect(await config(["check", path])).toBe(0);
    expect(out()).toBe(
      `${path} is valid on its own; takes alerts from bugsnag\n` +
        "it extends acme/.github:hotfix-base.yml, which config check does not read: the App and the Action read it from GitHub and check the merged config",
    );
  });

  it("schema prints the JSON Schema", async () => {
    expect(await config(["schema"])).toBe(0);
    expect(JSON.parse(out())).toEqual(configJsonSchema());
  });

  it("rejects unknown subcommands", async () => {
    expect(await config(["lint"])).toBe(2);
    expect(err()).toContain("usage: hotfix-loop config");
  });
});

describe("hotfix-loop render", () => {
  const canonical = {
    provider: "sentry",
    release: "1.4.2",
    commit: "3f9a2c1b7d0e4a5f6b7c8d9e0f1a2b3c4d5e6f70",
    exception: { type: "TypeError", message: "Cannot read properties of undefined (reading 'price') for @octocat" },
    frames: [{ file: "webpack:///./src/cart/CartLine.tsx", function: "CartLine", line: 42, column: 7, in_app: true }],
  };

  it("renders a canonical CrashReport with links into the repository", async () => {
    const path = file("report.json", JSON.stringify(canonical));
    expect(await render([path, "--repo", "acme/shop"])).toBe(0);
    const text = out();
    expect(text.split("\n")[0]).toBe("TypeError: Cannot read properties of undefined (reading 'price') for @octocat in CartLine");
    expect(text).toContain("https://github.com/acme/shop/blob/3f9a2c1b7d0e4a5f6b7c8d9e0f1a2b3c4d5e6f70/src/cart/CartLine.tsx#L42");
    expect(parseIssueMarker(text)?.frames).toEqual(["src/cart/CartLine.tsx"]);
  });

  it("renders a reporter's webhook payload through its provider", async () => {
    const payload = file("generic.json", readFixture("generic/unity-crashing-first.json"));
    expect(await render([payload, "--provider", "generic"])).toBe(0);
    expect(out()).toContain("<!-- hotfix-loop:crash ");
    expect(out()).toContain("### Stack trace");
  });

  it("recognises a Sentry alert without --provider", async () => {
    const payload = file("sentry.json", readFixture("sentry/event_alert.json"));
    expect(await render([payload])).toBe(0);
    expect(parseIssueMarker(out())?.provider).toBe("sentry");
  });

  it("fails with the reason when the payload is neither", async () => {
    const path = file("junk.json", JSON.stringify({ hello: "world" }));
    expect(await render([path, "--provider", "generic"])).toBe(1);
    expect(err()).toMatch(/not a generic payload/);
  });

  it("fails on bad options and unreadable files", async () => {
    expect(await render([join(dir, "missing.json")])).toBe(1);
    expect(err()).toContain("no such file");
    // A bad flag is a mistake of usage (2), as documented; an unreadable file is a failure (1).
    expect(await render([file("r.json", JSON.stringify(canonical)), "--provider", "rollbar"])).toBe(2);
    expect(err()).toContain("--provider must be one of sentry, bugsnag, generic");
    expect(await render([file("r2.json", JSON.stringify(canonical)), "--repo", "not a repo"])).toBe(2);
    expect(await render([file("r3.json", JSON.stringify(canonical)), "--colour"])).toBe(2);
    expect(err()).toContain("usage: hotfix-loop render");
    expect(await render([])).toBe(2);
  });
});

function readFixture(path: string): string {
  return readFileSync(join(import.meta.dirname, "../fixtures", path), "utf8");
}
