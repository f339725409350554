import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/**
 * Starting and killing servers under test as real processes: App replicas (bench/app-process.ts)
 * and the naive baseline (bench/naive-process.ts), bundled fresh so the proofs always run the
 * current source, and apart from the load generator's event loop.
 */

export type ProcessEntry = "app-process" | "naive-process" | "echo-process";

const bundles = new Map<ProcessEntry, Promise<string>>();

function bundle(entry: ProcessEntry): Promise<string> {
  let bundled = bundles.get(entry);
  if (bundled) return bundled;
  bundled = (async () => {
    // Inside the checkout, so the bundle's bare imports (packages stay external) resolve from node_modules.
    const outfile = fileURLToPath(new URL(`../node_modules/.cache/hotfix-loop/${entry}-${process.pid}.mjs`, import.meta.url));
    await build({
      // "../bench/": the same path from bench/ (tests) and from lib/ (the bundled benchmark).
      entryPoints: [fileURLToPath(new URL(`../bench/${entry}.ts`, import.meta.url))],
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      packages: "external",
      logLevel: "warning",
    });
    return outfile;
  })();
  bundles.set(entry, bundled);
  return bundled;
}

export interface Replica {
  url: string;
  process: ChildProcess;
  /** kill -9: no clean-up, no finishing of jobs in hand. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export async function startReplica(env: Record<string, string>, entry: ProcessEntry = "app-process"): Promise<Replica> {
  const script = await bundle(entry);
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening (\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.once("exit", (code) => reject(new Error(`replica exited (${code}) before listening: ${stderr.slice(-2000)}`)));
  });
  const exited = once(child, "exit");
  return {
    url,
    process: child,
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}
