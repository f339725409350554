import * as core from "@actions/core";
import { runCheck } from "./check.js";
import { Mode, readInputs } from "./inputs.js";
import { runVerify } from "./verify/run.js";

/** Events that follow a deployment: in `auto` mode they ask for verification, everything else for the PR check. */
const DEPLOYMENT_EVENTS = ["deployment", "deployment_status"];

function chooseMode(mode: Mode): "check" | "verify" {
  if (mode !== "auto") return mode;
  const event = process.env.GITHUB_EVENT_NAME ?? "";
  if (DEPLOYMENT_EVENTS.includes(event)) return "verify";
  return event === "workflow_dispatch" && core.getInput("version") !== "" ? "verify" : "check";
}

export async function run(): Promise<void> {
  try {
    const { mode } = readInputs({ mode: Mode });
    await (chooseMode(mode) === "verify" ? runVerify() : runCheck());
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}
