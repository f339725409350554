import { readFileSync } from "node:fs";
import type { InboundRequest } from "../../src/providers/alert.js";

/** The exact bytes of a fixture, as a reporter would have sent them. */
export function fixtureBytes(path: string): Buffer {
  return readFileSync(new URL(`../fixtures/${path}`, import.meta.url));
}

export function fixtureJson(path: string): unknown {
  return JSON.parse(fixtureBytes(path).toString("utf8"));
}

export function delivery(rawBody: Buffer, headers: Record<string, string> = {}, query = ""): InboundRequest {
  return { rawBody, headers, query: new URLSearchParams(query) };
}
