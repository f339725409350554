import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, afterEach, describe, expect, inject, it } from "vitest";
import { parseIssueMarker } from "../../src/core/render.js";
import type { RunningApp } from "../../src/app/server.js";
import { startGitHubStandin, type GitHubStandin } from "../../src/demo/github-standin.js";
import { PostgresStore } from "../../src/store/postgres.js";
import type { Store } from "../../src/store/store.js";
import { fixture, memoryStore, post, sentryHeaders, testApp, until } from "./harness.js";
import { dropSchemas } from "../postgres-schemas.js";
import { storeCounts } from "../store/counts.js";

// One reporter group, one hotfix issue: a Sentry issue whose events come in each browser's stack shape
// is one issue, on either store; an issue an earlier version opened is found again by its Sentry issue id.

const REPO = "acme/storefront";
const CONFIG = "sources:\n  - provider: sentry\nissues:\n  refreshIntervalSeconds: 0\n";
const SENTRY_ISSUE = "4509876543";

type Browser = "chrome-73" | "firefox-66" | "safari-12";
const STACKS = JSON.parse(readFileSync(new URL("../fixtures/sentry/browser-stacks.json", import.meta.url), "utf8")) as Record<
  Browser,
  { type: string; value: string; frames: unknown[] }
>;

/** Sentry's issue alert (event_alert.json's envelope) of one event of `issueId` in `browser`'s stack shape. */
function browserAlert(browser: Browser, release: string, issueId = SENTRY_ISSUE): Buffer {
  const payload = JSON.parse(fixture("sentry/event_alert.json").toString());
  const { type, value, frames } = STACKS[browser];
  Object.assign(payload.data.event, {
    event_id: randomUUID().replace(/-/g, ""),
    issue_id: issueId,
    release,
    exception: { values: [{ type, value, mechanism: { type: "onerror", handled: false }, stacktrace: { frames } }] },
  });
  return Buffer.from(JSON.stringify(payload));
}

const PG_URL = inject("testDatabaseUrl");
const schemas: string[] = [];
const stores = [
  { name: "SQLite", open: () => memoryStore() },
  {
    name: "PostgreSQL",
    async open(): Promise<Store> {
      const schema = `hotfix_grouping_${process.pid}_${schemas.length + 1}`;
      schemas.push(schema);
      const store = new PostgresStore(PG_URL, { schema });
      await store.migrate();
      return store;
    },
  },
];

let github: GitHubStandin | undefined;
let store: Store | undefined;
let app: RunningApp | undefined;

async function start(open: () => Promise<Store>) {
  github = await startGitHubStandin({ repos: { [REPO]: { installationId: 4242, files: { ".github/hotfix.yml": CONFIG } } } });
  store = await open();
  app = await testApp(store, github.url);
  return { github, store, app };
}

afterEach(async () => {
  await app?.close();
  await store?.close();
  await github?.close();
  [app, store, github] = [undefined, undefined, undefined];
});

afterAll(() => dropSchemas(PG_URL, schemas));

describe.each(stores)("one Sentry issue is one hotfix issue ($name store)", ({ open }) => {
  it("opens exactly one issue for alerts of one Sentry issue in Chrome's, Firefox's and Safari's stack shapes, in two releases", async () => {
    const { github, store, app } = await start(open);
    const send = async (browser: Browser, release: string) => {
      const body = browserAlert(browser, release);
      const answer = await post(app, `/hotfix/alerts/sentry/${REPO}`, body, sentryHeaders(body));
      expect(answer.status).toBe(202);
      return answer.body.signature as string;
    };
    const first = await send("chrome-73", "storefront@2.3.0");
    await until("one issue on GitHub", () => github.issues.get(REPO)?.length === 1);
    for (const release of ["storefront@2.3.0", "storefront@2.3.1"])
      for (const browser of ["firefox-66", "safari-12", "chrome-73"] as const)
        if (browser !== "chrome-73" || release !== "storefront@2.3.0") await send(browser, release);

    // Every alert is stored (each answered 202): once no sync is pending, every issue there will be is written.
    await until("the outbox to drain", async () => (await storeCounts(store)).pendingJobs === 0);
    expect(github.issues.get(REPO)).toHaveLength(1);
    expect(github.calls.filter((c) => c.route === "POST /repos/{owner}/{repo}/issues")).toHaveLength(1);
    expect(await storeCounts(store)).toMatchObject({ groups: 1 });
    const group = await store.findGroup(REPO, first);
    expect(group).toMatchObject({ events: 6, renderedEvents: 6 });
    expect(group?.issueNumber).toBe(1);
    const marker = parseIssueMarker(github.issues.get(REPO)![0]!.body);
    expect(marker).toMatchObject({ signature: first, reporterGroups: [{ provider: "sentry", id: SENTRY_ISSUE }] });
    expect(new Set(marker?.versions)).toEqual(new Set(["storefront@2.3.0", "storefront@2.3.1"]));
  });
});

describe("an issue found again by its reporter group", () => {
  it("takes an alert of a Sentry issue to the issue a previous version opened for it, whatever the signature, and lists a second Sentry issue of the same stack", async () => {
    const { github, store, app } = await start(() => memoryStore());
    // Written by the previous version (one reporterGroupId, no reporterGroups), under a signature no alert here computes.
    const oldMarker = `<!-- hotfix-loop:crash {"v":1,"signature":"ffffffffffffffff","sv":2,"provider":"sentry","project":"front-end","frames":[],"versions":["storefront@2.2.0"],"reporterGroupId":"${SENTRY_ISSUE}"} -->`;
    github.issues.set(REPO, [
      {
        number: 1,
        title: "Error: aha",
        body: `An earlier body.\n\n${oldMarker}`,
        state: "open",
        labels: ["hotfix"],
        assignees: [],
        comments: [],
        createdAt: 0,
        indexedAt: 0,
      },
    ]);

    const repeat = browserAlert("firefox-66", "storefront@2.3.0");
    const { body: accepted } = await post(app, `/hotfix/alerts/sentry/${REPO}`, repeat, sentryHeaders(repeat));
    const group = await until("the crash group to be rendered", async () => {
      const g = await store.findGroup(REPO, accepted.signature);
      return g?.renderedAt !== null && g;
    });
    expect(group.issueNumber).toBe(1);
    expect(accepted.signature).not.toBe("ffffffffffffffff");
    expect(parseIssueMarker(github.issues.get(REPO)![0]!.body)?.reporterGroups).toEqual([{ provider: "sentry", id: SENTRY_ISSUE }]);

    const other = browserAlert("firefox-66", "storefront@2.3.0", "4509870000");
    const { body: second } = await post(app, `/hotfix/alerts/sentry/${REPO}`, other, sentryHeaders(other));
    // The same stack under another Sentry issue: our signature joins it to the first group, which takes that issue too.
    expect(second.signature).toBe(accepted.signature);
    await until("the crash group rendered with two events", async () => (await store.getGroup(group.id))?.renderedEvents === 2);
    expect(github.issues.get(REPO)).toHaveLength(1);
    expect(await store.reporterGroups(group.id)).toEqual([
      { provider: "sentry", id: SENTRY_ISSUE },
      { provider: "sentry", id: "4509870000" },
    ]);
    expect(parseIssueMarker(github.issues.get(REPO)![0]!.body)?.reporterGroups).toEqual(await store.reporterGroups(group.id));
  });
});
