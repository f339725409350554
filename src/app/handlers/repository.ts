import * as z from "zod";
import { HEALED_BY, heal } from "../refusals.js";
import { repoKey } from "../routing.js";
import { readPayload, type WebhookHandler } from "./handler.js";

/** A repository edited to turn issues on: jobs parked because issues were off are taken back. */

export const RepositoryEvent = z.looseObject({
  action: z.string(),
  repository: z.looseObject({ full_name: z.string().min(3), has_issues: z.boolean().optional() }),
});

export const onRepository: WebhookHandler = async (context, deps) => {
  const event = readPayload(RepositoryEvent, "repository", context.payload, deps.log);
  if (!event || event.action !== "edited") return;
  const { repository } = event;
  if (repository.has_issues) await heal(deps.healing, { repo: repoKey(repository.full_name) }, HEALED_BY.issuesTurnedOn, "issues are on");
};
