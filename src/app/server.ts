import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Bottleneck from "bottleneck";
import { createNodeMiddleware, Probot, ProbotOctokit } from "probot";
import type { Store } from "../store/store.js";
import type { Logger } from "pino";
import { createHotfixApp, type HotfixAppOptions } from "./app.js";
import { createLogger, type LogLevel } from "./logger.js";
import { GITHUB_WEBHOOK_MAX_BYTES, readBody, refuseTooLarge } from "./request-body.js";
import { countedRateLimitWaits, githubRequestMetrics } from "./metrics.js";
import { pacedRequests, Pacer, type RequestPacer } from "./pacer.js";
import { settingsOf, type AlertSecrets } from "./settings.js";
import { SharedPacer } from "./shared-pacer.js";
import type { OutboxWorker, WorkerOptions } from "./worker.js";

/**
 * Starts the App on a loopback (or any) port with a given store and GitHub base URL, for the
 * demo, the end-to-end tests and the storm benchmark. Production uses `npm start` (main.ts),
 * which reads the same settings from the environment through Probot's `run`.
 */

export const WEBHOOK_PATH = "/api/github/webhooks";

export interface StartAppOptions {
  store: Store;
  appId: number | string;
  /** PEM of the App's private key. */
  privateKey: string;
  /** GitHub's webhook secret (Probot verifies `X-Hub-Signature-256` with it). */
  webhookSecret: string;
  /** REST root, e.g. the GitHub stand-in's URL; default https://api.github.com. */
  githubBaseUrl?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Reporters' webhook secrets and the counts API token; they override `settings.alerts`. */
  secrets?: AlertSecrets;
  /** The App's settings its parts take (main.ts parses them from the environment); default: every variable unset. */
  settings?: HotfixAppOptions["settings"];
  logLevel?: LogLevel;
  /** The logger (default: the App's redacting logger at logLevel, to stdout). */
  log?: Logger;
  worker?: Partial<WorkerOptions>;
  github?: {
    /** Octokit's retry delay unit for 5xx/429 (it waits 1, 4, 9 units); default 1000 ms. */
    retryBaseMs?: number;
    /**
     * Pacing within GitHub's secondary limits (pacer.ts), and octokit's throttling, which waits out
     * rate limits GitHub answers anyway. Default true; tests turn both off.
     */
    throttle?: boolean;
    /**
     * With a store that shares GitHub's pace between replicas (PostgreSQL), pace by it (the default);
     * false paces each process by itself, as with SQLite (the storm's comparison).
     */
    sharedPace?: boolean;
  };
  /** For the reporters' APIs when completing a crash's context. */
  fetch?: typeof fetch;
  now?: () => Date;
  /** Told of each crash counted in a roll-up issue past the new-issue budget (a metrics counter's hook). */
  onRolledUp?: (repo: string) => void;
}

export interface RunningApp {
  /** e.g. http://127.0.0.1:43123 */
  url: string;
  /** Where GitHub's webhooks go, relative to url. */
  webhookPath: string;
  worker: OutboxWorker;
  /** Stops the worker (after the jobs in hand) and the HTTP server; the store stays open. */
  close(): Promise<void>;
}

/** Lets every request through at once: the plugin's groups for writes, when the pacer spaces them instead. */
const UNSPACED = new Bottleneck.Group();

/**
 * Probot's Octokit with our retry unit, GitHub's answers and rate-limit waits counted, and, for
 * loopback runs, throttling off. With a pacer, writes go at the pace GitHub's limits allow rather
 * than octokit's fixed spacing (1 s a write, 3 s an issue or comment); without one (the naive
 * baseline), Probot's default throttling is left as it is.
 */
export function appOctokit(github: StartAppOptions["github"] = {}, pacer?: RequestPacer, log?: Logger): typeof ProbotOctokit {
  const plugged = pacer ? ProbotOctokit.plugin(githubRequestMetrics, pacedRequests(pacer, log)) : ProbotOctokit.plugin(githubRequestMetrics);
  // A function, not an object: Probot passes its own throttle options down, which would replace ours.
  return plugged.defaults((instance: { retry?: object; throttle?: object }) => ({
    ...instance,
    retry: { ...instance.retry, retryAfterBaseValue: github.retryBaseMs ?? 1000 },
    throttle: {
      ...instance.throttle,
      ...countedRateLimitWaits,
      ...(github.throttle === false ? { enabled: false } : pacer ? { write: UNSPACED, notifications: UNSPACED } : {}),
    },
  }));
}

/**
 * Probot's webhook route reads the whole body before it checks the signature. Read it here
 * first, capped at GitHub's own payload limit, and hand it over as the pre-read body
 * @octokit/webhooks accepts (`rawBody`); false when the request was refused.
 */
async function capWebhookBody(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (req.method !== "POST" || (req.url ?? "").split("?")[0]!.replace(/\/+$/, "") !== WEBHOOK_PATH) return true;
  const body = await readBody(req, GITHUB_WEBHOOK_MAX_BYTES);
  if (body === null) {
    refuseTooLarge(req, res, GITHUB_WEBHOOK_MAX_BYTES, "GitHub's webhook payload limit");
    return false;
  }
  Object.assign(req, { body: {}, rawBody: body });
  return true;
}

export async function startApp(options: StartAppOptions): Promise<RunningApp> {
  const given = options.settings ?? settingsOf();
  const alerts = { ...given.alerts, ...options.secrets };
  // The counts API's token is also the one the App's own verification of generic crashes asks that API with.
  const settings = { ...given, alerts, reporters: { ...given.reporters, genericToken: alerts.apiToken } };

  // GitHub counts an installation's requests from every job together: one pacer for the process, or
  // for every replica when the store shares one.
  const limits = settings.limits.githubContentLimits;
  const shared = options.github?.sharedPace !== false ? options.store.pace : undefined;
  const pacer = options.github?.throttle === false ? undefined : shared ? new SharedPacer(shared, limits) : new Pacer(limits);
  const log = options.log ?? createLogger(options.logLevel ?? "info");
  const Octokit = appOctokit(options.github, pacer, log);
  const probot = new Probot({
    log,
    appId: options.appId,
    privateKey: options.privateKey,
    secret: options.webhookSecret,
    baseUrl: options.githubBaseUrl,
    Octokit,
    webhookPath: WEBHOOK_PATH,
  });
  const hotfix = createHotfixApp({
    store: options.store,
    settings,
    worker: options.worker,
    fetch: options.fetch,
    now: options.now,
    onRolledUp: options.onRolledUp,
    pacer,
  });
  const middleware = await createNodeMiddleware(hotfix.appFn, { probot, webhooksPath: WEBHOOK_PATH });

  const notFound = (req: IncomingMessage, res: ServerResponse) => {
    if (res.headersSent) return;
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: `no route for ${req.method} ${req.url}` }));
  };
  const server = createServer((req, res) => {
    const started = performance.now();
    res.once("finish", () => {
      const ms = Math.round(performance.now() - started);
      log.info({ method: req.method, url: req.url, status: res.statusCode, ms }, `${req.method} ${req.url} ${res.statusCode} - ${ms}ms`);
    });
    void (async () => {
      if (!(await capWebhookBody(req, res))) return;
      await middleware(req, res, () => notFound(req, res));
    })();
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    webhookPath: WEBHOOK_PATH,
    worker: hotfix.worker!,
    async close() {
      await hotfix.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
