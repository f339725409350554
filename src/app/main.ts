import { run } from "probot";
import { openStore } from "../store/open.js";
import { createHotfixApp } from "./app.js";
import { appOctokit } from "./server.js";

// `npm start`: the App from the environment. Probot reads APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH),
// WEBHOOK_SECRET, PORT, HOST, LOG_LEVEL and GHE_HOST; the store is PostgreSQL when DATABASE_URL is
// set (several replicas share it), else SQLite at HOTFIX_DB_PATH. Without APP_ID, Probot serves its set-up
// page, which creates the GitHub App from app.yml (the manifest flow) and writes its credentials to .env.

const store = openStore(process.env);
await store.migrate();
const hotfix = createHotfixApp({ store, env: process.env });
// Our Octokit: GitHub's answers and rate-limit waits counted for /metrics.
const server = await run(hotfix.appFn, { Octokit: appOctokit() });

process.once("SIGTERM", () => {
  // Jobs in hand finish; a job cut short is leased again by the next worker and its marker prevents a second issue.
  void (async () => {
    await hotfix.stop();
    await server.stop();
    await store.close();
    process.exit(0);
  })();
});
