import { startGitHubStandin } from "../src/demo/github-standin.js";
import { parseIssueMarker } from "../src/core/render.js";
import { ROLLUP_MARKER } from "../src/app/rollup.js";
import { GITHUB_SECONDARY_LIMITS } from "../src/github/secondary-limits.js";
import { PostgresStore, withUser } from "../src/store/postgres.js";
import { dropSchema } from "./fault-scenarios.js";
import { startReplica } from "./replica-processes.js";
import { runStorm } from "./storm-harness.js";
import {
  measure,
  pacing,
  realisticGitHub,
  STORM_REPO,
  STORM_SECRET,
  stormPrivateKey,
  waitUntil,
  watchIssues,
  type StormFigures,
} from "./storm-scenario.js";

/**
 * New crashes through three App replicas on one PostgreSQL, against the stand-in enforcing GitHub's
 * content-creation limit: with GitHub's pace shared through the database (the default), and with
 * each replica pacing itself (HOTFIX_SHARED_PACE=off), which together send three times what
 * GitHub takes. The repository's new-issue budget is set below the crashes sent, so the roll-up
 * issue takes the rest and the budget's exactness shows in the count of issues.
 */

export const REPLICAS = 3;

export interface ReplicaPaceRun {
  /** Hotfix issues the budget allows: `issues.maxNewPerHour`. */
  budget: number;
  /** New crashes sent, one alert each: the budget's worth and some more. */
  crashes: number;
  sharedPace: boolean;
  settleMs: number;
}

export interface ReplicaPaceFigures extends StormFigures {
  /** Issues with a crash's marker: at most the budget, exactly the budget when more crashes came. */
  hotfixIssues: number;
  rollUps: number;
  /** Crashes the store counted in the roll-up issue. */
  rolledUp: number;
  /** New issues the store's budget claimed within the hour. */
  claimed: number;
  pendingJobs: number;
}

function budgetConfig(budget: number): string {
  return `sources:
  - provider: generic
    projects: [storm-game]
issues:
  refreshIntervalSeconds: 5
  maxNewPerHour: ${budget}
`;
}

/** The issues the run should open: the budget's worth of hotfix issues, and the roll-up when more crashes came. */
export const issuesOf = (run: ReplicaPaceRun): number => Math.min(run.budget, run.crashes) + (run.crashes > run.budget ? 1 : 0);

export async function stormReplicasPace(run: ReplicaPaceRun, databaseUrl: string, privateKey = stormPrivateKey()): Promise<ReplicaPaceFigures> {
  const schema = `storm_pace_${process.pid}_${Date.now()}`;
  const paced = pacing({ alerts: run.crashes, signatures: run.crashes, senders: 16, paced: GITHUB_SECONDARY_LIMITS.contentCreation });
  const github = await startGitHubStandin(
    realisticGitHub({ ...paced.github, repos: { [STORM_REPO]: { installationId: 7, files: { ".github/hotfix.yml": budgetConfig(run.budget) } } } }),
  );
  const env = {
    DATABASE_URL: withUser(databaseUrl),
    PG_SCHEMA: schema,
    GITHUB_URL: github.url,
    PRIVATE_KEY: privateKey,
    HOTFIX_GENERIC_SECRET: STORM_SECRET,
    HOTFIX_SHARED_PACE: run.sharedPace ? "on" : "off",
    ...paced.env,
  };
  // One first, so the schema is made once; the others start on it.
  const first = await startReplica(env);
  const replicas = [first, ...(await Promise.all(Array.from({ length: REPLICAS - 1 }, () => startReplica(env))))];
  const store = new PostgresStore(withUser(databaseUrl), { schema });
  const issuesExpected = issuesOf(run);
  try {
    const watch = watchIssues(github, issuesExpected);
    const load = { alerts: run.crashes, signatures: run.crashes, senders: 16 };
    const storm = await runStorm({ ...load, secret: STORM_SECRET, url: (i) => `${replicas[i % REPLICAS]!.url}/hotfix/alerts/generic/${STORM_REPO}` });
    await waitUntil(async () => watch.result() !== null && (await store.outboxStatus(new Date())).pendingJobs === 0, run.settleMs, 100);
    watch.stop();
    const issues = github.issues.get(STORM_REPO) ?? [];
    return {
      ...measure(
        run.sharedPace ? "three replicas, shared pace" : "three replicas, each its own pace",
        github,
        load,
        storm,
        watch.result(),
        watch.first(),
      ),
      hotfixIssues: issues.filter((i) => parseIssueMarker(i.body) !== null).length,
      rollUps: issues.filter((i) => i.body.includes(ROLLUP_MARKER)).length,
      rolledUp: (await store.rolledUpGroups(STORM_REPO)).length,
      claimed: await store.budget.claimedSince(STORM_REPO, new Date(Date.now() - 3_600_000)),
      pendingJobs: (await store.outboxStatus(new Date())).pendingJobs,
    };
  } finally {
    await Promise.all(replicas.map((r) => r.stop()));
    await store.close();
    await dropSchema(databaseUrl, schema);
    await github.close();
  }
}
