import { ackAndCost, costSizes } from "./ack-and-cost.js";
import { summary } from "./figures.js";
import { stormPrivateKey } from "./storm-scenario.js";

// `node lib/bench-ack.js [--cost 1000,10000,100000]`: the ack floor and cost sections of `npm run bench:storm` alone.
await ackAndCost(
  { alerts: 10_000, signatures: 100, senders: 16, ratePerSecond: 1_000 },
  stormPrivateKey(),
  process.env.DATABASE_URL ?? "postgres://127.0.0.1:5432/test",
  costSizes(process.argv),
);
summary("bench:ack");
