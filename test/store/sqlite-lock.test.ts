import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { SqliteStore } from "../../src/store/sqlite.js";
import { putSettings } from "./settings.js";

// The App's write waits for a write lock someone else holds (the checkpointer's RESTART, a CLI on the same file)
// on a timer, not inside SQLite on the event loop's thread: meanwhile other alerts are parsed and answered.

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const settings = (repo: string) => ({ repo, installationId: 1, config: null, fetchedAt: "2026-03-01T12:00:00.000Z" });

describe("SqliteStore write lock", () => {
  it("waits for another connection's lock without blocking the event loop, then writes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hotfix-lock-"));
    dirs.push(dir);
    const path = join(dir, "hotfix.db");
    const store = new SqliteStore(path);
    await store.migrate();
    // Another connection in this same thread: if the store's BEGIN slept in SQLite's busy handler, the timer
    // that releases this lock could not run until the busy timeout gave up, and the write would fail.
    const other = new Database(path);
    other.exec("BEGIN IMMEDIATE");
    try {
      const ticks: number[] = [];
      const ticking = setInterval(() => ticks.push(Date.now()), 5);
      const released = new Promise<number>((resolve) =>
        setTimeout(() => {
          other.exec("COMMIT");
          resolve(ticks.length);
        }, 100),
      );
      await putSettings(store, settings("acme/shop"));
      clearInterval(ticking);
      expect(await released).toBeGreaterThanOrEqual(5);
      expect((await store.getRepoSettings("acme/shop"))?.installationId).toBe(1);
    } finally {
      if (other.inTransaction) other.exec("ROLLBACK");
      other.close();
      await store.close();
    }
  });
});
