import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/app/logger.js";
import { DEFAULT_WORKER_OPTIONS, OutboxWorker } from "../../src/app/worker.js";
import { CrashReport } from "../../src/core/crash.js";
import { SqliteStore } from "../../src/store/sqlite.js";

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
    expect((await store.stats()).deliveries).toBe(2);
    expect((await store.ingest(alert("d-4"), now)).status).toBe("duplicate");
    expect((await store.ingest(alert("d-2"), now)).status).toBe("stored");
    await store.close();
  });
});
