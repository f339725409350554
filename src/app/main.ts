import { getPrivateKey } from "@probot/get-private-key";
import { run } from "probot";
import { openStore } from "../store/open.js";
import { createHotfixApp } from "./app.js";
import { startApp } from "./server.js";
import { readSettings } from "./settings.js";

// `npm start`: the App from the environment, with Probot's names: APP_ID, PRIVATE_KEY (or
// PRIVATE_KEY_PATH), WEBHOOK_SECRET, PORT, HOST, LOG_LEVEL, GHE_HOST (GHE_PROTOCOL). The store
// is PostgreSQL when DATABASE_URL is set (several replicas share it), else SQLite at HOTFIX_DB_PATH.
// This is the only module of the App that reads the environment: it is parsed here, once, by the
// schema in settings.ts, and each part is handed the typed values it takes.
// The App serves HTTP itself (server.ts) rather than through Probot's `run`, so that GitHub's
// webhook route is capped at GitHub's payload limit and every log line is redacted. Without
// APP_ID, Probot's `run` starts its setup flow, which registers the App from app.yml.

// Every variable is checked before anything starts: a typo stops the App here, naming the variable, not at the first alert.
const read = readSettings(process.env);
if (!read.ok) {
  console.error(
    `hotfix-loop: the environment is not valid (docs/environment.md lists every variable):\n${read.errors.map((e) => `  ${e}`).join("\n")}`,
  );
  process.exit(1);
}
const { settings } = read;
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

const store = openStore(settings.store);
await store.migrate();

let stop: () => Promise<void>;
const { github, server } = settings;
if (github.appId) {
  // Probot's own reading of the key: PRIVATE_KEY (with \n escapes or base64), else the file at PRIVATE_KEY_PATH, else a *.pem here.
  const privateKey = getPrivateKey({ env: { PRIVATE_KEY: github.privateKey, PRIVATE_KEY_PATH: github.privateKeyPath } });
  if (!privateKey) throw new Error("PRIVATE_KEY or PRIVATE_KEY_PATH is not set");
  if (!github.webhookSecret) throw new Error("WEBHOOK_SECRET is not set");
  const app = await startApp({
    store,
    appId: github.appId,
    privateKey,
    webhookSecret: github.webhookSecret,
    githubBaseUrl: github.baseUrl,
    port: server.port,
    host: server.host,
    settings,
    logLevel: server.logLevel,
  });
  console.log(`hotfix-loop listening on ${app.url}`);
  const proxy = server.webhookProxyUrl ? await forwardWebhooks(server.webhookProxyUrl, `${app.url}/api/github/webhooks`) : undefined;
  stop = async () => {
    await proxy?.stop();
    await app.close();
  };
} else {
  const hotfix = createHotfixApp({ store, settings });
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
