import { createHash, randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, afterEach, describe, expect, inject, it } from "vitest";
import type { RunningApp } from "../../src/app/server.js";
import { startGitHubStandin, type GitHubStandin, type StandinIssue } from "../../src/demo/github-standin.js";
import { PostgresStore, withUser } from "../../src/store/postgres.js";
import type { Store } from "../../src/store/store.js";
import { deliverWebhook, fixture, githubExample, memoryStore, post, sentryHeaders, testApp, until } from "./harness.js";

// A closed crash seen again, judged by git through the App and the GitHub stand-in's compare:
// each release naming scheme against each outcome, on both stores.

const REPO = "acme/shop-android";
const INSTALLATION = 4242;
const CONFIG = "sources:\n  - provider: sentry\nissues:\n  refreshIntervalSeconds: 0\n";
const COMPARE = "GET /repos/{owner}/{repo}/compare/{basehead}";

const sha = (name: string) => createHash("sha1").update(name).digest("hex");
/**
 *   a0 - a1 - old ---------- fix (merge of PR #7) - new
 *               \         \_ p1 _/
 *                \_ r1 - line        (a release line cut before the fix, never given it)
 */
const C = Object.fromEntries(["a0", "a1", "old", "p1", "fix", "new", "r1", "line"].map((n) => [n, sha(n)])) as Record<string, string>;
const GRAPH = {
  [C.a0!]: [],
  [C.a1!]: [C.a0!],
  [C.old!]: [C.a1!],
  [C.p1!]: [C.old!],
  [C.fix!]: [C.old!, C.p1!],
  [C.new!]: [C.fix!],
  [C.r1!]: [C.old!],
  [C.line!]: [C.r1!],
};

type Build = "old" | "new" | "line";
interface Scheme {
  name: string;
  /** The release name the reporter sends for a build. */
  release: Record<Build, string>;
  /** The ref the App compares for it. */
  ref: Record<Build, string>;
  tags: Record<string, string>;
}
const SCHEMES: Scheme[] = [
  {
    name: "SHA-named (Sentry's project@sha)",
    release: { old: `shop-android@${C.old!.slice(0, 12)}`, new: `shop-android@${C.new!}`, line: `shop-android@${C.line!.slice(0, 7)}` },
    ref: { old: C.old!.slice(0, 12), new: C.new!, line: C.line!.slice(0, 7) },
    tags: {},
  },
  {
    name: "date-named, tags through links.tagTemplate",
    release: { old: "2026.12.01-1", new: "2026.12.07-3", line: "2026.12.07-1" },
    ref: { old: "v2026.12.01-1", new: "v2026.12.07-3", line: "v2026.12.07-1" },
    tags: { "v2026.12.01-1": C.old!, "v2026.12.07-3": C.new!, "v2026.12.07-1": C.line! },
  },
  {
    name: "semver, tags through links.tagTemplate",
    // The release line's version is the newest by its name: version order would call it the fixed release.
    release: { old: "com.example.shop@4.12.1", new: "com.example.shop@4.12.3", line: "com.example.shop@4.13.0" },
    ref: { old: "v4.12.1", new: "v4.12.3", line: "v4.13.0" },
    tags: { "v4.12.1": C.old!, "v4.12.3": C.new!, "v4.13.0": C.line! },
  },
];

function sentryAlert(release: string): Buffer {
  const payload = JSON.parse(fixture("sentry/event_alert-android.json").toString());
  payload.data.event.release = release;
  payload.data.event.event_id = randomUUID().replace(/-/g, "");
  return Buffer.from(JSON.stringify(payload));
}

function inRepo(payload: Record<string, any>): Record<string, any> {
  payload.repository = { ...payload.repository, name: "shop-android", full_name: REPO, owner: { ...payload.repository.owner, login: "acme" } };
  payload.installation = { id: INSTALLATION };
  return payload;
}

