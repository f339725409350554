import { CrashReport } from "../../src/core/crash.js";
import { SqliteStore } from "../../src/store/sqlite.js";

/**
 * Child process of the kill -9 test: ingests alerts into the SQLite file named on the
 * command line and prints each delivery id once ingest has resolved, which is the moment
 * the App would answer 202. It runs until it is killed.
 */
async function main(path: string): Promise<void> {
  const store = new SqliteStore(path);
  await store.migrate();
  const report = CrashReport.parse({ provider: "generic", release: "1.0.0", exception: { type: "Error", message: "boom" } });
  for (let i = 0; ; i++) {
    const deliveryId = `acked-${i}`;
    await store.ingest(
      { repo: "acme/shop", installationId: 1, signature: `sig-${i % 7}`, report, deliveryId, refreshIntervalSeconds: 60, reopenOnRegression: true },
      new Date(),
    );
    process.stdout.write(`${deliveryId}\n`);
  }
}

const path = process.argv[2];
if (!path) throw new Error("usage: ingest-child <sqlite path>");
void main(path);
