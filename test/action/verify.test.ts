import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import nock from "nock";
import { describe, expect, it } from "vitest";
import { run } from "../../src/action/main.js";
import { runVerify } from "../../src/action/verify/run.js";
import { issueMarker } from "../../src/core/render.js";
import { parseVerificationMarker, verificationMarker } from "../../src/core/verify-report.js";
import { actionEnv, captureActionRuns, fixture, type ActionEnv } from "./harness.js";
import { readActionContext } from "../../src/action/context.js";

const API = "https://api.github.com";
const REPO = "/repos/Codertocat/Hello-World";
const SENTRY = "https://sentry.example.com";
const BUGSNAG = "https://api.bugsnag.example.com";
const APP = "https://hotfix.example.com";
/** The deployed commit of the deployment_status fixture. */
const SHA = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e";
const PREVIOUS_SHA = "6dcb09b5b57875f334f61aebed695e2e4193db5e";
const FIX_COMMIT = "e5bd3914e2e596debea16f433f57875b5b90bcd6";

const apiFixture = (dir: string, name: string) => JSON.parse(readFileSync(new URL(`../fixtures/${dir}/${name}`, import.meta.url), "utf8"));

const sentryIssueBody = `## TypeError in applyCoupon\n\nCrashes checkout.\n\n${issueMarker({
  v: 1,
  signature: "0123456789abcdef",
  provider: "sentry",
  project: "checkout-web",
  frames: ["src/checkout/cart.js"],
  versions: ["1.4.0", "1.4.1"],
  reporterGroupId: "4509876543",
})}`;

let env: ActionEnv;

const failure = captureActionRuns();

function deploymentStatus(version: string | undefined, adjust: (payload: any) => void = () => {}) {
  const payload = fixture("deployment_status.success.json");
  if (version) payload.deployment.payload = { version };
  adjust(payload);
  return payload;
}

function writeConfig(yaml: string) {
  mkdirSync(join(env.dir, ".github"), { recursive: true });
  writeFileSync(join(env.dir, ".github", "hotfix.yml"), yaml);
}

interface Recorded {
  /** "METHOD /path" of every GitHub call, in order. */
  calls: string[];
  /** Request bodies (parsed JSON) by "METHOD /path". */
  bodies: Record<string, any[]>;
}

/** Records every call to GitHub with its body (read from nock's request event: reply functions cannot see bodies of fetch requests on Node 20). */
function record(scope: nock.Scope): Recorded {
  const rec: Recorded = { calls: [], bodies: {} };
  scope.on("request", (req: any, _interceptor: unknown, body: string) => {
    const call = `${req.method} ${decodeURIComponent(new URL(req.url).pathname)}`;
    rec.calls.push(call);
    if (body) (rec.bodies[call] ??= []).push(JSON.parse(body));
  });
  return rec;
}

