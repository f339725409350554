import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The ack floor: the least an HTTP server in Node must do for an alert (read the body, answer
 * 202 with a small JSON), as its own process like the App's, so the same load generator
 * measures what Node's HTTP stack and the loopback cost before any work of the App's.
 */

const ACCEPTED = JSON.stringify({ status: "accepted" });

const server = createServer((req, res) => {
  req.on("data", () => undefined);
  req.on("end", () => {
    res.writeHead(202, { "content-type": "application/json", "content-length": Buffer.byteLength(ACCEPTED) });
    res.end(ACCEPTED);
  });
});
server.listen(0, "127.0.0.1", () => {
  console.log(`listening http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
process.once("SIGTERM", () => server.close(() => process.exit(0)));
