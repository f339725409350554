import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { bugsnagCountSource } from "../../src/providers/bugsnag-query.js";
import { sentryCountSource } from "../../src/providers/sentry-query.js";
import { BUGSNAG_IDS, SENTRY_ISSUE, SENTRY_JOINED_ISSUE, schemaProblems, startBugsnag, startSentry, type Standin } from "./reporter-standins.js";

// verify.resolveInReporter: after "verified", the reporter learns the crash is fixed, in requests its API description accepts.

const schema = (path: string) => JSON.parse(readFileSync(new URL(`../fixtures/${path}`, import.meta.url), "utf8"));
const query = { signature: "0123456789abcdef", version: "1.4.2", exposure: "sessions" as const };

let standin: Standin | undefined;
afterEach(async () => {
  await standin?.close();
  standin = undefined;
});

describe("closing the loop in the reporter", () => {
  it("Sentry: resolves the issue in the release that carries the fix", async () => {
    standin = await startSentry({ releases: [], token: "sntrys_test", org: "acme" });
    const source = sentryCountSource({ token: "sntrys_test", org: "acme", baseUrl: standin.url, sleep: async () => {} });
    const joined = [SENTRY_ISSUE.id, SENTRY_JOINED_ISSUE.id];
    expect(await source.resolveFixed?.({ ...query, reporterGroups: joined.map((id) => ({ provider: "sentry" as const, id })) })).toEqual(joined);
    // Every Sentry issue joined on the hotfix issue is resolved, not only the last one seen.
    expect(standin.writes).toEqual(
      joined.map((id) => ({
        request: `PUT /api/0/organizations/acme/issues/${id}/`,
        body: { status: "resolved", statusDetails: { inRelease: "1.4.2" } },
      })),
    );
  });

  it("Bugsnag: marks the error fixed", async () => {
    standin = await startBugsnag({ releases: [], token: "bugsnag_test" });
    const source = bugsnagCountSource({ token: "bugsnag_test", baseUrl: standin.url, sleep: async () => {} });
    const joined = [BUGSNAG_IDS.error, BUGSNAG_IDS.joinedError];
    const reporterGroups = joined.map((id) => ({ provider: "bugsnag" as const, project: BUGSNAG_IDS.project, id }));
    expect(await source.resolveFixed?.({ ...query, project: BUGSNAG_IDS.project, reporterGroups })).toEqual(joined);
    expect(standin.writes).toEqual(
      joined.map((id) => ({ request: `PATCH /projects/${BUGSNAG_IDS.project}/errors/${id}`, body: { operation: "fix" } })),
    );
  });

  it("the stand-ins refuse bodies the published descriptions do not accept", () => {
    const sentry = schema("sentry-api/issue-update.request.schema.json");
    expect(schemaProblems(sentry, { status: "resolved", statusDetails: { inRelease: "1.4.2" } })).toEqual([]);
    expect(schemaProblems(sentry, { status: "fixed" })).toEqual([expect.stringMatching(/^body\.status: "fixed" is not one of resolved, unresolved/)]);
    expect(schemaProblems(sentry, { status: "resolved", statusDetails: { inRelease: 142, release: "1.4.2" } })).toEqual([
      "body.statusDetails.inRelease: expected string, got integer",
      "body.statusDetails.release: not in the API description",
    ]);
    const bugsnag = schema("bugsnag-api/error-update.request.schema.json");
    expect(schemaProblems(bugsnag, { operation: "fix" })).toEqual([]);
    expect(schemaProblems(bugsnag, { status: "fixed" })).toEqual(["body.operation: required", "body.status: not in the API description"]);
  });

  it("a token that may not write fails loudly, naming the request", async () => {
    standin = await startSentry({ releases: [], token: "sntrys_test", org: "acme" });
    const source = sentryCountSource({ token: "read-only", org: "acme", baseUrl: standin.url, sleep: async () => {} });
    await expect(source.resolveFixed?.({ ...query, reporterGroups: [{ provider: "sentry", id: SENTRY_ISSUE.id }] })).rejects.toThrow(
      `Sentry API: PUT /api/0/organizations/acme/issues/${SENTRY_ISSUE.id}/ answered 401 (check the auth token`,
    );
  });
});
