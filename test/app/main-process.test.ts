import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createHmac, generateKeyPairSync, randomUUID } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitHubStandin, type GitHubStandin } from "../../src/demo/github-standin.js";
import { fixture, sentryHeaders, SECRETS, until } from "./harness.js";

// The production entry as production runs it (`npm start`, the Docker image's command): lib/app/main.js, built by
// build.mjs as `npm ci` builds it, in its own process, configured only through the environment Probot reads. GitHub
// is the loopback stand-in, reached as a GitHub Enterprise Server host (GHE_HOST), the one base-URL setting Probot has.

const ROOT = join(import.meta.dirname, "../..");
const REPO = "acme/shop-android";

let github: GitHubStandin;
let dir: string;
let app: ChildProcess;
let exited: Promise<unknown[]>;
let url: string;
let output = "";
// A loopback smee.io channel: an event stream that hands the App one webhook, as smee.io relays GitHub's.
let smee: Server;
let smeeUrl: string;
const relayedBody = JSON.stringify({ zen: "Relayed through the webhook proxy.", hook_id: 1 });
const webhookSecret = randomUUID();

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  await promisify(execFile)(process.execPath, ["build.mjs", "--lib"], { cwd: ROOT });
  smee = createHttpServer((req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.write("event: ready\ndata: {}\n\n");
    const event = {
      "x-github-event": "ping",
      "x-github-delivery": randomUUID(),
      "x-hub-signature-256": `sha256=${createHmac("sha256", webhookSecret).update(relayedBody).digest("hex")}`,
      body: JSON.parse(relayedBody) as unknown,
      timestamp: Date.now(),
    };
    // After the client has opened the stream and started forwarding, as smee.io relays a delivery that arrives later.
    setTimeout(() => res.write(`data: ${JSON.stringify(event)}\n\n`), 300);
  });
  await new Promise<void>((resolve) => smee.listen(0, "127.0.0.1", resolve));
  smeeUrl = `http://127.0.0.1:${(smee.address() as AddressInfo).port}/channel`;
  github = await startGitHubStandin({
    repos: { [REPO]: { installationId: 4242, files: { ".github/hotfix.yml": "sources:\n  - provider: sentry\n" } } },
  });
  dir = mkdtempSync(join(tmpdir(), "hotfix-main-"));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  app = spawn(process.execPath, [join(ROOT, "lib/app/main.js")], {
    // Its own directory: Probot would read a developer's .env from the working directory.
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      APP_ID: "1",
      PRIVATE_KEY: privateKey,
      WEBHOOK_SECRET: webhookSecret,
      HOST: "127.0.0.1",
      PORT: String(port),
      GHE_HOST: new URL(github.url).host,
      GHE_PROTOCOL: "http",
      HOTFIX_DB_PATH: join(dir, "hotfix-loop.sqlite"),
      SENTRY_CLIENT_SECRET: SECRETS.sentry,
      WEBHOOK_PROXY_URL: smeeUrl,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  app.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  app.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  exited = once(app, "exit");
  const failed = exited.then(([code]) => {
    throw new Error(`lib/app/main.js exited (${String(code)}) before answering: ${output.slice(-2000)}`);
  });
  // A process's start (Node, the bundle, the store's migrations) is slower than a wait inside the App: up to the hook's timeout.
  const answering = until(
    "lib/app/main.js to answer /healthz",
    () =>
      fetch(`${url}/healthz`).then(
        (res) => res.ok,
        () => false,
      ),
    55_000,
  );
  await Promise.race([answering, failed]);
});

afterAll(async () => {
  if (app?.exitCode === null) {
    app.kill("SIGKILL");
    await exited;
  }
  await github?.close();
  smee?.closeAllConnections();
  smee?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("lib/app/main.js, the production entry, as a process", () => {
  it("answers /healthz, /readyz and /metrics", async () => {
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "alive" });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready", outbox: { pendingJobs: 0 } });
    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain("# TYPE hotfix_alerts_received_total counter");
  });

  it("takes a Sentry alert and opens the hotfix issue on the configured GitHub", async () => {
    const body = fixture("sentry/event_alert-android.json");
    const res = await fetch(`${url}/hotfix/alerts/sentry/${REPO}`, { method: "POST", body, headers: sentryHeaders(body) });
    expect(res.status).toBe(202);
    const issue = await until("the hotfix issue on GitHub", () => github.issues.get(REPO)?.[0]);
    expect(issue.title).toMatch(/NullPointerException/);
  });

  it("forwards GitHub's webhooks from WEBHOOK_PROXY_URL (smee-client) to its webhook route", async () => {
    await until("smee-client to start forwarding", () => output.includes(`forwarding webhooks from ${smeeUrl} to ${url}/api/github/webhooks`));
    // smee-client logs GitHub's signed delivery as it posts it, with the App's answer.
    await until("smee-client to forward a delivery the App accepted", () => output.includes(`POST ${url}/api/github/webhooks - 200`) || undefined);
  });

  it("stops cleanly on SIGTERM", async () => {
    app.kill("SIGTERM");
    const [code] = await exited;
    expect(code).toBe(0);
  });
});

describe("lib/app/main.js with a wrong variable", () => {
  it("stops before starting, naming the variable and the value", async () => {
    const run = promisify(execFile)(process.execPath, [join(ROOT, "lib/app/main.js")], {
      cwd: dir,
      env: { PATH: process.env.PATH, APP_ID: "1", HOTFIX_DB_PATH: join(dir, "never.sqlite"), HOTFIX_MAX_BODY_BYTES: "2MB", PORT: "80a" },
    });
    const failure = (await run.then(
      () => null,
      (error: unknown) => error,
    )) as { code: number; stderr: string } | null;
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('HOTFIX_MAX_BODY_BYTES: expected a positive whole number of bytes, got "2MB"');
    expect(failure?.stderr).toContain('PORT: expected a positive whole number, got "80a"');
  });
});
