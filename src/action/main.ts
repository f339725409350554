import { readFileSync } from "node:fs";
import * as core from "@actions/core";
import { runCheck } from "./check.js";
import { readActionContext, type ActionContext } from "./context.js";
import { dropFirstReads } from "./first-reads.js";
import { Mode, readInputs } from "./inputs.js";

/** Events that follow a deployment: in `auto` mode they ask for verification, everything else for the PR check. */
const DEPLOYMENT_EVENTS = ["deployment", "deployment_status"];

/** A `pull_request` event's `action`, read from the payload; undefined for any other event. */
function pullRequestAction(context: ActionContext): string | undefined {
  if (!context.eventPath || !["pull_request", "pull_request_target"].includes(context.eventName)) return undefined;
  try {
    const action = (JSON.parse(readFileSync(context.eventPath, "utf8")) as { action?: unknown }).action;
    return typeof action === "string" ? action : undefined;
  } catch {
    return undefined;
  }
}

function chooseMode(mode: Mode, context: ActionContext): Exclude<Mode, "auto"> {
  if (mode !== "auto") return mode;
  const event = context.eventName;
  if (DEPLOYMENT_EVENTS.includes(event)) return "verify";
  // A closed PR has no diff left to guard: its merge is the fast lane's (ports, deploy), which does nothing unless merged.
  if (pullRequestAction(context) === "closed") return "fast-lane";
  return event === "workflow_dispatch" && core.getInput("version") !== "" ? "verify" : "check";
}

export async function run(): Promise<void> {
  try {
    // The runner's variables, read here once: the rest of the Action takes them from the context.
    const context = readActionContext(process.env);
    const { mode } = readInputs({ mode: Mode });
    // Verify mode's code (deployment history, statistics) is a separate chunk: a PR check never loads it.
    const chosen = chooseMode(mode, context);
    if (chosen === "verify") await (await import("./verify/run.js")).runVerify(context);
    else if (chosen === "fast-lane") await (await import("./fast-lane.js")).runFastLane(context);
    else await runCheck(context);
  } catch (error) {
    if (error instanceof Error && error.stack) core.debug(error.stack);
    core.setFailed(error instanceof Error ? error.message : String(error));
  } finally {
    // Reads index.ts sent that the run did not use (it failed first, or chose another path) keep the process no longer.
    dropFirstReads();
  }
}
