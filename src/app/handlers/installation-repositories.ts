import * as z from "zod";
import { HEALED_BY, heal } from "../refusals.js";
import { repoKey } from "../routing.js";
import { readPayload, type WebhookHandler } from "./handler.js";

/** Repositories added to the installation (settings read, parked jobs taken back) or removed from it (forgotten). */

export const InstallationRepositoriesEvent = z.looseObject({
  installation: z.looseObject({ id: z.number().int() }),
  repositories_added: z.array(z.looseObject({ full_name: z.string().min(3) })),
  // GitHub may leave full_name out of a removed repository: the one a handler cannot name is skipped.
  repositories_removed: z.array(z.looseObject({ full_name: z.string().nullish() })),
});

export const onInstallationRepositories: WebhookHandler = async (context, deps) => {
  const event = readPayload(InstallationRepositoriesEvent, "installation_repositories", context.payload, deps.log);
  if (!event) return;
  const installationId = event.installation.id;
  for (const repository of event.repositories_added) {
    await deps.router.refresh(repository.full_name, installationId, context.octokit);
    await heal(deps.healing, { repo: repoKey(repository.full_name) }, HEALED_BY.repositoryAdded, "the repository was added to the installation");
  }
  for (const { full_name } of event.repositories_removed) if (full_name) await deps.router.uninstalled(full_name);
};
