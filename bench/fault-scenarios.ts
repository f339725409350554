import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { startGitHubStandin } from "../src/demo/github-standin.js";
import { PostgresStore, withUser } from "../src/store/postgres.js";
import { SqliteStore } from "../src/store/sqlite.js";
import type { Store } from "../src/store/store.js";
import { startReplica, type Replica } from "./replica-processes.js";
import {
  measure,
  realisticGitHub,
  STORM_REPO,
  STORM_SECRET,
  stormPrivateKey,
  waitUntil,
  watchIssues,
  type StormFigures,
  type StormRun,
} from "./storm-scenario.js";
import { runStorm } from "./storm-harness.js";
import { storeCounts } from "../test/store/counts.js";

/**
 * The storm with faults in the App itself: a replica killed with SIGKILL mid-storm and
 * restarted (SQLite), and two replicas sharing PostgreSQL. Alerts that got no answer while
 * a replica was down are re-sent, as reporters' delivery retries do.
 */

export interface FaultFigures extends StormFigures {
  /** Distinct alerts acknowledged (an alert re-sent after a kill may be acknowledged twice: once stored, once as a duplicate). */
  acknowledgedDistinct: number;
  /** Alerts the store counted. */
  counted: number;
  pendingJobs: number;
}

async function settle(store: Store, figuresOf: () => StormFigures, run: StormRun, acknowledged: number[]): Promise<FaultFigures> {
  await waitUntil(
    async () => (await store.outboxStatus(new Date())).pendingJobs === 0 && figuresOf().issues >= run.signatures,
    run.settleMs ?? 60_000,
    100,
  );
  const counted = (await store.repoVersionCounts(STORM_REPO)).reduce((sum, v) => sum + v.count, 0);
  const { pendingJobs } = await store.outboxStatus(new Date());
  return { ...figuresOf(), acknowledgedDistinct: new Set(acknowledged).size, counted, pendingJobs };
}

/** Kills the only replica once `killAfter` alerts were acknowledged, restarts it on the same SQLite file, lets it drain. */
export async function crashRestart(run: StormRun & { killAfter: number }): Promise<FaultFigures> {
  const dir = mkdtempSync(join(tmpdir(), "hotfix-crash-"));
  const github = await startGitHubStandin(realisticGitHub(run.github));
  const env = {
    HOTFIX_DB_PATH: join(dir, "app.sqlite"),
    GITHUB_URL: github.url,
    PRIVATE_KEY: stormPrivateKey(),
    HOTFIX_GENERIC_SECRET: STORM_SECRET,
  };
  let replica: Replica = await startReplica(env);
  let url = replica.url;
  const watch = watchIssues(github, run.signatures);
  let killed = false;
  const storm = runStorm({ ...run, secret: STORM_SECRET, retryUnansweredMs: 30_000, url: () => `${url}/hotfix/alerts/generic/${STORM_REPO}` });
  const killer = (async () => {
    // Poll the stand-in's view of acknowledged work: kill once enough alerts are in and GitHub work is under way.
    const probe = new SqliteStore(env.HOTFIX_DB_PATH);
    try {
      await waitUntil(async () => (await storeCounts(probe)).deliveries >= run.killAfter, 120_000, 5);
    } finally {
      await probe.close();
    }
    await replica.kill();
    killed = true;
    await new Promise((r) => setTimeout(r, 300));
    replica = await startReplica(env);
    url = replica.url;
  })();
  const result = await storm;
  await killer;
  const store = new SqliteStore(env.HOTFIX_DB_PATH);
  try {
    const figures = await settle(store, () => measure("crash-restart", github, run, result, watch.result()), run, result.acknowledged);
    if (!killed) throw new Error("the replica was never killed: raise the storm size or lower killAfter");
    return figures;
  } finally {
    watch.stop();
    await store.close();
    await replica.stop();
    await github.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Removes a storm's PostgreSQL schema, so runs leave the database as they found it. */
export async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: withUser(databaseUrl) });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
}

/** Two replicas on one PostgreSQL schema, alerts alternating between them. */
export async function twoReplicas(run: StormRun, databaseUrl: string): Promise<FaultFigures> {
  const schema = `storm_${process.pid}_${Date.now()}`;
  const github = await startGitHubStandin(realisticGitHub(run.github));
  const env = {
    DATABASE_URL: withUser(databaseUrl),
    PG_SCHEMA: schema,
    GITHUB_URL: github.url,
    PRIVATE_KEY: stormPrivateKey(),
    HOTFIX_GENERIC_SECRET: STORM_SECRET,
  };
  const replicas = await Promise.all([startReplica(env), startReplica(env)]);
  const store = new PostgresStore(withUser(databaseUrl), { schema });
  try {
    const watch = watchIssues(github, run.signatures);
    const result = await runStorm({ ...run, secret: STORM_SECRET, url: (i) => `${replicas[i % 2]?.url}/hotfix/alerts/generic/${STORM_REPO}` });
    const figures = await settle(store, () => measure("two replicas", github, run, result, watch.result()), run, result.acknowledged);
    watch.stop();
    return figures;
  } finally {
    await Promise.all(replicas.map((r) => r.stop()));
    await store.close();
    await dropSchema(databaseUrl, schema);
    await github.close();
  }
}
