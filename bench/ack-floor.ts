import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGitHubStandin, type GitHubStandin } from "../src/demo/github-standin.js";
import { withUser } from "../src/store/postgres.js";
import { dropSchema } from "./fault-scenarios.js";
import { figure } from "./figures.js";
import { startReplica, type Replica } from "./replica-processes.js";
import { percentile, runStorm } from "./storm-harness.js";
import { realisticGitHub, STORM_REPO, STORM_SECRET, type StormRun } from "./storm-scenario.js";

/**
 * Item 5 of issue 12: the App's acknowledgement latency against its floor, an echo server
 * (bench/echo-process.ts) driven by the same load generator with the same load, in the same
 * run. The storm is cut into rounds of one second's alerts; each round goes to the echo
 * server, the App on SQLite and two App replicas on PostgreSQL in turn, the order rotating,
 * so what else the machine does falls on all three alike. The servers not measured in a round
 * are stopped (SIGSTOP), so an App's outbox work left from its own round does not slow the
 * others' (it would make the echo floor look worse than it is).
 */

interface Target {
  url: (i: number) => string;
  processes: Replica[];
  latencies: number[];
  statuses: Record<number, number>;
  /** CPU time its processes used during its measured rounds, ms; null where it cannot be read. */
  cpuMs: number | null;
}

export interface AckFloor {
  echo: Target;
  sqlite: Target;
  postgres: Target;
  rounds: number;
  warmup: number;
}

/**
 * CPU time (user + system) a process has used so far, ms, from /proc (Linux, where clock ticks are
 * 1/100 s); null elsewhere. A child process's own process.cpuUsage() cannot be read from outside.
 */
