import { storeSettingsOf } from "../app/settings.js";
import { parseArgs } from "node:util";
import { formatTime } from "../core/time.js";
import type { JobListing } from "../store/jobs.js";
import { openExistingStore } from "../store/open.js";

/**
 * `hotfix-loop jobs`: the App's outbox as an operator sees it, from the store the App uses
 * (DATABASE_URL or HOTFIX_DB_PATH): what waits, what is parked and why; retry or drop a job.
 */

export const usage = `usage: hotfix-loop jobs [--parked] [--json]
       hotfix-loop jobs retry ID | --all-parked
       hotfix-loop jobs drop ID

  jobs                  the outbox: parked jobs first, with why, then the jobs waiting, each with its last error
    --parked            only the parked jobs
    --json              as JSON
  jobs retry ID         run the job again now with a fresh count of attempts, parked or not
  jobs retry --all-parked
                        take every parked job back into the queue
  jobs drop ID          remove the job; its crash's next alert schedules a new one

Reads the store named by DATABASE_URL (PostgreSQL) or HOTFIX_DB_PATH (SQLite, default ./hotfix-loop.sqlite).
The App's workers take a retried job at their next poll.`;

function describeJob(job: JobListing): string[] {
  const issue = job.issueNumber === null ? "no issue yet" : `issue #${job.issueNumber}`;
  const when = job.state === "parked" ? `parked ${formatTime(job.parkedAt!)}` : `due ${formatTime(job.dueAt)}`;
  const state = job.state === "parked" ? `parked (${job.parkReason})` : job.state;
  const lines = [`#${job.id}  ${state}  ${job.repo}  crash ${job.signature}, ${issue}; ${job.attempts} attempt(s), ${when}`];
  if (job.lastError) lines.push(`    ${job.lastError}`);
  return lines;
}

function fail(message: string, code = 2): number {
  console.error(`hotfix-loop jobs: ${message}${code === 2 ? `\n\n${usage}` : ""}`);
  return code;
}

export async function run(args: string[], now: () => Date = () => new Date()): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        parked: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        "all-parked": { type: "boolean", default: false },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    return fail((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [action, id, ...extra] = positionals;
  if (extra.length > 0) return fail(`unexpected ${JSON.stringify(extra.join(" "))}`);
  if (action !== undefined && action !== "retry" && action !== "drop")
    return fail(`unknown action ${JSON.stringify(action)}: expected retry or drop`);
  if (action === undefined && (id !== undefined || values["all-parked"])) return fail("--all-parked goes with retry");
  if (action !== undefined && (values.parked || values.json)) return fail(`--parked and --json list jobs; they do not go with ${action}`);
  if (action === "retry" && values["all-parked"] === (id !== undefined)) return fail("retry takes a job ID or --all-parked, one of them");
  if (action === "drop" && (values["all-parked"] || id === undefined)) return fail("drop takes one job ID");
  const jobId = id === undefined ? undefined : Number(id);
  if (jobId !== undefined && !(Number.isInteger(jobId) && jobId > 0))
    return fail(`ID: expected a job's number as the listing shows it, got ${JSON.stringify(id)}`);

  const opened = openExistingStore(storeSettingsOf(process.env));
  if ("missing" in opened) return fail(opened.missing, 1);
  const { store } = opened;
  try {
    await store.migrate();
    if (action === "retry" && jobId === undefined) {
      console.log(`${await store.jobs.retryParked(now())} parked job(s) back in the queue, due now.`);
      return 0;
    }
    if (action !== undefined && jobId !== undefined) {
      const done = action === "retry" ? await store.jobs.retry(jobId, now()) : await store.jobs.drop(jobId);
      if (!done) return fail(`no job #${jobId} in the store (hotfix-loop jobs lists them)`, 1);
      console.log(action === "retry" ? `Job #${jobId} is due now, its attempts counted afresh.` : `Job #${jobId} dropped.`);
      return 0;
    }
    const jobs = await store.jobs.list(now(), { parkedOnly: values.parked });
    if (values.json) console.log(JSON.stringify({ asOf: now().toISOString(), jobs }, null, 2));
    else if (jobs.length === 0) console.log(values.parked ? "No parked jobs." : "No jobs: the outbox is empty.");
    else for (const job of jobs) console.log(describeJob(job).join("\n"));
    return 0;
  } finally {
    await store.close();
  }
}
