import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeMiddleware, Probot, ProbotOctokit } from "probot";
import type { ProviderName } from "../core/crash.js";
import { providers } from "../providers/index.js";
import type { Store } from "../store/store.js";
import { createHotfixApp } from "./app.js";
import { countedRateLimitWaits, githubRequestMetrics } from "./metrics.js";
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
  /** Reporters' webhook secrets and the counts API token; they override `env`. */
  secrets?: Partial<Record<ProviderName, string>> & { apiToken?: string };
  /** Everything else the App reads from the environment (HOTFIX_MAX_BODY_BYTES, SENTRY_AUTH_TOKEN, ...). */
  env?: Record<string, string | undefined>;
  logLevel?: "trace" | "debug" | "info" | "warn" | "error" | "fatal";
  worker?: Partial<WorkerOptions>;
  github?: {
    /** Octokit's retry delay unit for 5xx/429 (it waits 1, 4, 9 units); default 1000 ms. */
    retryBaseMs?: number;
    /**
     * Octokit's throttling: spaces content-creating writes as GitHub asks (1 s, 3 s for issues
     * and comments, process-wide) and waits out rate limits. Default true; tests turn it off.
     */
    throttle?: boolean;
  };
  /** For the reporters' APIs when completing a crash's context. */
  fetch?: typeof fetch;
  now?: () => Date;
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

/** Probot's Octokit with our retry unit, GitHub's answers and rate-limit waits counted, and, for loopback runs, throttling off. */
export function appOctokit(github: StartAppOptions["github"] = {}): typeof ProbotOctokit {
  // A function, not an object: Probot passes its own throttle options down, which would replace ours.
  return ProbotOctokit.plugin(githubRequestMetrics).defaults((instance: { retry?: object; throttle?: object }) => ({
    ...instance,
    retry: { ...instance.retry, retryAfterBaseValue: github.retryBaseMs ?? 1000 },
    throttle: { ...instance.throttle, ...countedRateLimitWaits, ...(github.throttle === false ? { enabled: false } : {}) },
  }));
}

export async function startApp(options: StartAppOptions): Promise<RunningApp> {
  const env: Record<string, string | undefined> = { ...options.env };
  for (const [name, secret] of Object.entries(options.secrets ?? {})) {
    if (name === "apiToken") env.HOTFIX_API_TOKEN = secret;
    else env[providers[name as ProviderName].secretEnv] = secret;
  }

  const Octokit = appOctokit(options.github);
  const probot = new Probot({
    appId: options.appId,
    privateKey: options.privateKey,
    secret: options.webhookSecret,
    baseUrl: options.githubBaseUrl,
    logLevel: options.logLevel ?? "info",
    Octokit,
    webhookPath: WEBHOOK_PATH,
  });
  const hotfix = createHotfixApp({ store: options.store, env, worker: options.worker, fetch: options.fetch, now: options.now });
  const middleware = await createNodeMiddleware(hotfix.appFn, { probot, webhooksPath: WEBHOOK_PATH });

  const server = createServer((req, res) => {
    void middleware(req, res, () => {
      if (res.headersSent) return;
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: `no route for ${req.method} ${req.url}` }));
    });
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
