import type * as z from "zod";

/**
 * zod's issues as messages for people, wherever a boundary is parsed (the config file, a reporter's
 * answer, an alert's body, a row read back from the store): the key, what was expected, what was found.
 */

export interface ZodProblem {
  path: PropertyKey[];
  /** The path as people write it (`verify.labels.verified`), or `(top level)`. */
  key: string;
  message: string;
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return `a list (${JSON.stringify(value).slice(0, 60)})`;
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value).slice(0, 60)}`;
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** One problem per zod issue (per key for unknown keys): the path it is at, what was expected, what was found. */
export function issueProblems(issues: z.core.$ZodIssue[], input: unknown): ZodProblem[] {
  return issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((k) => ({
        path: [...issue.path, k],
        key: [...issue.path.map(String), k].join("."),
        message: "unknown key (check its spelling)",
      }));
    }
    const key = issue.path.length ? issue.path.map(String).join(".") : "(top level)";
    return [{ path: issue.path, key, message: `${issue.message}; found ${describe(valueAt(input, issue.path))}` }];
  });
}

/** Turns zod issues into one line each: the key, what was expected, what was found. */
export function formatIssues(issues: z.core.$ZodIssue[], input: unknown, prefix = ""): string[] {
  return issueProblems(issues, input).map((p) => `${prefix}${p.key}: ${p.message}`);
}