/** The hotfix PR merged as a merge commit, from GitHub's documented pull_request.closed payload. */
function fixMerged(mergedAt: string) {
  const payload = inRepo(githubExample("pull_request", "closed"));
  Object.assign(payload.pull_request, {
    number: 7,
    body: "Null check in the checkout.\n\nFixes #1",
    merged: true,
    merged_at: mergedAt,
    merge_commit_sha: C.fix,
    state: "closed",
  });
  return payload;
}

function issueEvent(action: "closed" | "reopened", number: number) {
  const payload = inRepo(githubExample("issues", "reopened"));
  payload.action = action;
  Object.assign(payload.issue, { number, state: action === "closed" ? "closed" : "open" });
  payload.sender.type = "User";
  return payload;
}

const RUN = `hotfix_regr_${process.pid}_${Date.now().toString(36)}`;
const schemas: string[] = [];
const STORES: { name: string; open(): Promise<Store> }[] = [
  { name: "SqliteStore", open: memoryStore },
  {
    name: "PostgresStore",
    async open() {
      const schema = `${RUN}_${schemas.length + 1}`;
      schemas.push(schema);
      const store = new PostgresStore(inject("testDatabaseUrl"), { schema });
      await store.migrate();
      return store;
    },
  },
];

afterAll(async () => {
  if (schemas.length === 0) return;
  const client = new pg.Client({ connectionString: withUser(inject("testDatabaseUrl")) });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
});

