import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { DEFAULT_WORKER_OPTIONS, PRUNE_EVERY_MS } from "../src/app/worker.js";
import { startGitHubStandin } from "../src/demo/github-standin.js";
import { CHECKPOINT_EVERY_MS, SqliteStore } from "../src/store/sqlite.js";
import { figure } from "./figures.js";
import { startReplica, type Replica } from "./replica-processes.js";
import { percentile, runStorm } from "./storm-harness.js";
import { realisticGitHub, STORM_REPO, STORM_SECRET, waitUntil, type StormRun } from "./storm-scenario.js";

/**
 * Item 7 of issue 12: how the App's cost grows. The same storm at several sizes over the same
 * 100 signatures x 20 versions, each against a fresh App on SQLite: its memory, its store on
 * disk, its ack latency, and the rows of each table, to show which of them grow with alerts
 * rather than with signatures x versions.
 */

export const COST_SIGNATURES = 100;
export const COST_VERSIONS = 20;
const COST_WARMUP = 200;

export interface CostRow {
  alerts: number;
  rssMb: number;
  peakRssMb: number;
  /** The database file, and its WAL beside it. */
  dbMb: number;
  walMb: number;
  /** Rows and bytes (pages, indexes included) per table. */
  tables: Record<string, { rows: number; bytes: number }>;
  ackP50: number;
  ackP99: number;
}

/** Kilobytes of a process's resident memory, now and at its peak (Linux). */
function memoryOf(replica: Replica): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${replica.process.pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN);
  return { rss: kb("VmRSS"), peak: kb("VmHWM") };
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Rows and on-disk bytes of each table, its indexes counted with it. */
function tablesOf(dbPath: string): CostRow["tables"] {
  const db = new Database(dbPath, { readonly: true });
  try {
    const objects = db.prepare("SELECT name, tbl_name AS tbl, type FROM sqlite_master WHERE type IN ('table', 'index')").all() as {
      name: string;
      tbl: string;
      type: string;
    }[];
    const owner = new Map(objects.map((o) => [o.name, o.tbl]));
    const tables: CostRow["tables"] = {};
    for (const o of objects) {
      if (o.type !== "table" || o.name.startsWith("sqlite_")) continue;
      const { n } = db.prepare(`SELECT COUNT(*) AS n FROM "${o.name}"`).get() as { n: number };
      tables[o.name] = { rows: n, bytes: 0 };
    }
    for (const { name, bytes } of db.prepare("SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name").all() as {
      name: string;
      bytes: number;
    }[]) {
      // Automatic indexes (sqlite_autoindex_<table>_N) belong to their table too.
      const table = owner.get(name) ?? name;
      const entry = tables[table];
      if (entry) entry.bytes += bytes;
    }
    return tables;
  } finally {
    db.close();
  }
}

/** Alert i: signature i mod 100; each run of 100 alerts a newer version, 20 in turn. */
const release = (i: number) => `3.${Math.floor(i / COST_SIGNATURES) % COST_VERSIONS}.0`;

