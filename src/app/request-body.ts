import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * Request bodies read with a cap, for every route that takes one (the alert routes and GitHub's
 * webhook route): a body past the cap is refused with 413 and the rest is never read, so a large
 * or endless POST costs at most the cap in memory, authenticated or not.
 */

/** GitHub caps webhook payloads at 25 MB and does not deliver larger ones. */
export const GITHUB_WEBHOOK_MAX_BYTES = 25 * 1024 * 1024;

/** Reads the body up to `limit` bytes; null (and no further reading) when it is larger. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData);
        req.pause();
        chunks.length = 0;
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Bytes still taken (and dropped) after a 413, so a sender that is still writing can read the answer. */
const LINGER_BYTES = 1024 * 1024;

/**
 * The 413 answer, then the rest of the body is dropped as it comes, up to LINGER_BYTES, and
 * past that the socket is destroyed: a sender still writing gets time to read why it was
 * refused (closing at once would lose the answer to a reset), but cannot make the App read
 * an endless body.
 */
export function refuseTooLarge(req: IncomingMessage, res: ServerResponse, limit: number, setting: string): void {
  const text = JSON.stringify({ error: `body: larger than ${limit} bytes (${setting})` });
  res.once("finish", () => {
    let dropped = 0;
    req.on("data", (chunk: Buffer) => {
      dropped += chunk.length;
      if (dropped > LINGER_BYTES) req.socket.destroy();
    });
    req.resume();
  });
  res.writeHead(413, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
