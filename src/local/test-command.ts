import { spawn } from "node:child_process";
import type { TestRun } from "../core/pull-request.js";

/** Output kept while the command runs; only its end is shown. */
const KEEP_BYTES = 256 * 1024;
const TAIL_LINES = 60;
const TAIL_CHARS = 6000;

function tail(text: string): string {
  const lines = text.replace(/\s+$/, "").split(/\r?\n/).slice(-TAIL_LINES).join("\n");
  return lines.length > TAIL_CHARS ? `…${lines.slice(-TAIL_CHARS)}` : lines;
}

/** Runs the PR's test command through the shell in `cwd`; the whole process group is killed at the time limit. */
export function runTestCommand(command: string, cwd: string, timeoutMs: number): Promise<TestRun> {
  return new Promise((resolve) => {
    let output = Buffer.alloc(0);
    const keep = (chunk: Buffer) => {
      output = Buffer.concat([output, chunk]);
      if (output.length > KEEP_BYTES) output = output.subarray(output.length - KEEP_BYTES);
    };
    const child = spawn(command, { cwd, shell: true, detached: process.platform !== "win32", stdio: ["ignore", "pipe", "pipe"] });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(process.platform === "win32" ? child.pid : -child.pid, "SIGKILL");
      } catch {
        // Already gone between the timer firing and the kill.
      }
    }, timeoutMs);
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const finish = (exitCode: number | null, note = "") => {
      clearTimeout(timer);
      resolve({ command, exitCode, timedOut, outputTail: tail(output.toString("utf8") + note) });
    };
    child.on("error", (error) => finish(null, `\n${error.message}`));
    child.on("close", (code) => finish(code));
  });
}
