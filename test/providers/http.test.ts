import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { ApiClient } from "../../src/providers/http.js";

// The reporters' HTTP client says which limit ran out: the per-request timeout, or the retries of a rate limit.

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function server(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const s = createServer(handler);
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  close = () =>
    new Promise<void>((resolve) => {
      s.closeAllConnections();
      s.close(() => resolve());
    });
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

describe("ApiClient limits", () => {
  it("names the per-request timeout when the reporter never answers", async () => {
    const url = await server(() => {});
    const api = new ApiClient({ name: "Sentry", baseUrl: url, timeoutMs: 50, retries: 1, sleep: async () => {} });
    await expect(api.get("api/0/slow/", z.unknown())).rejects.toThrow(
      "Sentry API: GET /api/0/slow/ timed out: no answer within the per-request limit of 0.05 s, 2 times",
    );
  });

  it("says how long it waited when 429s go on", async () => {
    const url = await server((_req, res) => {
      res.writeHead(429, { "retry-after": "7" });
      res.end("slow down");
    });
    const waits: number[] = [];
    const api = new ApiClient({ name: "Bugsnag", baseUrl: url, sleep: async (ms) => void waits.push(ms) });
    await expect(api.get("projects/p/releases", z.unknown())).rejects.toThrow(
      /answered 429 \(rate limited: still 429 after 4 tries and 21 s of waiting; try again later\)/,
    );
    expect(waits).toEqual([7000, 7000, 7000]);
  });
});
