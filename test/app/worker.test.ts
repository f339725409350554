import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/app/logger.js";
import { DEFAULT_WORKER_OPTIONS, OutboxWorker } from "../../src/app/worker.js";
import { CrashReport } from "../../src/core/crash.js";
import { SqliteStore } from "../../src/store/sqlite.js";
import { storeCounts } from "../store/counts.js";

const report = CrashReport.parse({
  provider: "generic",
  project: "game",
  exception: { type: "NullReferenceException", message: "Object reference not set" },
  frames: [{ file: "Assets/Scripts/Player.cs", function: "Player.Update", line: 12, in_app: true }],
});

describe("OutboxWorker", () => {
  it("keeps at most maxDeliveryIds delivery ids, the newest, from its first round", async () => {
    const store = new SqliteStore(":memory:");
    await store.migrate();
    const now = new Date("2026-03-01T12:00:00.000Z");
    const alert = (deliveryId: string) => ({
      repo: "acme/game",
      installationId: 7,
      signature: "sig",
      report,
      deliveryId,
      refreshIntervalSeconds: 60,
      reopenOnRegression: true,
    });
    for (let i = 0; i < 5; i++) await store.ingest(alert(`d-${i}`), new Date(now.getTime() + i * 1000));
    const worker = new OutboxWorker(
      store,
      async () => undefined,
      { ...DEFAULT_WORKER_OPTIONS, maxDeliveryIds: 2 },
      createLogger("fatal"),
      () => now,
    );
    worker.start();
    await worker.stop();
    expect((await storeCounts(store)).deliveries).toBe(2);
    expect((await store.ingest(alert("d-4"), now)).status).toBe("duplicate");
    expect((await store.ingest(alert("d-2"), now)).status).toBe("stored");
    await store.close();
  });

  it("keeps the lease of a job it is still running, however long it waits, so another worker does not run it too", async () => {
    const store = new SqliteStore(":memory:");
    await store.migrate();
    await store.ingest(
      { repo: "acme/game", installationId: 7, signature: "slow", report, deliveryId: "d-1", refreshIntervalSeconds: 60, reopenOnRegression: true },
      new Date(),
    );
    const options = { ...DEFAULT_WORKER_OPTIONS, leaseMs: 150 };
    let finish = () => {};
    const ran: string[] = [];
    const slow = new OutboxWorker(
      store,
      () => {
        ran.push("slow");
        return new Promise<void>((resolve) => (finish = resolve));
      },
      options,
      createLogger("fatal"),
    );
    const other = new OutboxWorker(store, async () => void ran.push("other"), options, createLogger("fatal"));
    const running = slow.runOnce();
    await new Promise((r) => setTimeout(r, 20));
    // Four leases' worth of waiting: the lease is renewed, and the other worker finds nothing to claim.
    for (let i = 0; i < 12; i++) {
      expect(await other.runOnce()).toBe(0);
      await new Promise((r) => setTimeout(r, 50));
    }
    finish();
    expect(await running).toBe(1);
    expect(ran).toEqual(["slow"]);
    expect((await storeCounts(store)).pendingJobs).toBe(0);
    await store.close();
  });
});
