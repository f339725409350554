import { readFileSync } from "node:fs";
import * as core from "@actions/core";
import * as z from "zod";
import { deploymentVersion } from "../../core/deployment.js";
import type { ActionContext } from "../context.js";
import { InputError } from "../inputs.js";
import type { VerifyInputs } from "./inputs.js";

/** The deployment under test: from the triggering deployment event, or from the inputs of a plain step. */

const Deployment = z.object({
  id: z.number().int(),
  sha: z.string(),
  ref: z.string(),
  environment: z.string(),
  created_at: z.string(),
  payload: z.union([z.record(z.string(), z.unknown()), z.string()]).nullish(),
});
const DeploymentEvent = z.object({
  deployment: Deployment,
  deployment_status: z.object({ state: z.string(), created_at: z.string() }).optional(),
});

export interface DeploymentUnderTest {
  /** The GitHub deployment, when the run was triggered by one. */
  id?: number;
  sha: string;
  environment?: string;
  version: string;
  deployedAt: Date;
}

/** Null when the event says there is nothing to verify (a deployment that did not succeed). */
export function deploymentUnderTest(
  context: Pick<ActionContext, "eventName" | "eventPath" | "sha">,
  inputs: VerifyInputs,
  now: Date,
): DeploymentUnderTest | null {
  const { eventName } = context;
  if (eventName === "deployment" || eventName === "deployment_status") {
    const path = context.eventPath;
    if (!path) throw new Error("GITHUB_EVENT_PATH is not set: the Action must run in a GitHub Actions workflow");
    const parsed = DeploymentEvent.safeParse(JSON.parse(readFileSync(path, "utf8")));
    if (!parsed.success)
      throw new Error(
        `The ${eventName} event has no usable deployment: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      );
    const { deployment, deployment_status: status } = parsed.data;
    if (status && status.state !== "success") {
      core.info(`The deployment's status is "${status.state}", not "success": nothing to verify yet.`);
      return null;
    }
    // An explicit input wins: it is how a workflow maps its deployment onto the reporter's release name.
    const version = inputs.version ?? deploymentVersion(deployment.payload, deployment.ref);
    if (!version) {
      throw new InputError(
        `Input "version": the deployment of ${deployment.ref} has no payload.version and its ref is not a version tag; set the version input to the release name your crash reporter records`,
      );
    }
    return {
      id: deployment.id,
      sha: deployment.sha,
      environment: deployment.environment,
      version,
      deployedAt: inputs["deployed-at"] ?? new Date(status?.created_at ?? deployment.created_at),
    };
  }
  if (!inputs.version)
    throw new InputError(`Input "version": required outside deployment events (the release name your crash reporter records, e.g. 1.4.2)`);
  const { sha } = context;
  if (!sha) throw new Error("GITHUB_SHA is not set: the Action must run in a GitHub Actions workflow");
  return { sha, environment: inputs.environment, version: inputs.version, deployedAt: inputs["deployed-at"] ?? now };
}