/** GitHub for a deployment shipping PR #7 (Fixes #5) since the previous successful deployment. */
function github(opts: { issueBody: string; prComments?: unknown[] }): Recorded {
  const scope = nock(API);
  const rec = record(scope);
  scope
    .get(`${REPO}/deployments`)
    .query({ environment: "production", per_page: "100" })
    .reply(200, [
      { id: 145988746, sha: SHA, ref: "master", environment: "production", created_at: "2019-05-15T15:20:53Z" },
      { id: 145988700, sha: SHA, ref: "master", environment: "production", created_at: "2019-05-15T12:00:00Z" },
      { id: 145988650, sha: PREVIOUS_SHA, ref: "master", environment: "production", created_at: "2019-05-14T09:00:00Z" },
    ])
    .get(`${REPO}/deployments/145988650/statuses`)
    .query({ per_page: "100" })
    .reply(200, [
      { id: 1, state: "success" },
      { id: 0, state: "in_progress" },
    ])
    .get(`${REPO}/compare/${PREVIOUS_SHA}...${SHA}`)
    .query({ per_page: "100", page: "1" })
    .reply(200, { total_commits: 2, commits: [{ sha: FIX_COMMIT }, { sha: SHA }] })
    .get(`${REPO}/pulls`)
    .query({ state: "closed", sort: "updated", direction: "desc", per_page: "100", page: "1" })
    .reply(200, [
      {
        number: 7,
        body: "Guard the coupon.\n\nFixes #5",
        merged_at: "2019-05-15T10:00:00Z",
        merge_commit_sha: FIX_COMMIT,
        updated_at: "2019-05-15T10:00:01Z",
      },
      {
        number: 6,
        body: "Fixes #4",
        merged_at: null,
        merge_commit_sha: "0000000000000000000000000000000000000006",
        updated_at: "2019-05-15T09:00:00Z",
      },
      {
        number: 3,
        body: "Fixes #2",
        merged_at: "2019-05-01T10:00:00Z",
        merge_commit_sha: "0000000000000000000000000000000000000003",
        updated_at: "2019-05-01T10:00:00Z",
      },
    ])
    .get(`${REPO}/issues/5`)
    .reply(200, { number: 5, state: "open", body: opts.issueBody })
    .get(`${REPO}/issues/5/comments`)
    .query({ per_page: "100", page: "1" })
    .reply(200, [{ id: 11, body: "Thanks!" }])
    .post(`${REPO}/issues/5/comments`)
    .reply(201, { id: 12 })
    .get(`${REPO}/issues/7/comments`)
    .query({ per_page: "100", page: "1" })
    .reply(200, opts.prComments ?? [])
    .patch(/\/issues\/comments\/\d+$/)
    .optionally()
    .reply(200, { id: 1 })
    .post(`${REPO}/issues/7/comments`)
    .optionally()
    .reply(201, { id: 13 })
    .post(`${REPO}/issues/5/labels`)
    .optionally()
    .reply(200, [])
    .delete(/\/issues\/5\/labels\/.+/)
    .optionally()
    .reply(404, { message: "Label does not exist" })
    .patch(`${REPO}/issues/5`)
    .optionally()
    .reply(200, { number: 5 })
    .post(`${REPO}/statuses/${SHA}`)
    .reply(201, { id: 1 });
  return rec;
}

/** Sentry's answers for the fixture scenario (test/fixtures/sentry-api); counted up to the report-lag cut-off. */
function sentryScenario(
  sessions: unknown = apiFixture("sentry-api", "sessions-by-release.json"),
  times = 1,
  eventTimes: unknown = apiFixture("sentry-api", "discover-event-times.json"),
) {
  return nock(SENTRY, { reqheaders: { authorization: "Bearer sntrys_test" } })
    .get("/api/0/organizations/acme/issues/4509876543/")
    .times(2 * times)
    .reply(200, apiFixture("sentry-api", "issue.json"))
    .get("/api/0/organizations/acme/events/")
    .query((q) => q.sort === "-received" && q.dataset === "errors")
    .times(times)
    .reply(200, eventTimes)
    .get("/api/0/organizations/acme/releases/")
    .query({ project: "4505123", per_page: "100" })
    .times(times)
    .reply(200, apiFixture("sentry-api", "releases.json"))
    .get("/api/0/organizations/acme/events/")
    .query((q) => q.query === "issue.id:4509876543" && q.dataset === "errors" && typeof q.end === "string")
    .times(times)
    .reply(200, apiFixture("sentry-api", "issue-events-by-release.json"))
    .get("/api/0/organizations/acme/sessions/")
    .query((q) => q.query === 'release:["1.4.0","1.4.1","1.4.2"]' && q.project === "4505123" && typeof q.end === "string")
    .times(times)
    .reply(200, sessions);
}

const sentryInputs = { "sentry-auth-token": "sntrys_test", "sentry-org": "acme", "sentry-url": SENTRY };