export async function measureCost(alerts: number, run: Pick<StormRun, "senders" | "ratePerSecond" | "github">, privateKey: string): Promise<CostRow> {
  const dir = mkdtempSync(join(tmpdir(), "hotfix-cost-"));
  const dbPath = join(dir, "app.sqlite");
  const github = await startGitHubStandin(realisticGitHub(run.github));
  const replica = await startReplica({
    HOTFIX_DB_PATH: dbPath,
    GITHUB_URL: github.url,
    PRIVATE_KEY: privateKey,
    HOTFIX_GENERIC_SECRET: STORM_SECRET,
  });
  try {
    const load = {
      url: `${replica.url}/hotfix/alerts/generic/${STORM_REPO}`,
      secret: STORM_SECRET,
      signatures: COST_SIGNATURES,
      senders: run.senders,
      ratePerSecond: run.ratePerSecond,
      release,
    };
    // The first alerts are stored like the rest, but their latency (the App's JIT, the first look-up of the repository) is left out.
    const warmup = Math.min(COST_WARMUP, alerts);
    await runStorm({ ...load, alerts: warmup });
    const storm = await runStorm({ ...load, from: warmup, alerts: alerts - warmup });
    // Memory is read once the outbox is drained too: its work is part of what the alerts cost.
    const probe = new SqliteStore(dbPath);
    await waitUntil(async () => (await probe.outboxStatus(new Date())).pendingJobs === 0, 30_000, 200);
    await probe.close();
    const memory = memoryOf(replica);
    return {
      alerts,
      rssMb: memory.rss / 1024,
      peakRssMb: memory.peak / 1024,
      dbMb: fileSize(dbPath) / 1024 / 1024,
      walMb: fileSize(`${dbPath}-wal`) / 1024 / 1024,
      tables: tablesOf(dbPath),
      ackP50: percentile(storm.latencies, 50),
      ackP99: percentile(storm.latencies, 99),
    };
  } finally {
    await replica.stop();
    await github.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A table grows with alerts when its rows grow at least half as fast as the alerts do. */
function growsWithAlerts(first: CostRow, last: CostRow, table: string): boolean {
  const a = first.tables[table]?.rows ?? 0;
  const b = last.tables[table]?.rows ?? 0;
  return b / Math.max(1, a) >= 0.5 * (last.alerts / first.alerts);
}

/** `ratePerSecond`: the storm's pace, for the bound on delivery ids between two prunes. */
export function printCost(rows: CostRow[], ratePerSecond: number): void {
  const first = rows[0];
  if (!first) return;
  console.log(`how cost grows: fresh App on SQLite per size, ${COST_SIGNATURES} signatures x ${COST_VERSIONS} versions, paced as the storm`);
  const tableNames = Object.keys(first.tables).filter((t) => t !== "schema_migrations");
  const header = ["alerts", "RSS MB (peak)", "db MB", "WAL MB", "ack p50/p99 ms", ...tableNames.map((t) => `${t} rows`)];
  const cells = rows.map((r) => [
    r.alerts.toLocaleString("en-US"),
    `${r.rssMb.toFixed(0)} (${r.peakRssMb.toFixed(0)})`,
    r.dbMb.toFixed(2),
    r.walMb.toFixed(2),
    `${r.ackP50.toFixed(1)} / ${r.ackP99.toFixed(1)}`,
    ...tableNames.map((t) => (r.tables[t]?.rows ?? 0).toLocaleString("en-US")),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  for (const line of [header, ...cells]) console.log(`  ${line.map((c, i) => c.padStart(widths[i]!)).join("  ")}`);

  const last = rows[rows.length - 1]!;
  if (last === first) return;
  const perAlert = tableNames.filter((t) => growsWithAlerts(first, last, t));
  const deliveryBytes = (r: CostRow) => r.tables.deliveries?.bytes ?? 0;
  console.log(
    `  grows with alerts (rows ${first.alerts.toLocaleString("en-US")} -> ${last.alerts.toLocaleString("en-US")} alerts): ${perAlert.join(", ") || "none"}; every other table grows with signatures x versions or stays`,
  );
  const bytesPerDelivery = deliveryBytes(last) / Math.max(1, last.tables.deliveries?.rows ?? 0);
  const cap = DEFAULT_WORKER_OPTIONS.maxDeliveryIds;
  console.log(
    `  delivery ids: ${bytesPerDelivery.toFixed(0)} bytes each on disk with their indexes; bound: the newest ${cap.toLocaleString("en-US")} and none older than ${DEFAULT_WORKER_OPTIONS.deliveryRetentionMs / 86_400_000} days, pruned every ${PRUNE_EVERY_MS / 60_000} minutes (${((cap * bytesPerDelivery) / 1024 / 1024).toFixed(0)} MB at the cap)`,
  );
  console.log(
    `  WAL: the alerts of one checkpoint interval (${CHECKPOINT_EVERY_MS} ms, in a worker thread) at most, whatever the store's size: it starts over after each checkpoint`,
  );
  const label = `${first.alerts.toLocaleString("en-US")} alerts, same run`;
  const bound = cap + (ratePerSecond * PRUNE_EVERY_MS) / 1000;
  for (const r of rows.slice(1)) {
    const n = r.alerts.toLocaleString("en-US");
    const against = (name: string, unit: string, of: (x: CostRow) => number, factor: number, why: string) =>
      figure({
        name: `${name} after ${n} alerts`,
        value: of(r),
        unit,
        against: { kind: "baseline", label, value: of(first) },
        goal: { text: `<= ${factor}x (${why})`, met: of(r) <= factor * of(first) },
      });
    against("App RSS", "MB", (x) => x.rssMb, 1.5, "does not grow with alerts");
    const versionsSeen = `grows with signatures x versions only; the ${first.alerts.toLocaleString("en-US")}-alert run saw half the versions`;
    against("database file without delivery ids", "MB", (x) => x.dbMb - deliveryBytes(x) / 1024 / 1024, 2, versionsSeen);
    figure({
      name: `delivery ids kept after ${n} alerts`,
      value: r.tables.deliveries?.rows ?? 0,
      unit: "rows",
      goal: {
        text: `<= ${bound.toLocaleString("en-US")} (the cap + one prune interval at ${ratePerSecond}/s)`,
        met: (r.tables.deliveries?.rows ?? 0) <= bound,
      },
    });
    against("ack p99", "ms", (x) => x.ackP99, 1.5, "does not grow with alerts");
  }
}
