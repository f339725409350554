import * as z from "zod";
import { HEALED_BY, heal } from "../refusals.js";
import { readPayload, type WebhookHandler } from "./handler.js";

/**
 * The App installed, its permissions accepted, unsuspended: the repositories' settings are read again and jobs
 * parked for the cause taken back. Uninstalled or suspended: the repositories are forgotten by the router.
 */

export const InstallationEvent = z.looseObject({
  action: z.string(),
  installation: z.looseObject({ id: z.number().int() }),
  repositories: z.array(z.looseObject({ full_name: z.string().min(3) })).nullish(),
});

const REFRESHING = new Set(["created", "new_permissions_accepted", "unsuspend"]);
const FORGETTING = new Set(["deleted", "suspend"]);

export const onInstallation: WebhookHandler = async (context, deps) => {
  const event = readPayload(InstallationEvent, "installation", context.payload, deps.log);
  if (!event) return;
  const installationId = event.installation.id;
  const repositories = event.repositories ?? [];
  if (FORGETTING.has(event.action)) {
    for (const repository of repositories) await deps.router.uninstalled(repository.full_name);
    return;
  }
  if (!REFRESHING.has(event.action)) return;
  for (const repository of repositories) await deps.router.refresh(repository.full_name, installationId, context.octokit);
  if (event.action === "new_permissions_accepted")
    await heal(deps.healing, { installationId }, HEALED_BY.permissionsAccepted, "the installation accepted the App's permissions");
  if (event.action === "unsuspend") await heal(deps.healing, { installationId }, HEALED_BY.unsuspended, "the installation was unsuspended");
};
