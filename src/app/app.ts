import type { ApplicationFunction, Probot } from "probot";
import { DEFAULT_CONFIG } from "../core/config.js";
import type { Store } from "../store/store.js";
import { BoardSync } from "./board-sync.js";
import { CODEOWNERS_PATHS } from "./codeowners.js";
import type { GitHubAccess } from "./github.js";
import { IssueSync } from "./issue-sync.js";
import { metrics } from "./metrics.js";
import type { RequestPacer } from "./pacer.js";
import { createHealth, type Health } from "./health.js";
import { registerLoopEvents } from "./loop-events.js";
import { HEALED_BY, heal, refusalIn } from "./refusals.js";
import { DEFAULT_MAX_BODY_BYTES, hotfixRoutes } from "./routes.js";
import { CONFIG_PATH, RepoRouter, repoKey } from "./routing.js";
import { fixedInFromComments, trustedAuthors } from "./trust.js";
import { AppVerifier } from "./verify-jobs.js";
import { DEFAULT_WORKER_OPTIONS, OutboxWorker, type WorkerOptions } from "./worker.js";

/**
 * The hotfix-loop GitHub App as a Probot app function: crash alerts come in on our own routes
 * (added with Probot's `addHandler`), GitHub's webhooks keep the repository settings cache and
 * the crash groups' state in step with GitHub, and the outbox worker writes the issues.
 */

export interface HotfixAppOptions {
  store: Store;
  /** Secrets and settings: SENTRY_CLIENT_SECRET, BUGSNAG_WEBHOOK_TOKEN, HOTFIX_GENERIC_SECRET, HOTFIX_API_TOKEN, HOTFIX_MAX_BODY_BYTES, reporters' API tokens. */
  env: Record<string, string | undefined>;
  worker?: Partial<WorkerOptions>;
  /** For the reporters' APIs when completing a crash's context. */
  fetch?: typeof fetch;
  now?: () => Date;
  /** Told of each crash counted in a roll-up issue past the new-issue budget (for a metrics counter). */
  onRolledUp?: (repo: string) => void;
  /** The pacer the App's Octokit sends through (server.ts), when it paces. */
  pacer?: RequestPacer;
}

export interface HotfixApp {
  appFn: ApplicationFunction;
  /** The running worker, once Probot loaded the app. */
  readonly worker: OutboxWorker | null;
  /** Stops the worker after the jobs in hand (the HTTP server is the caller's). */
  stop(): Promise<void>;
}

export function maxBodyBytes(env: Record<string, string | undefined>): number {
  const raw = env.HOTFIX_MAX_BODY_BYTES;
  if (raw === undefined || raw === "") return DEFAULT_MAX_BODY_BYTES;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`HOTFIX_MAX_BODY_BYTES: expected a positive whole number of bytes, got ${JSON.stringify(raw)}`);
  return value;
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
  const { store, env } = options;
  const now = options.now ?? (() => new Date());
  const limit = maxBodyBytes(env);
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
      env,
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
    const verifier = new AppVerifier({ store, github, router, env, fetch: options.fetch, now, log: app.log, appLogin });
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

    registerLoopEvents(app, { store, router, now, log: app.log, appLogin, verifier });
    addHandler(hotfixRoutes({ store, router, env, now, log: app.log, maxBodyBytes: limit, onJobDue: () => running.wake() }));
    health = createHealth({ store, env, now, log: app.log });
    addHandler(health.routes);

    app.on(["installation.created", "installation.new_permissions_accepted", "installation.unsuspend"], async (context) => {
      const installationId = context.payload.installation.id;
      for (const repository of context.payload.repositories ?? []) {
        await router.refresh(repository.full_name, installationId, context.octokit);
      }
      if (context.payload.action === "new_permissions_accepted")
        await heal(healing, { installationId }, HEALED_BY.permissionsAccepted, "the installation accepted the App's permissions");
      if (context.payload.action === "unsuspend") await heal(healing, { installationId }, HEALED_BY.unsuspended, "the installation was unsuspended");
    });
    app.on("repository.edited", async (context) => {
      const { repository } = context.payload;
      if (repository.has_issues) await heal(healing, { repo: repoKey(repository.full_name) }, HEALED_BY.issuesTurnedOn, "issues are on");
    });
    app.on(["installation.deleted", "installation.suspend"], async (context) => {
      for (const repository of context.payload.repositories ?? []) await router.uninstalled(repository.full_name);
    });
    app.on("installation_repositories", async (context) => {
      const installationId = context.payload.installation.id;
      for (const repository of context.payload.repositories_added) {
        await router.refresh(repository.full_name, installationId, context.octokit);
        await heal(healing, { repo: repoKey(repository.full_name) }, HEALED_BY.repositoryAdded, "the repository was added to the installation");
      }
      for (const { full_name } of context.payload.repositories_removed) if (full_name) await router.uninstalled(full_name);
    });

    app.on("push", async (context) => {
      const { ref, repository, commits, installation } = context.payload;
      if (!installation || ref !== `refs/heads/${repository.default_branch}`) return;
      const touched = new Set(commits.flatMap((c) => [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])]));
      if (touched.has(CONFIG_PATH)) {
        await router.refresh(repository.full_name, installation.id, context.octokit);
        await heal(healing, { repo: repoKey(repository.full_name) }, HEALED_BY.configChanged, "its .github/hotfix.yml changed");
      }
      if (CODEOWNERS_PATHS.some((path) => touched.has(path))) sync.forgetCodeowners(repoKey(repository.full_name));
    });

    app.on("issues.closed", async (context) => {
      const repo = repoKey(context.payload.repository.full_name);
      const group = await store.findGroupByIssue(repo, context.payload.issue.number);
      if (group?.rolledUp) {
        // The roll-up issue lists many crashes: closing it resolves each of them, none with a known fix version.
        const listed = (await store.rolledUpGroups(repo)).filter((g) => g.issueNumber === group.issueNumber && g.state !== "resolved");
        for (const g of listed) await store.resolve(g.id, null, now());
        return;
      }
      if (!group || group.state === "resolved") return;
      const config = (await router.configOf(group.repo)) ?? DEFAULT_CONFIG;
      const fixedIn = await fixedInFromComments(context.octokit, context.issue(), group.signature, trustedAuthors(await appLogin(), config));
      await store.resolve(group.id, fixedIn, now());
    });
    app.on("issues.reopened", async (context) => {
      // The App reopens regressions itself; the store already knows about those.
      if (context.isBot) return;
      const group = await store.findGroupByIssue(repoKey(context.payload.repository.full_name), context.payload.issue.number);
      if (group && group.state === "resolved") await store.reopen(group.id);
    });

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
