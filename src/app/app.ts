import type { ApplicationFunction, Probot } from "probot";
import type { Store } from "../store/store.js";
import { BoardSync } from "./board-sync.js";
import type { GitHubAccess } from "./github.js";
import { IssueSync } from "./issue-sync.js";
import { metrics } from "./metrics.js";
import type { RequestPacer } from "./pacer.js";
import { createHealth, type Health } from "./health.js";
import { onCheckRun } from "./handlers/check-run.js";
import { onDeploymentStatus } from "./handlers/deployment-status.js";
import type { WebhookDeps, WebhookHandler } from "./handlers/handler.js";
import { onInstallationRepositories } from "./handlers/installation-repositories.js";
import { onInstallation } from "./handlers/installation.js";
import { onIssueComment } from "./handlers/issue-comment.js";
import { onIssues } from "./handlers/issues.js";
import { onPullRequest } from "./handlers/pull-request.js";
import { onPush } from "./handlers/push.js";
import { onRepository } from "./handlers/repository.js";
import { refusalIn } from "./refusals.js";
import { hotfixRoutes } from "./routes.js";
import { RepoRouter } from "./routing.js";
import type { Settings } from "./settings.js";
import { AppVerifier } from "./verify-jobs.js";
import { DEFAULT_WORKER_OPTIONS, OutboxWorker, type WorkerOptions } from "./worker.js";

/**
 * The hotfix-loop GitHub App as a Probot app function: crash alerts come in on our own routes
 * (added with Probot's `addHandler`), GitHub's webhooks keep the repository settings cache and
 * the crash groups' state in step with GitHub, and the outbox worker writes the issues.
 */

export interface HotfixAppOptions {
  store: Store;
  /** The App's settings its parts take (alerts' secrets, the reporters' APIs, limits), parsed once by main.ts (settings.ts). */
  settings: Pick<Settings, "alerts" | "reporterApis" | "reporters" | "limits">;
  worker?: Partial<WorkerOptions>;
  /** For the reporters' APIs when completing a crash's context. */
  fetch?: typeof fetch;
  now?: () => Date;
  /** Told of each crash counted in a roll-up issue past the new-issue budget (for a metrics counter). */
  onRolledUp?: (repo: string) => void;
  /** The pacer the App's Octokit sends through (server.ts), when it paces. */
  pacer?: RequestPacer;
}

/**
 * GitHub's webhooks the App listens to, each with its handler (one file each in handlers/, which parses its
 * payload at the edge and decides by its action). app.yml subscribes to these events.
 */
export const WEBHOOK_HANDLERS = {
  installation: onInstallation,
  installation_repositories: onInstallationRepositories,
  repository: onRepository,
  push: onPush,
  issues: onIssues,
  issue_comment: onIssueComment,
  pull_request: onPullRequest,
  check_run: onCheckRun,
  deployment_status: onDeploymentStatus,
} as const satisfies Record<string, WebhookHandler>;
type WebhookEvent = keyof typeof WEBHOOK_HANDLERS;

export interface HotfixApp {
  appFn: ApplicationFunction;
  /** The running worker, once Probot loaded the app. */
  readonly worker: OutboxWorker | null;
  /** Stops the worker after the jobs in hand (the HTTP server is the caller's). */
  stop(): Promise<void>;
}

/** The App's login as GitHub shows its comments (`slug[bot]`), asked once; a failed look-up is asked again next time. */
function ownLogin(github: GitHubAccess): () => Promise<string> {
  let login: Promise<string> | null = null;
  return () => {
    login ??= (async () => {
      const { data } = await (await github.asApp()).rest.apps.getAuthenticated();
      if (!data?.slug) throw new Error("GET /app answered without the App's slug");
      return `${data.slug}[bot]`;
    })().catch((error: unknown) => {
      login = null;
      throw error;
    });
    return login;
  };
}

export function createHotfixApp(options: HotfixAppOptions): HotfixApp {
  const { store, settings } = options;
  const now = options.now ?? (() => new Date());
  let worker: OutboxWorker | null = null;
  let health: Health | null = null;

  const appFn: ApplicationFunction = (app: Probot, { addHandler }) => {
    const github: GitHubAccess = { asApp: () => app.auth(), asInstallation: (id) => app.auth(id) };
    const router = new RepoRouter(store, github, now, app.log);
    const appLogin = ownLogin(github);
    const sync = new IssueSync({
      store,
      github,
      router,
      reporterApis: settings.reporterApis,
      fetch: options.fetch,
      now,
      log: app.log,
      appLogin,
      onRolledUp: (repo) => {
        metrics.crashRolledUp();
        options.onRolledUp?.(repo);
      },
      pacer: options.pacer,
    });
    const board = new BoardSync({ store, github, router, now, log: app.log });
    const verifier = new AppVerifier({ store, github, router, reporters: settings.reporters, fetch: options.fetch, now, log: app.log, appLogin });
    const running = new OutboxWorker(
      store,
      async (job) => {
        try {
          await sync.sync(job);
          await board.afterSync(job.groupId);
        } catch (error) {
          const repo = (await store.getGroup(job.groupId))?.repo;
          throw (repo && refusalIn(error, repo)) || error;
        }
      },
      { ...DEFAULT_WORKER_OPTIONS, ...options.worker },
      app.log,
      now,
      () => verifier.runDue(),
    );
    worker = running;
    const healing = { store, now, log: app.log, report: running.refusals, wake: () => running.wake() };

    const deps: WebhookDeps = {
      store,
      router,
      now,
      log: app.log,
      appLogin,
      verifier,
      healing,
      forgetCodeowners: (repo) => sync.forgetCodeowners(repo),
    };
    for (const [event, handle] of Object.entries(WEBHOOK_HANDLERS)) {
      app.on(event as WebhookEvent, (context) => handle({ payload: context.payload, octokit: context.octokit, isBot: context.isBot }, deps));
    }
    addHandler(
      hotfixRoutes({
        store,
        router,
        secrets: settings.alerts,
        now,
        log: app.log,
        maxBodyBytes: settings.limits.maxBodyBytes,
        onJobDue: () => running.wake(),
      }),
    );
    health = createHealth({ store, maxOutboxAgeSeconds: settings.limits.readyMaxOutboxAgeSeconds, now, log: app.log });
    addHandler(health.routes);

    running.start();
  };

  return {
    appFn,
    get worker() {
      return worker;
    },
    async stop() {
      health?.stop();
      await worker?.stop();
    },
  };
}
