import type * as z from "zod";
import type { Gap } from "../core/crash.js";

/**
 * Reporters' payloads are partial as a rule: one `null` among exception values, a
 * breadcrumb whose `data` is a string, an unknown context. A malformed part is left out,
 * recorded as a skipped gap (which field, what was wrong), and the rest is used.
 */

/** Skipped parts recorded per report at most; more says nothing new. */
const MAX_SKIPPED = 50;

export class Skipped {
  readonly gaps: Gap[] = [];

  add(field: string, reason: string): void {
    if (this.gaps.length < MAX_SKIPPED) this.gaps.push({ kind: "skipped", field, reason });
  }

  /**
   * `value` read with `schema`; fields the schema refuses are dropped (and recorded) and
   * the rest read again; undefined (recorded) when even that fails.
   */
  read<S extends z.ZodType>(schema: S, value: unknown, field: string): z.infer<S> | undefined {
    if (value === null || value === undefined) return undefined;
    const first = schema.safeParse(value);
    if (first.success) return first.data;
    if (typeof value === "object" && !Array.isArray(value)) {
      const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
      const dropped = new Set<string>();
      for (const issue of first.error.issues) {
        const key = issue.path[0];
        if (typeof key !== "string" || dropped.has(key)) continue;
        dropped.add(key);
        delete copy[key];
        this.add(`${field}.${key}`, `expected ${expectedOf(issue.message)}, got ${typeOfValue((value as Record<string, unknown>)[key])}`);
      }
      const second = dropped.size > 0 ? schema.safeParse(copy) : null;
      if (second?.success) return second.data;
    }
    this.add(field, `expected ${expectedOf(first.error.issues[0]?.message)}, got ${typeOfValue(value)}`);
    return undefined;
  }

  /** Each element of a list read with `schema`; bad elements are skipped. A non-list is skipped whole. */
  list<S extends z.ZodType>(schema: S, value: unknown, field: string): z.infer<S>[] {
    if (value === null || value === undefined) return [];
    if (!Array.isArray(value)) {
      this.add(field, `expected a list, got ${typeOfValue(value)}`);
      return [];
    }
    const out: z.infer<S>[] = [];
    value.forEach((element, i) => {
      if (element === null || element === undefined) {
        this.add(`${field}[${i}]`, "null");
        return;
      }
      const read = this.read(schema, element, `${field}[${i}]`);
      if (read !== undefined) out.push(read);
    });
    return out;
  }
}

function typeOfValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return `${typeof value} ${value}`;
  return typeof value === "object" ? "an object" : typeof value;
}

function expectedOf(message: string | undefined): string {
  return message?.replace(/^Invalid input: (?:expected )?/, "").replace(/, received .*$/, "") ?? "another shape";
}
