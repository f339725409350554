// The bundle is minified; its source maps turn stack traces back into src/ files and lines. Node maps only modules
// loaded after maps are on, so this entry switches them on before it loads the Action. Only when the runner debugs
// (RUNNER_DEBUG, what core.isDebug() reads): decoding the maps adds tens of ms to every cold start, and the stack
// trace is logged only then (main.ts writes it as a debug line).
if (process.env.RUNNER_DEBUG === "1") process.setSourceMapsEnabled(true);
// A PR check's first round of reads goes out before the rest of the Action loads (zod, Octokit, the rules take longer
// than a round trip to GitHub); the check's Octokit picks the answers up (first-reads.ts).
const { firstReadsWritten, startFirstReads } = await import("./first-reads.js");
await startFirstReads(process.env);
await firstReadsWritten();
const { run } = await import("./main.js");
await run();
