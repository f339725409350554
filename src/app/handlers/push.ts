import * as z from "zod";
import { CODEOWNERS_PATHS } from "../codeowners.js";
import { HEALED_BY, heal } from "../refusals.js";
import { CONFIG_PATH, repoKey } from "../routing.js";
import { readPayload, type WebhookHandler } from "./handler.js";

/** A push to the default branch: a changed .github/hotfix.yml is read again, a changed CODEOWNERS forgotten. */

const Paths = z.array(z.string()).nullish();

export const PushEvent = z.looseObject({
  ref: z.string(),
  repository: z.looseObject({ full_name: z.string().min(3), default_branch: z.string() }),
  commits: z.array(z.looseObject({ added: Paths, modified: Paths, removed: Paths })),
  installation: z.looseObject({ id: z.number().int() }).nullish(),
});

export const onPush: WebhookHandler = async (context, deps) => {
  const event = readPayload(PushEvent, "push", context.payload, deps.log);
  if (!event) return;
  const { ref, repository, commits, installation } = event;
  if (!installation || ref !== `refs/heads/${repository.default_branch}`) return;
  const touched = new Set(commits.flatMap((c) => [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])]));
  if (touched.has(CONFIG_PATH)) {
    await deps.router.refresh(repository.full_name, installation.id, context.octokit);
    await heal(deps.healing, { repo: repoKey(repository.full_name) }, HEALED_BY.configChanged, "its .github/hotfix.yml changed");
  }
  if (CODEOWNERS_PATHS.some((path) => touched.has(path))) deps.forgetCodeowners(repoKey(repository.full_name));
};
