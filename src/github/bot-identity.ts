/**
 * One rule for "is this the same GitHub account", for the App and the Action alike. GitHub
 * compares logins without regard to case, and names an App or the Actions token `slug[bot]` in
 * REST answers and webhooks but `slug` in GraphQL (and people write either in
 * `verify.trustedAuthors`), so `github-actions` and `github-actions[bot]` are one account.
 * A person cannot take a bot's name: GitHub refuses an App name that is an existing account's.
 */

const loginKey = (login: string): string => login.replace(/\[bot\]$/i, "").toLowerCase();

export const sameLogin = (a: string, b: string): boolean => loginKey(a) === loginKey(b);

/** A set of accounts, matched by the rule above. */
export interface Logins {
  has(login: string | null | undefined): boolean;
}

export function loginSet(logins: Iterable<string>): Logins {
  const keys = new Set([...logins].map(loginKey));
  return { has: (login) => typeof login === "string" && login !== "" && keys.has(loginKey(login)) };
}
