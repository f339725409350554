import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningApp } from "../../src/app/server.js";
import { startGitHubStandin, type GitHubStandin } from "../../src/demo/github-standin.js";
import type { Store } from "../../src/store/store.js";
import { deliverWebhook, githubExample, memoryStore, testApp } from "../app/harness.js";

// GitHub's webhook route against a body far over GitHub's payload limit. A proof, not a unit
// test: nock's interceptors (test/offline.ts) buffer whole loopback bodies, which is the very
// thing measured here.

const MiB = 1024 * 1024;

let github: GitHubStandin;
let store: Store;
let app: RunningApp;

beforeAll(async () => {
  github = await startGitHubStandin({ repos: {} });
  store = await memoryStore();
  app = await testApp(store, github.url);
});

afterAll(async () => {
  await app.close();
  await store.close();
  await github.close();
});

/**
 * POSTs `total` bytes to GitHub's webhook route over a raw socket, one 64 KiB chunk after the
 * other as the App takes them; returns the status it answered and how many bytes it had been sent.
 */
function pushWebhook(total: number, declareLength: boolean): Promise<{ status: number; sent: number }> {
  const { port } = new URL(app.url);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let status = 0;
    const socket = connect(Number(port), "127.0.0.1", () => {
      const framing = declareLength ? `content-length: ${total}` : "transfer-encoding: chunked";
      socket.write(
        `POST ${app.webhookPath} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\nx-github-event: issues\r\n` +
          `x-github-delivery: big-1\r\nx-hub-signature-256: sha256=${"0".repeat(64)}\r\n${framing}\r\n\r\n`,
      );
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const framed = declareLength ? chunk : Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")]);
      const pump = () => {
        if (status || socket.destroyed) return;
        if (sent >= total) return void socket.write(declareLength ? "" : "0\r\n\r\n");
        sent += chunk.length;
        socket.write(framed, (error) => (error ? undefined : setImmediate(pump)));
      };
      pump();
    });
    socket.on("data", (data: Buffer) => {
      status ||= Number(/^HTTP\/1\.1 (\d{3})/.exec(data.toString("latin1"))?.[1] ?? 0);
      if (status) {
        resolve({ status, sent });
        socket.destroy();
      }
    });
    socket.on("error", (error) => (status ? undefined : reject(error)));
    socket.on("close", () => (status ? undefined : reject(new Error(`closed without an answer after ${sent} bytes`))));
  });
}

describe("GitHub's webhook route", () => {
  it("refuses a body over GitHub's 25 MiB payload limit with 413, before reading the rest", async () => {
    const streamed = await pushWebhook(256 * MiB, false);
    expect(streamed.status).toBe(413);
    // The App stops at the cap; what it took beyond is only what sockets buffer.
    expect(streamed.sent).toBeLessThan(40 * MiB);

    const declared = await pushWebhook(256 * MiB, true);
    expect(declared.status).toBe(413);
    expect(declared.sent).toBeLessThan(16 * MiB);
  });

  it("still takes a signed webhook under the limit, and checks the signature of one", async () => {
    const installation = githubExample("installation", "created");
    expect(await deliverWebhook(app, "installation", installation)).toBe(200);
    const unsigned = await fetch(`${app.url}${app.webhookPath}`, {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json", "x-github-event": "issues", "x-github-delivery": "x", "x-hub-signature-256": "sha256=00" },
    });
    expect(unsigned.status).toBe(400);
  });
});
