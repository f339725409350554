import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { SharedPacer } from "../../src/app/shared-pacer.js";
import { GITHUB_SECONDARY_LIMITS, type SecondaryLimits } from "../../src/github/secondary-limits.js";
import { PostgresStore, withUser } from "../../src/store/postgres.js";

// GitHub's pace shared by three replicas through PostgreSQL, in real time on short windows.

const PG_URL = inject("testDatabaseUrl");
const SCHEMA = `hotfix_pace_${process.pid}_${Date.now().toString(36)}`;
const WINDOW_MS = 1_500;
const limits: SecondaryLimits = { ...GITHUB_SECONDARY_LIMITS, contentCreation: [{ limit: 4, ms: WINDOW_MS }], concurrent: 3 };
const stores: PostgresStore[] = [];

afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  const client = new pg.Client({ connectionString: withUser(PG_URL) });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await client.end();
});

async function replicas(n: number): Promise<SharedPacer[]> {
  for (let i = 0; i < n; i++) stores.push(new PostgresStore(PG_URL, { schema: SCHEMA }));
  await Promise.all(stores.map((s) => s.migrate()));
  return stores.map((s) => new SharedPacer(s.pace, limits));
}

describe("SharedPacer", () => {
  it("keeps three replicas together within one installation's windows, and lets them all through in turn", async () => {
    const pacers = await replicas(3);
    const spans: { replica: number; sent: number; answered: number }[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const started = performance.now();
    const create = (replica: number) =>
      pacers[replica]!.send("POST", "/repos/acme/game/issues", async () => {
        const sent = performance.now() - started;
        mostInFlight = Math.max(mostInFlight, ++inFlight);
        await new Promise((r) => setTimeout(r, 20));
        inFlight--;
        spans.push({ replica, sent, answered: performance.now() - started });
      });
    const reads = Array.from({ length: 6 }, (_, i) => pacers[i % 3]!.send("GET", "/repos/acme/game/issues", async () => i));
    await Promise.all([...Array.from({ length: 12 }, (_, i) => create(i % 3)), ...reads]);

    expect(spans).toHaveLength(12);
    expect(mostInFlight).toBeLessThanOrEqual(3);
    // GitHub's rule as the stand-in enforces it: at most 4 creations in any window's length, from all replicas together.
    const sent = spans.map((s) => s.sent).sort((a, b) => a - b);
    for (let i = 4; i < sent.length; i++) expect(sent[i]! - sent[i - 4]!).toBeGreaterThanOrEqual(WINDOW_MS);
    // Three windows' worth: the last goes two windows after the first, not much later.
    expect(sent.at(-1)!).toBeLessThan(2 * WINDOW_MS + 3_000);
    expect(new Set(spans.map((s) => s.replica)).size).toBe(3);
  });

  it("tells when an edit has room without holding any", async () => {
    const [pacer] = await replicas(1);
    await pacer!.room("acme/other");
    await pacer!.room("acme/other");
    expect(await pacer!.send("POST", "/repos/acme/other/issues", async () => "sent")).toBe("sent");
  });
});
