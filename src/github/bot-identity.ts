/**
 * One rule for "is this the same GitHub account", for the App and the Action alike. GitHub
 * compares logins without regard to case, and names an App or the Actions token `slug[bot]` in
 * REST answers and webhooks but `slug` in GraphQL, so `github-actions` and `github-actions[bot]`
 * are one account when it is the token's own identity that is compared (sameLogin).
 */

const loginKey = (login: string): string => login.replace(/\[bot\]$/i, "").toLowerCase();
const isBotLogin = (login: string): boolean => /\[bot\]$/i.test(login);

export const sameLogin = (a: string, b: string): boolean => loginKey(a) === loginKey(b);

/** A set of accounts, matched by the rule below. */
export interface Logins {
  has(login: string | null | undefined): boolean;
}

/**
 * People write either form in `verify.trustedAuthors`. A name written bare (`github-actions`) trusts that
 * account and its bot (`github-actions[bot]`); a name written with `[bot]` trusts the bot only: an App's
 * name and a person's login are different accounts, and a person named like a trusted bot must not be
 * trusted by a list that named the bot. Comments come from REST, where a bot's login carries `[bot]`.
 */
export function loginSet(logins: Iterable<string>): Logins {
  const bare = new Set<string>();
  const bots = new Set<string>();
  for (const login of logins) (isBotLogin(login) ? bots : bare).add(loginKey(login));
  return {
    has: (login) => typeof login === "string" && login !== "" && (bare.has(loginKey(login)) || (isBotLogin(login) && bots.has(loginKey(login)))),
  };
}
