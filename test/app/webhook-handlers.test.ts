import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import type * as z from "zod";
import { WEBHOOK_HANDLERS } from "../../src/app/app.js";
import { CheckRunEvent } from "../../src/app/handlers/check-run.js";
import { DeploymentStatusEvent } from "../../src/app/handlers/deployment-status.js";
import { InstallationRepositoriesEvent } from "../../src/app/handlers/installation-repositories.js";
import { InstallationEvent } from "../../src/app/handlers/installation.js";
import { IssueCommentEvent } from "../../src/app/handlers/issue-comment.js";
import { IssuesEvent } from "../../src/app/handlers/issues.js";
import { PullRequestEvent } from "../../src/app/handlers/pull-request.js";
import { PushEvent } from "../../src/app/handlers/push.js";
import { RepositoryEvent } from "../../src/app/handlers/repository.js";

// The webhook table and the handlers' schemas against GitHub's own examples (@octokit/webhooks-examples):
// a payload GitHub sends must be read, not logged as one the App could not read.

const SCHEMAS: Record<keyof typeof WEBHOOK_HANDLERS, z.ZodType> = {
  installation: InstallationEvent,
  installation_repositories: InstallationRepositoriesEvent,
  repository: RepositoryEvent,
  push: PushEvent,
  issues: IssuesEvent,
  issue_comment: IssueCommentEvent,
  pull_request: PullRequestEvent,
  check_run: CheckRunEvent,
  deployment_status: DeploymentStatusEvent,
};

const examples = JSON.parse(
  readFileSync(new URL("../../node_modules/@octokit/webhooks-examples/api.github.com/index.json", import.meta.url), "utf8"),
) as { name: string; examples: Record<string, unknown>[] }[];

describe("the App's webhook handlers", () => {
  it("handle exactly the events app.yml subscribes to", () => {
    const manifest = parseYaml(readFileSync(new URL("../../app.yml", import.meta.url), "utf8")) as { default_events: string[] };
    expect(Object.keys(WEBHOOK_HANDLERS).sort()).toEqual([...manifest.default_events].sort());
  });

  it.each(Object.entries(SCHEMAS))("%s: every example payload of GitHub's parses", (event, schema) => {
    const payloads = examples.find((e) => e.name === event)?.examples ?? [];
    expect(payloads.length, `examples of ${event}`).toBeGreaterThan(0);
    for (const payload of payloads) {
      const parsed = schema.safeParse(payload);
      expect(parsed.success, `${event}.${String(payload.action)}: ${parsed.error?.issues.map((i) => i.path.join(".")).join(", ")}`).toBe(true);
    }
  });

  it("keep the fields GitHub adds (loose schemas) and refuse a payload missing one they read", () => {
    const push = examples.find((e) => e.name === "push")!.examples[0]!;
    const parsed = PushEvent.parse({ ...push, added_by_github_later: 1 }) as Record<string, unknown>;
    expect(parsed.added_by_github_later).toBe(1);
    expect(PushEvent.safeParse({ ...push, ref: undefined }).success).toBe(false);
  });
});
