import { startNaiveBaseline } from "./naive-baseline.js";

/** The naive baseline as its own process, like the App in the storm; prints `listening <url>`. */

const { GITHUB_URL, PRIVATE_KEY, NAIVE_REPO, NAIVE_INSTALLATION } = process.env;
if (!GITHUB_URL || !PRIVATE_KEY || !NAIVE_REPO || !NAIVE_INSTALLATION)
  throw new Error("naive-process: GITHUB_URL, PRIVATE_KEY, NAIVE_REPO and NAIVE_INSTALLATION must be set");
const naive = await startNaiveBaseline({
  githubBaseUrl: GITHUB_URL,
  privateKey: PRIVATE_KEY,
  repo: NAIVE_REPO,
  installationId: Number(NAIVE_INSTALLATION),
  throttle: process.env.HOTFIX_THROTTLE === "on",
});
console.log(`listening ${naive.url}`);
process.once("SIGTERM", () => void naive.close().then(() => process.exit(0)));
