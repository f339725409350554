import * as core from "@actions/core";
import { runCheck } from "./check.js";
import { readActionContext, type ActionContext } from "./context.js";
import { Mode, readInputs } from "./inputs.js";

/** Events that follow a deployment: in `auto` mode they ask for verification, everything else for the PR check. */
const DEPLOYMENT_EVENTS = ["deployment", "deployment_status"];

function chooseMode(mode: Mode, context: ActionContext): "check" | "verify" {
  if (mode !== "auto") return mode;
  const event = context.eventName;
  if (DEPLOYMENT_EVENTS.includes(event)) return "verify";
  return event === "workflow_dispatch" && core.getInput("version") !== "" ? "verify" : "check";
}

export async function run(): Promise<void> {
  try {
    // The runner's variables, read here once: the rest of the Action takes them from the context.
    const context = readActionContext(process.env);
    const { mode } = readInputs({ mode: Mode });
    // Verify mode's code (deployment history, statistics) is a separate chunk: a PR check never loads it.
    if (chooseMode(mode, context) === "verify") await (await import("./verify/run.js")).runVerify(context);
    else await runCheck(context);
  } catch (error) {
    if (error instanceof Error && error.stack) core.debug(error.stack);
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}
