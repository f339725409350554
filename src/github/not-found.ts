import { RequestError } from "@octokit/request-error";

/**
 * How GitHub's answers to a failed request are told apart, for the App, the Action and the CLI
 * alike: all three reach GitHub through octokit, which throws a RequestError carrying the status.
 * Anything else (a network failure, a bug of ours) is never taken for an answer.
 */

/** Whether GitHub answered the request with this status. */
export function answered(error: unknown, status: number): boolean {
  return error instanceof RequestError && error.status === status;
}

/** Whether GitHub said there is no such thing (or, as GitHub does for private things, that we may not see it). */
export const isNotFound = (error: unknown): boolean => answered(error, 404);
