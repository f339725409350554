import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeMiddleware, Probot } from "probot";
import { appOctokit } from "../src/app/server.js";

/**
 * The naive bot the storm compares against, as many teams first write it: a Probot handler
 * that, for every alert, searches the repository's issues by title and creates one when the
 * search finds none — inline, before it answers the reporter.
 */

export interface NaiveBaseline {
  url: string;
  close(): Promise<void>;
}

export async function startNaiveBaseline(options: {
  githubBaseUrl: string;
  privateKey: string;
  repo: string;
  installationId: number;
  /** Probot's default throttling (fixed spacing of writes and searches), as a first bot ships; default off, like the App's unpaced storm. */
  throttle?: boolean;
}): Promise<NaiveBaseline> {
  const probot = new Probot({
    appId: 1,
    privateKey: options.privateKey,
    secret: "naive",
    baseUrl: options.githubBaseUrl,
    logLevel: "fatal",
    // The same retry on 5xx/429 the App gets; without a pacer, throttling on is Probot's default.
    Octokit: appOctokit({ retryBaseMs: 100, throttle: options.throttle ?? false }),
  });
  const [owner, repo] = options.repo.split("/") as [string, string];
  const middleware = await createNodeMiddleware(
    (app, { addHandler }) => {
      addHandler(async (req, res) => {
        if (req.method !== "POST" || !req.url?.startsWith("/naive/alerts")) return false;
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        try {
          // Naive on purpose: no schema, just the fields a hand-rolled integration would reach for.
          const alert = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
            exception: { type: string };
            stacktrace?: { frames?: { function?: string }[] };
          };
          const frames = alert.stacktrace?.frames ?? [];
          const top = frames[frames.length - 1];
          const title = `${alert.exception.type} in ${top?.function ?? "unknown"}`;
          const octokit = await app.auth(options.installationId);
          const found = await octokit.request("GET /search/issues", { q: `repo:${options.repo} in:title "${title}"` });
          if (found.data.total_count === 0) {
            await octokit.request("POST /repos/{owner}/{repo}/issues", {
              owner,
              repo,
              title,
              body: JSON.stringify(alert).slice(0, 60_000),
              labels: ["hotfix"],
            });
          }
          res.writeHead(202).end();
        } catch (error) {
          res.writeHead(500).end(String(error));
        }
        return true;
      });
    },
    { probot },
  );
  const server: Server = createServer((req, res) => void middleware(req, res, () => res.writeHead(404).end()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/naive/alerts`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
