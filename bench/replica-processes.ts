import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/**
 * Starting and killing App replicas as real processes (bench/app-process.ts, bundled fresh
 * so the proofs always run the current source).
 */

let bundled: Promise<string> | null = null;

export function bundleAppProcess(): Promise<string> {
  bundled ??= (async () => {
    // Inside the checkout, so the bundle's bare imports (packages stay external) resolve from node_modules.
    const outfile = fileURLToPath(new URL(`../node_modules/.cache/hotfix-loop/app-process-${process.pid}.mjs`, import.meta.url));
    await build({
      // "../bench/": the same path from bench/ (tests) and from lib/ (the bundled benchmark).
      entryPoints: [fileURLToPath(new URL("../bench/app-process.ts", import.meta.url))],
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      packages: "external",
      logLevel: "warning",
    });
    return outfile;
  })();
  return bundled;
}

export interface Replica {
  url: string;
  process: ChildProcess;
  /** kill -9: no clean-up, no finishing of jobs in hand. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export async function startReplica(env: Record<string, string>): Promise<Replica> {
  const script = await bundleAppProcess();
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