function cpuMs(replica: Replica): number | null {
  try {
    const stat = readFileSync(`/proc/${replica.process.pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

const cpuOf = (processes: Replica[]): number | null =>
  processes.reduce<number | null>((sum, replica) => {
    const ms = cpuMs(replica);
    return sum === null || ms === null ? null : sum + ms;
  }, 0);

const route = (replica: Replica) => `${replica.url}/hotfix/alerts/generic/${STORM_REPO}`;

/** Alerts sent to each target before measuring: JIT warm-up, connection pools, the first look-up of the repository's config. */
const WARMUP = 200;

export async function measureAckFloor(run: StormRun, privateKey: string, databaseUrl: string): Promise<AckFloor> {
  const dir = mkdtempSync(join(tmpdir(), "hotfix-ack-"));
  const schema = `ack_${process.pid}_${Date.now()}`;
  const standins: GitHubStandin[] = [];
  const replicas: Replica[] = [];
  const appEnv = async () => {
    const github = await startGitHubStandin(realisticGitHub(run.github));
    standins.push(github);
    return { GITHUB_URL: github.url, PRIVATE_KEY: privateKey, HOTFIX_GENERIC_SECRET: STORM_SECRET };
  };
  const started = (replica: Replica) => (replicas.push(replica), replica);
  try {
    const echo = started(await startReplica({}, "echo-process"));
    const sqlite = started(await startReplica({ ...(await appEnv()), HOTFIX_DB_PATH: join(dir, "app.sqlite") }));
    const pgEnv = { ...(await appEnv()), DATABASE_URL: withUser(databaseUrl), PG_SCHEMA: schema };
    // One after the other: the second finds the schema migrated.
    const pgReplicas = [started(await startReplica(pgEnv)), started(await startReplica(pgEnv))];
    const targets: Target[] = [
      { url: () => echo.url, processes: [echo], latencies: [], statuses: {}, cpuMs: 0 },
      { url: () => route(sqlite), processes: [sqlite], latencies: [], statuses: {}, cpuMs: 0 },
      { url: (i) => route(pgReplicas[i % 2]!), processes: pgReplicas, latencies: [], statuses: {}, cpuMs: 0 },
    ];
    const alone = (target: Target) => {
      for (const other of targets) for (const replica of other.processes) replica.process.kill(other === target ? "SIGCONT" : "SIGSTOP");
    };
    const chunk = run.ratePerSecond ?? 1_000;
    const rounds = Math.max(1, Math.ceil(run.alerts / chunk));
    const load = { secret: STORM_SECRET, signatures: run.signatures, senders: run.senders, ratePerSecond: run.ratePerSecond };
    for (const target of targets) {
      alone(target);
      await runStorm({ ...load, url: target.url, alerts: WARMUP });
    }
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < targets.length; k++) {
        const target = targets[(round + k) % targets.length]!;
        alone(target);
        const cpuBefore = cpuOf(target.processes);
        const result = await runStorm({ ...load, url: target.url, from: WARMUP + round * chunk, alerts: chunk });
        const cpuAfter = cpuOf(target.processes);
        target.cpuMs = target.cpuMs === null || cpuBefore === null || cpuAfter === null ? null : target.cpuMs + cpuAfter - cpuBefore;
        target.latencies.push(...result.latencies);
        for (const [status, n] of Object.entries(result.statuses)) target.statuses[Number(status)] = (target.statuses[Number(status)] ?? 0) + n;
      }
    }
    const [e, s, p] = targets as [Target, Target, Target];
    return { echo: e, sqlite: s, postgres: p, rounds, warmup: WARMUP };
  } finally {
    for (const replica of replicas) replica.process.kill("SIGCONT");
    await Promise.all(replicas.map((r) => r.stop()));
    await Promise.all(standins.map((g) => g.close()));
    await dropSchema(databaseUrl, schema);
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printAckFloor(floor: AckFloor, run: StormRun): void {
  const p = (t: Target, q: number) => percentile(t.latencies, q);
  const load = `${floor.rounds} rounds of ${run.ratePerSecond ?? 1_000} alerts at ${run.ratePerSecond ?? "unpaced"}/s, ${run.senders} senders, after ${floor.warmup} warm-up alerts`;
  console.log(`ack latency against its floor: echo server, App on SQLite and 2 App replicas on PostgreSQL in turn, ${load}`);
  console.log(
    `  answers: echo ${JSON.stringify(floor.echo.statuses)}, SQLite ${JSON.stringify(floor.sqlite.statuses)}, PostgreSQL ${JSON.stringify(floor.postgres.statuses)}`,
  );
  const latency = (
    name: string,
    target: Target,
    kind: "floor" | "peer",
    reference: Target,
    label: string,
    goal?: { factor: number; text: string },
  ) => {
    for (const q of [50, 99]) {
      figure({
        name: `ack p${q}, ${name}`,
        value: p(target, q),
        unit: "ms",
        against: { kind, label, value: p(reference, q) },
        ...(q === 99 && goal ? { goal: { text: goal.text, met: p(target, q) <= goal.factor * p(reference, q) } } : {}),
      });
    }
  };
  latency("App on SQLite", floor.sqlite, "floor", floor.echo, "echo server, same load generator, same run", {
    factor: 1.5,
    text: "<= 1.5x the echo server's p99",
  });
  // CPU per alert is what queues requests at a steady rate: the App's work beside what Node's HTTP costs the echo server.
  const perAlert = (t: Target) => (t.cpuMs === null ? null : t.cpuMs / t.latencies.length);
  const appCpu = perAlert(floor.sqlite);
  const echoCpu = perAlert(floor.echo);
  if (appCpu !== null && echoCpu !== null) {
    figure({
      name: "CPU per alert, App on SQLite",
      value: appCpu,
      unit: "ms",
      against: { kind: "floor", label: "echo server, same rounds", value: echoCpu },
      note: "user + system time of the process over its measured rounds, outbox work included",
    });
  }
  latency("2 replicas on PostgreSQL", floor.postgres, "peer", floor.sqlite, "App on SQLite, same run", { factor: 2, text: "<= 2x the SQLite p99" });
}
