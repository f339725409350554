import * as z from "zod";
import { awaitsDeployment } from "../../core/clock.js";
import { deploymentVersion } from "../../core/deployment.js";
import { repoKey } from "../routing.js";
import { recordStage } from "./clock-stage.js";
import { readPayload, Repository, Timestamp, type WebhookHandler } from "./handler.js";

/** A successful deployment: the hotfix clock's "deployed" for the merged fixes it ships, and the App's own verification scheduled. */

export const DeploymentStatusEvent = z.looseObject({
  deployment_status: z.looseObject({ state: z.string(), created_at: Timestamp }),
  deployment: z.looseObject({
    sha: z.string(),
    ref: z.string(),
    environment: z.string(),
    payload: z.unknown(),
    transient_environment: z.boolean().nullish(),
  }),
  repository: Repository,
  installation: z.looseObject({ id: z.number().int() }).optional(),
});

export const onDeploymentStatus: WebhookHandler = async (context, deps) => {
  const event = readPayload(DeploymentStatusEvent, "deployment_status", context.payload, deps.log);
  if (!event || event.deployment_status.state !== "success" || event.deployment.transient_environment === true) return;
  const repo = repoKey(event.repository.full_name);
  const at = event.deployment_status.created_at;
  const shipped = (await deps.store.clock.clockGroups(repo)).filter((g) => awaitsDeployment(g.stages, at)).map((g) => g.groupId);
  const version = deploymentVersion(event.deployment.payload, event.deployment.ref);
  await recordStage(deps, repo, shipped, "deployed", at, { environment: event.deployment.environment, ...(version ? { version } : {}) });
  if (event.installation) {
    const { sha, environment } = event.deployment;
    await deps.verifier?.deployed({ repo, installationId: event.installation.id, groupIds: shipped, version, sha, environment, deployedAt: at });
  }
};