describe.each(STORES)("on $name", (target) => {
  let github: GitHubStandin;
  let store: Store;
  let app: RunningApp;

  async function start(scheme: Scheme) {
    github = await startGitHubStandin({
      repos: {
        [REPO]: {
          installationId: INSTALLATION,
          files: { ".github/hotfix.yml": CONFIG },
          pulls: { 7: { commits: [C.p1!] } },
          git: { commits: GRAPH, tags: scheme.tags },
        },
      },
    });
    store = await target.open();
    app = await testApp(store, github.url);
  }

  afterEach(async () => {
    await app.close();
    await store.close();
    await github.close();
  });

  const alert = async (release: string) => {
    const body = sentryAlert(release);
    const answer = await post(app, `/hotfix/alerts/sentry/${REPO}`, body, sentryHeaders(body));
    expect(answer.status).toBe(202);
    return answer.body.signature as string;
  };

  /** An issue opened for a crash in the old build, its fix merged a minute ago, then closed by a person. */
  async function closedAfterFix(scheme: Scheme): Promise<{ groupId: number; issue: StandinIssue }> {
    const signature = await alert(scheme.release.old);
    const group = await until("the crash group to have its issue", async () => {
      const g = await store.findGroup(REPO, signature);
      return g?.issueNumber !== null && g;
    });
    const issue = github.issues.get(REPO)![0]!;
    expect(await deliverWebhook(app, "pull_request", fixMerged(new Date(Date.now() - 60_000).toISOString()))).toBe(200);
    await until("the fix to be recorded", async () => (await store.fixes.fixesOf(group.id)).length === 1);
    issue.state = "closed";
    expect(await deliverWebhook(app, "issues", issueEvent("closed", issue.number))).toBe(200);
    await until("the group to be resolved", async () => (await store.getGroup(group.id))?.state === "resolved");
    return { groupId: group.id, issue };
  }

  const judged = (groupId: number, release: string) => until(`the verdict on release ${release}`, () => store.fixes.verdictOf(groupId, release));
  const compares = () => github.calls.filter((c) => c.route === COMPARE).map((c) => decodeURIComponent(c.path.split("/compare/")[1]!));

  describe.each(SCHEMES)("$name", (scheme) => {
    it("a crash in a release that contains the fix reopens the issue as back", async () => {
      await start(scheme);
      const { groupId, issue } = await closedAfterFix(scheme);
      expect(await store.fixes.fixesOf(groupId)).toEqual([{ pr: 7, mergeCommit: C.fix, commits: [C.p1], mergedAt: expect.any(String) }]);
      await alert(scheme.release.new);
      expect(await judged(groupId, scheme.release.new)).toMatchObject({ outcome: "back", basis: "commits" });
      await until("the issue to be reopened with one comment", () => issue.state === "open" && issue.comments.length === 1);
      expect(issue.labels).toContain("regression");
      expect(issue.comments[0]!.body).toMatch(/^\*\*The crash is back in `[^`]+`\*\*: .* contains the fix \(#7, merged as `[0-9a-f]{12}`\)/);
      expect(compares()).toEqual([`${C.fix}...${scheme.ref.new}`]);
    });

    it("a crash in a newer release from a line without the fix reopens it as missing from, with the commits to port", async () => {
      await start(scheme);
      const { groupId, issue } = await closedAfterFix(scheme);
      await alert(scheme.release.line);
      expect(await judged(groupId, scheme.release.line)).toMatchObject({ outcome: "missing", basis: "commits", behindBy: 2 });
      await until("the issue to be reopened with one comment", () => issue.state === "open" && issue.comments.length === 1);
      expect(issue.comments[0]!.body).toMatch(/^\*\*The fix is missing from `[^`]+`\*\*/);
      expect(issue.comments[0]!.body).toContain(`Commits to port: \`${C.p1!.slice(0, 12)}\`.`);
      expect(compares()).toEqual([`${C.fix}...${scheme.ref.line}`]);
    });

    it("a crash in an old build behind the fix is counted and reopens nothing, and the answer is asked of GitHub once", async () => {
      await start(scheme);
      const { groupId, issue } = await closedAfterFix(scheme);
      await alert(scheme.release.old);
      expect(await judged(groupId, scheme.release.old)).toMatchObject({ outcome: "old-build", basis: "commits" });
      // Later crashes of that build are only counted: no reopen, no comment, no second question.
      await alert(scheme.release.old);
      await until(
        "three occurrences counted for the release",
        async () => (await store.versionCounts(REPO, (await store.getGroup(groupId))!.signature))[0]?.count === 3,
      );
      await until("the worker to run out of jobs", async () => (await app.worker.runOnce()) === 0);
      expect(issue).toMatchObject({ state: "closed", comments: [] });
      expect(await store.getGroup(groupId)).toMatchObject({ state: "resolved", regressedIn: null });

      // Closed again after a person's reopen: the release is a new question, answered from the store.
      expect(await deliverWebhook(app, "issues", issueEvent("reopened", issue.number))).toBe(200);
      await until("the group to be open again", async () => (await store.getGroup(groupId))?.state === "open");
      expect(await deliverWebhook(app, "issues", issueEvent("closed", issue.number))).toBe(200);
      await until("the group to be resolved again", async () => (await store.getGroup(groupId))?.state === "resolved");
      await alert(scheme.release.old);
      await judged(groupId, scheme.release.old);
      expect(compares()).toEqual([`${C.fix}...${scheme.ref.old}`]);
      expect(issue.comments).toEqual([]);
    });
  });

  it("says so when no commit can be found, and falls back to version order", async () => {
    // A repository the stand-in knows no history of: every compare is a 404.
    await start({ ...SCHEMES[2]!, tags: {} });
    const { groupId, issue } = await closedAfterFix(SCHEMES[2]!);
    await alert("com.example.shop@4.12.0");
    expect(await judged(groupId, "com.example.shop@4.12.0")).toMatchObject({ outcome: "old-build", basis: "version-order" });
    await alert("com.example.shop@4.12.3");
    expect(await judged(groupId, "com.example.shop@4.12.3")).toMatchObject({ outcome: "back", basis: "version-order" });
    await until("the issue to be reopened with one comment", () => issue.state === "open" && issue.comments.length === 1);
    expect(issue.comments[0]!.body).toContain("Judged by version order: no commit of the release or of the fix could be found.");
  });
});
