import * as z from "zod";
import { readInputs, wholeNumber } from "../inputs.js";

/** Verify mode's inputs, parsed once with zod; action.yml describes each. */

/** "30m", "2h", "90s" or a bare number of minutes, as milliseconds. */
const Duration = z
  .string()
  .regex(/^\s*\d+\s*[smh]?\s*$/, 'expected a duration like "30m", "2h" or "90s"')
  .transform((text) => {
    const unit = /[smh]/.exec(text)?.[0] ?? "m";
    return Number.parseInt(text, 10) * { s: 1_000, m: 60_000, h: 3_600_000 }[unit as "s" | "m" | "h"];
  });

const Confidence = z
  .string()
  .regex(/^\s*0?\.\d+\s*$/, "expected a number between 0.5 and 1, e.g. 0.99")
  .transform(Number)
  .pipe(z.number().gt(0.5, "expected more than 0.5").lt(1, "expected less than 1"));

const Timestamp = z.iso.datetime({ offset: true, message: "expected an ISO-8601 time, e.g. 2024-05-01T10:00:00Z" }).transform((t) => new Date(t));

export function readVerifyInputs() {
  return readInputs({
    "github-token": z.string("expected a token (the default is ${{ github.token }})").min(1),
    "config-path": z.string().default(".github/hotfix.yml"),
    version: z.string().trim().min(1).optional(),
    environment: z.string().trim().min(1).optional(),
    issue: wholeNumber(1).optional(),
    confidence: Confidence.optional(),
    "min-window-minutes": wholeNumber(0).optional(),
    "report-lag-minutes": wholeNumber(0).optional(),
    "deployed-at": Timestamp.optional(),
    wait: Duration.default(0),
    "poll-interval": Duration.default(300_000),
    "sentry-org": z.string().trim().min(1).optional(),
    "sentry-url": z.url("expected a URL").optional(),
    "sentry-auth-token": z.string().min(1).optional(),
    "bugsnag-auth-token": z.string().min(1).optional(),
    "bugsnag-api-url": z.url("expected a URL").optional(),
    "app-url": z.url("expected a URL").optional(),
    "hotfix-api-token": z.string().min(1).optional(),
  });
}
export type VerifyInputs = ReturnType<typeof readVerifyInputs>;
