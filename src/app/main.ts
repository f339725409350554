import { getPrivateKey } from "@probot/get-private-key";
import { run } from "probot";
import { openStore } from "../store/open.js";
import { createHotfixApp } from "./app.js";
import { startApp } from "./server.js";
import { checkSettings } from "./settings.js";

// `npm start`: the App from the environment, with Probot's names: APP_ID, PRIVATE_KEY (or
// PRIVATE_KEY_PATH), WEBHOOK_SECRET, PORT, HOST, LOG_LEVEL, GHE_HOST (GHE_PROTOCOL). The store
// is PostgreSQL when DATABASE_URL is set (several replicas share it), else SQLite at HOTFIX_DB_PATH.
// The App serves HTTP itself (server.ts) rather than through Probot's `run`, so that GitHub's
// webhook route is capped at GitHub's payload limit and every log line is redacted. Without
// APP_ID, Probot's `run` starts its setup flow, which registers the App from app.yml.

const env = process.env;
// Every variable is checked before anything starts: a typo stops the App here, naming the variable, not at the first alert.
const settings = checkSettings(env);
if (!settings.ok) {
  console.error(
    `hotfix-loop: the environment is not valid (docs/environment.md lists every variable):\n${settings.errors.map((e) => `  ${e}`).join("\n")}`,
  );
  process.exit(1);
}
const required = (name: string): string => {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
/**
 * Local development: GitHub's webhooks reach this machine through a smee.io channel, as in Probot's own
 * `run` (which this entry bypasses when APP_ID is set). smee-client is a development dependency.
 */
async function forwardWebhooks(source: string, target: string): Promise<{ stop: () => Promise<void> }> {
  const { SmeeClient } = await import("smee-client").catch(() => {
    throw new Error("WEBHOOK_PROXY_URL is set but smee-client is not installed: run `npm ci` (it is a development dependency)");
  });
  const client = new SmeeClient({ source, target, logger: console });
  await client.start();
  console.log(`forwarding webhooks from ${source} to ${target}`);
  return client;
}

const store = openStore(env);
await store.migrate();

let stop: () => Promise<void>;
if (env.APP_ID) {
  const privateKey = getPrivateKey({ env });
  if (!privateKey) throw new Error("PRIVATE_KEY or PRIVATE_KEY_PATH is not set");
  const app = await startApp({
    store,
    appId: env.APP_ID,
    privateKey,
    webhookSecret: required("WEBHOOK_SECRET"),
    githubBaseUrl: env.GHE_HOST ? `${env.GHE_PROTOCOL || "https"}://${env.GHE_HOST}/api/v3` : undefined,
    port: Number(env.PORT || 3000),
    host: env.HOST || "localhost",
    env,
    logLevel: env.LOG_LEVEL ?? "info",
  });
  console.log(`hotfix-loop listening on ${app.url}`);
  const proxy = env.WEBHOOK_PROXY_URL ? await forwardWebhooks(env.WEBHOOK_PROXY_URL, `${app.url}/api/github/webhooks`) : undefined;
  stop = async () => {
    await proxy?.stop();
    await app.close();
  };
} else {
  const hotfix = createHotfixApp({ store, env });
  const server = await run(hotfix.appFn);
  stop = async () => {
    await hotfix.stop();
    await server.stop();
  };
}

process.once("SIGTERM", () => {
  // Jobs in hand finish; a job cut short is leased again by the next worker and its marker prevents a second issue.
  void (async () => {
    await stop();
    await store.close();
    process.exit(0);
  })();
});