describe("runVerify from a deployment_status event", () => {
  it("verifies a Sentry crash that stopped: comments, labels, closes, sets the status, with the exact calls", async () => {
    env = actionEnv({ eventName: "deployment_status", payload: deploymentStatus("1.4.2"), inputs: sentryInputs, apiUrl: API });
    writeConfig("verify:\n  closeOnVerified: true\n");
    const earlier = `${verificationMarker({ signature: "0123456789abcdef", version: "1.4.2", verdict: "not-enough-data" })}\n### ⏳ Not enough data yet for 1.4.2`;
    const rec = github({
      issueBody: sentryIssueBody,
      prComments: [
        { id: 21, body: "LGTM" },
        { id: 22, body: earlier, user: { login: "github-actions[bot]", type: "Bot" } },
      ],
    });
    // The earlier comment is edited only once GitHub says it is this token's own.
    nock(API)
      .post("/graphql")
      .reply(200, { data: { viewer: { login: "github-actions" } } });
    const sentry = sentryScenario();

    await run();

    expect(failure()).toBe("");
    expect(rec.calls).toEqual([
      `GET ${REPO}/deployments`,
      `GET ${REPO}/deployments/145988650/statuses`,
      `GET ${REPO}/compare/${PREVIOUS_SHA}...${SHA}`,
      `GET ${REPO}/pulls`,
      `GET ${REPO}/issues/5`,
      `GET ${REPO}/issues/5/comments`,
      `POST ${REPO}/issues/5/comments`,
      `GET ${REPO}/issues/7/comments`,
      `PATCH ${REPO}/issues/comments/22`,
      `POST ${REPO}/issues/5/labels`,
      `DELETE ${REPO}/issues/5/labels/hotfix:not-verified`,
      `PATCH ${REPO}/issues/5`,
      `POST ${REPO}/statuses/${SHA}`,
    ]);
    expect(sentry.isDone()).toBe(true);

    const comment = rec.bodies[`POST ${REPO}/issues/5/comments`]?.[0].body as string;
    expect(parseVerificationMarker(comment)).toEqual({ signature: "0123456789abcdef", version: "1.4.2", verdict: "verified" });
    expect(comment).toContain("### ✅ Verified: the crash rate fell in 1.4.2 (no crash seen)");
    // The sentence is neutralised for Markdown: GitHub shows "&lt;" as "<".
    expect(comment).toContain(
      "Verified: the crash rate fell. 0 crashes in 12,400 sessions of 1.4.2, against 1.4.0, 1.4.1: 120 crashes in 38,700 sessions (3.1 per 1,000 sessions), where about 38 would be expected if nothing had changed (P = 3.3e-15, below 1%).",
    );
    expect(comment).toContain("reports for checkout-web arrive within 2 minutes for 99% of events (the last 30 events); counted up to 2 minutes ago");
    expect(comment).toContain("| Crashes | 120 | 0 |");
    expect(comment).toContain("| Sessions | 38,700 | 12,400 |");
    // The PR's comment from an earlier run is edited, not duplicated.
    expect(rec.bodies[`PATCH ${REPO}/issues/comments/22`]?.[0].body).toBe(comment);
    expect(rec.bodies[`POST ${REPO}/issues/7/comments`]).toBeUndefined();
    expect(rec.bodies[`POST ${REPO}/issues/5/labels`]).toEqual([{ labels: ["hotfix:verified"] }]);
    expect(rec.bodies[`PATCH ${REPO}/issues/5`]).toEqual([{ state: "closed", state_reason: "completed" }]);
    expect(rec.bodies[`POST ${REPO}/statuses/${SHA}`]).toEqual([
      {
        state: "success",
        context: "hotfix / verification",
        description:
          "Verified: the crash rate fell. 0 crashes in 12,400 sessions of 1.4.2, against 1.4.0, 1.4.1: 120 crashes in 38,700 sessions (3.1 per 1,000 s…",
      },
    ]);
    const outputs = env.outputs();
    expect(outputs.verdict).toBe("verified");
    expect(JSON.parse(outputs.verdicts ?? "")).toEqual([
      expect.objectContaining({
        issue: 5,
        pulls: [7],
        signature: "0123456789abcdef",
        provider: "sentry",
        version: "1.4.2",
        verdict: "verified",
        occurrences: 0,
        exposure: 12_400,
        reportLagMinutes: 2,
        reportLagMeasured: true,
        expectedAt: null,
      }),
    ]);
  });

  it("does nothing for a deployment that did not succeed", async () => {
    env = actionEnv({
      eventName: "deployment_status",
      payload: deploymentStatus("1.4.2", (p) => (p.deployment_status.state = "failure")),
      inputs: sentryInputs,
      apiUrl: API,
    });
    await run();
    expect(failure()).toBe("");
    expect(env.outputs()).toEqual({ verdict: "skipped", verdicts: "[]" });
  });

  it("fails with the input to set when the deployment names no version", async () => {
    env = actionEnv({ eventName: "deployment_status", payload: deploymentStatus(undefined), inputs: sentryInputs, apiUrl: API });
    await run();
    expect(failure()).toContain('Input "version": the deployment of master has no payload.version and its ref is not a version tag');
  });

  it("refuses a deployed-at in the future", async () => {
    env = actionEnv({
      eventName: "deployment_status",
      payload: deploymentStatus("1.4.2"),
      inputs: { ...sentryInputs, "deployed-at": "2999-01-01T00:00:00Z" },
      apiUrl: API,
    });
    await run();
    expect(failure()).toMatch(/Input "deployed-at": 2999-01-01T00:00:00\.000Z is in the future/);
  });

  it("fails with verdict `error` when the reporter refuses the token, never a verdict", async () => {
    env = actionEnv({ eventName: "deployment_status", payload: deploymentStatus("1.4.2"), inputs: sentryInputs, apiUrl: API });
    writeConfig("{}\n");
    github({ issueBody: sentryIssueBody });
    nock(SENTRY).get("/api/0/organizations/acme/issues/4509876543/").reply(401, { detail: "Invalid token" });
    await run();
    expect(failure()).toMatch(/Sentry API: GET \/api\/0\/organizations\/acme\/issues\/4509876543\/ answered 401 \(check the auth token/);
    expect(env.outputs().verdict).toBe("error");
    // action.yml lists this value among the output's values, so a workflow branching on it knows it exists.
    expect(readFileSync(join(import.meta.dirname, "../../action.yml"), "utf8")).toMatch(
      /verdict:\n\s+description: >-[^]*`error` \(a crash reporter could not be asked/,
    );
  });

  it("fails naming the missing reporter token", async () => {
    env = actionEnv({ eventName: "deployment_status", payload: deploymentStatus("1.4.2"), inputs: {}, apiUrl: API });
    writeConfig("{}\n");
    github({ issueBody: sentryIssueBody });
    await run();
    expect(failure()).toContain('Input "sentry-auth-token": required to verify a Sentry crash (or set SENTRY_AUTH_TOKEN)');
  });

  it("polls within `wait` until there is enough data, with an injected clock", async () => {
    const genericBody = sentryIssueBody.replace(
      /<!-- hotfix-loop:crash .*-->/,
      issueMarker({ v: 1, signature: "00ff00ff00ff00ff", provider: "generic", frames: [], versions: ["2.9.0", "3.0.0"] }),
    );
    env = actionEnv({
      eventName: "deployment_status",
      payload: deploymentStatus("3.0.1"),
      inputs: { "app-url": APP, "hotfix-api-token": "hf_api", wait: "30m", "poll-interval": "10m" },
      apiUrl: API,
    });
    writeConfig("verify:\n  minWindowMinutes: 30\n  reportLagMinutes: 0\n");
    const rec = github({ issueBody: genericBody });
    const counts = (exposureNow: number) => ({
      repo: "Codertocat/Hello-World",
      signature: "00ff00ff00ff00ff",
      issueNumber: 5,
      state: "open",
      fixedIn: null,
      versions: [{ version: "3.0.0", count: 80, firstSeen: "2019-05-01T00:00:00Z", lastSeen: "2019-05-14T00:00:00Z" }],
      repoVersions: [
        { version: "3.0.0", count: 1000, firstSeen: "2019-05-01T00:00:00Z", lastSeen: "2019-05-14T00:00:00Z" },
        { version: "3.0.1", count: exposureNow, firstSeen: "2019-05-15T15:30:00Z", lastSeen: "2019-05-15T16:00:00Z" },
      ],
    });
    const app = nock(APP, { reqheaders: { authorization: "Bearer hf_api" } })
      .get("/hotfix/api/repos/Codertocat/Hello-World/signatures/00ff00ff00ff00ff")
      .reply(200, counts(20))
      .get("/hotfix/api/repos/Codertocat/Hello-World/signatures/00ff00ff00ff00ff")
      .reply(200, counts(40))
      .get("/hotfix/api/repos/Codertocat/Hello-World/signatures/00ff00ff00ff00ff")
      .reply(200, counts(90));
    // The step starts 20 minutes after the deployment status (2019-05-15T15:20:55Z): inside the 30-minute window.
    let clock = new Date("2019-05-15T15:40:55Z").getTime();
    const slept: number[] = [];
    await runVerify(readActionContext(process.env), {
      now: () => new Date(clock),
      sleep: async (ms) => {
        slept.push(ms);
        clock += ms;
      },
    });
    expect(failure()).toBe("");
    expect(app.isDone()).toBe(true);
    // 20 events: window not passed; 40: P = (1000 / 1040)^80 = 0.043, too little; 90: (1000 / 1090)^80 = 0.001 → verified.
    expect(slept).toEqual([600_000, 600_000]);
    expect(env.outputs().verdict).toBe("verified");
    const comment = rec.bodies[`POST ${REPO}/issues/5/comments`]?.[0].body as string;
    expect(comment).toContain(
      "Verified: the crash rate fell. 0 crashes in 90 reported errors of 3.0.1, against 3.0.0: 80 crashes in 1,000 reported errors (80 per 1,000 reported errors), where about 7.2 would be expected if nothing had changed (P = 0.001, below 1%).",
    );
    expect(rec.bodies[`POST ${REPO}/statuses/${SHA}`]?.[0].state).toBe("success");
  });

  it("with verify.resolveInReporter, resolves the Sentry issue in the deployed release and says so", async () => {
    env = actionEnv({ eventName: "deployment_status", payload: deploymentStatus("1.4.2"), inputs: sentryInputs, apiUrl: API });
    writeConfig("verify:\n  resolveInReporter: true\n");
    const rec = github({ issueBody: sentryIssueBody });
    const sentry = sentryScenario();
    const resolve = nock(SENTRY, { reqheaders: { authorization: "Bearer sntrys_test", "content-type": "application/json" } })
      .put("/api/0/organizations/acme/issues/4509876543/", { status: "resolved", statusDetails: { inRelease: "1.4.2" } })
      .reply(200, { status: "resolved", statusDetails: { inRelease: "1.4.2" } });

    await run();

    expect(failure()).toBe("");
    expect(sentry.isDone()).toBe(true);
    expect(resolve.isDone()).toBe(true);
    expect(rec.bodies[`POST ${REPO}/issues/5/comments`]?.[0].body).toContain(
      "- Marked fixed in Sentry in 1.4.2: issue 4509876543. If the crash comes back, Sentry reopens it by its own regression rules; this comment does not.",
    );
  });

  it("stops polling at `wait` and reports not enough data with a pending status", async () => {
    env = actionEnv({
      eventName: "deployment_status",
      payload: deploymentStatus("1.4.2"),
      inputs: { ...sentryInputs, wait: "15m", "poll-interval": "10m" },
      apiUrl: API,
    });
    writeConfig("verify:\n  reportLagMinutes: 0\n");
    const rec = github({ issueBody: sentryIssueBody });
    const tiny = { ...apiFixture("sentry-api", "sessions-by-release.json") };
    tiny.groups = tiny.groups.map((g: any) => (g.by.release === "1.4.2" ? { ...g, totals: { "sum(session)": 400 } } : g));
    // Too few recent events to measure the lag: the configured 0 minutes stands.
    const sentry = sentryScenario(tiny, 2, { data: [], meta: { fields: {} } });
    let clock = new Date("2019-05-15T17:00:00Z").getTime();
    await runVerify(readActionContext(process.env), { now: () => new Date(clock), sleep: async (ms) => void (clock += ms) });
    expect(sentry.isDone()).toBe(true);
    expect(env.outputs().verdict).toBe("not-enough-data");
    expect(rec.bodies[`POST ${REPO}/issues/5/labels`]).toBeUndefined();
    expect(rec.bodies[`POST ${REPO}/statuses/${SHA}`]?.[0]).toMatchObject({ state: "pending", context: "hotfix / verification" });
    const comment = rec.bodies[`POST ${REPO}/issues/5/comments`]?.[0].body as string;
    expect(comment).toContain("about 1,515 sessions of 1.4.2 are needed, 1,115 more");
    // The time named is the one the `verdicts` output gives a workflow for its next run.
    type Record = { expectedAt: string; expectedBetween: { earliest: string; latest: string }; reportLagMeasured: boolean };
    const [record] = JSON.parse(env.outputs().verdicts ?? "") as Record[];
    expect(record?.reportLagMeasured).toBe(false);
    const shown = (iso: string | undefined) => `${iso?.slice(0, 16).replace("T", " ")} UTC`;
    // action.yml tells workflows the shape of the record: every key it has, by name.
    const documented = readFileSync(join(import.meta.dirname, "../../action.yml"), "utf8");
    for (const key of Object.keys(record ?? {})) expect(documented).toContain(`"${key}":`);
    // 109 minutes counted of about 5 hours needed: the range it may come in, and the time at the rate counted.
    expect(comment).toContain(
      `a verdict is expected between ${shown(record?.expectedBetween.earliest)} and ${shown(record?.expectedBetween.latest)} (at ${shown(record?.expectedAt)} if traffic stays at that rate).`,
    );
  });
});

describe("runVerify as a plain step", () => {
  it("verifies the given Bugsnag hotfix issue: lower but present is not verified", async () => {
    env = actionEnv({
      eventName: "workflow_dispatch",
      payload: { inputs: { version: "2.3.2" } },
      inputs: {
        version: "2.3.2",
        issue: "9",
        "bugsnag-auth-token": "bugsnag_test",
        "bugsnag-api-url": BUGSNAG,
        "deployed-at": "2024-05-01T10:00:00Z",
      },
      apiUrl: API,
    });
    process.env.GITHUB_SHA = SHA;
    const body = issueMarker({
      v: 1,
      signature: "fedcba9876543210",
      provider: "bugsnag",
      project: "5f8a1b2c3d4e5f6a7b8c9d0e",
      frames: [],
      versions: ["2.3.0", "2.3.1"],
      reporterGroupId: "60a1b2c3d4e5f6a7b8c9d0e1",
    });
    const gh = nock(API);
    const rec = record(gh);
    gh.get(/\/contents\//)
      .times(2)
      .reply(404, { message: "Not Found" })
      .get(`${REPO}/issues/9`)
      .reply(200, { number: 9, state: "open", body })
      .get(`${REPO}/issues/9/comments`)
      .query({ per_page: "100", page: "1" })
      .reply(200, [])
      .post(`${REPO}/issues/9/comments`)
      .reply(201, { id: 1 })
      .post(`${REPO}/issues/9/labels`)
      .reply(200, [])
      .delete(/\/issues\/9\/labels\/.+/)
      .reply(200, [])
      .post(`${REPO}/statuses/${SHA}`)
      .reply(201, { id: 1 });
    const filter = (...versions: string[]) =>
      versions.map((v) => `filters%5Bapp.version%5D%5B%5D%5Btype%5D=eq&filters%5Bapp.version%5D%5B%5D%5Bvalue%5D=${v}`).join("&");
    const bugsnag = nock(BUGSNAG, { reqheaders: { authorization: "token bugsnag_test", "x-version": "2" } })
      .get("/projects/5f8a1b2c3d4e5f6a7b8c9d0e/releases?per_page=100")
      .reply(200, apiFixture("bugsnag-api", "releases.json"))
      .get(`/projects/5f8a1b2c3d4e5f6a7b8c9d0e/errors/60a1b2c3d4e5f6a7b8c9d0e1/events?${filter("2.3.2")}&per_page=1`)
      .reply(200, apiFixture("bugsnag-api", "error-events-page.json"), { "X-Total-Count": "11" })
      .get(`/projects/5f8a1b2c3d4e5f6a7b8c9d0e/errors/60a1b2c3d4e5f6a7b8c9d0e1/events?${filter("2.3.0", "2.3.1")}&per_page=1`)
      .reply(200, apiFixture("bugsnag-api", "error-events-page.json"), { "X-Total-Count": "96" })
      .get("/projects/5f8a1b2c3d4e5f6a7b8c9d0e/events?full_reports=true&per_page=100")
      .reply(200, apiFixture("bugsnag-api", "project-events-full.json"));

    await runVerify(readActionContext(process.env), { now: () => new Date("2024-05-01T14:00:00Z") });

    expect(failure()).toBe("");
    expect(bugsnag.isDone()).toBe(true);
    expect(rec.calls).toEqual([
      `GET ${REPO}/contents/.github/hotfix.yml`,
      "GET /repos/Codertocat/.github/contents/.github/hotfix.yml",
      `GET ${REPO}/issues/9`,
      `GET ${REPO}/issues/9/comments`,
      `POST ${REPO}/issues/9/comments`,
      `POST ${REPO}/issues/9/labels`,
      `DELETE ${REPO}/issues/9/labels/hotfix:verified`,
      `POST ${REPO}/statuses/${SHA}`,
    ]);
    // Old rate 96 / 24,000 = 4 per 1,000; given 107 crashes, 2.3.2's share of the sessions (0.2) predicts 21; 11 is significantly fewer (P = 0.0055) but not zero.
    expect(rec.bodies[`POST ${REPO}/issues/9/comments`]?.[0].body).toContain(
      "Not verified: the crash still occurs, though less often: 11 crashes in 6,000 sessions of 2.3.2. The rate dropped by 54% (from 4 per 1,000 sessions to 1.8 per 1,000 sessions; with 99% confidence by at least",
    );
    expect(rec.bodies[`POST ${REPO}/issues/9/labels`]).toEqual([{ labels: ["hotfix:not-verified"] }]);
    expect(rec.bodies[`POST ${REPO}/statuses/${SHA}`]?.[0]).toMatchObject({ state: "failure", context: "hotfix / verification" });
    expect(env.outputs().verdict).toBe("not-verified");
  });
});
