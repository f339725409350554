import * as core from "@actions/core";
import * as z from "zod";

/**
 * The Action's inputs, parsed once at the edge with zod. An input left empty is absent
 * (GitHub passes every declared input, empty when unset), so defaults live in the schemas.
 */

export class InputError extends Error {}

/** A whole number, as text, of at least `min`. */
export const wholeNumber = (min: number) =>
  z
    .string()
    .regex(/^\s*\d+\s*$/, `expected a whole number of at least ${min}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `expected a whole number of at least ${min}`));

const TRUE = ["true", "True", "TRUE"];
const FALSE = ["false", "False", "FALSE"];
/** The YAML 1.2 core-schema booleans @actions/core accepts. */
export const yamlBoolean = z
  .string()
  .refine((v) => TRUE.includes(v) || FALSE.includes(v), "expected true or false")
  .transform((v) => TRUE.includes(v));

/** Reads each input named by a key of `shape` (the names as written in action.yml). */
export function readInputs<S extends Record<string, z.ZodType>>(shape: S): { [K in keyof S]: z.output<S[K]> } {
  const values: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(shape)) {
    const raw = core.getInput(name);
    const result = schema.safeParse(raw === "" ? undefined : raw);
    if (!result.success) {
      const why = result.error.issues.map((i) => i.message).join("; ");
      throw new InputError(`Input "${name}": ${why}; got ${raw === "" ? "nothing" : JSON.stringify(raw)}`);
    }
    values[name] = result.data;
  }
  return values as { [K in keyof S]: z.output<S[K]> };
}

export const Mode = z.enum(["check", "verify", "fast-lane", "auto"], "expected check, verify, fast-lane or auto").default("auto");
export type Mode = z.infer<typeof Mode>;

export function readCheckInputs() {
  const inputs = readInputs({
    "github-token": z.string("expected a token (the default is ${{ github.token }})").min(1),
    "config-path": z.string().default(".github/hotfix.yml"),
    "max-files": wholeNumber(1).optional(),
    "max-lines": wholeNumber(1).optional(),
    "test-command": z.string().optional(),
    "test-timeout-minutes": wholeNumber(1).default(10),
    comment: yamlBoolean.default(true),
  });
  return {
    token: inputs["github-token"],
    configPath: inputs["config-path"],
    maxFiles: inputs["max-files"],
    maxLines: inputs["max-lines"],
    testCommand: inputs["test-command"],
    testTimeoutMs: inputs["test-timeout-minutes"] * 60_000,
    comment: inputs.comment,
  };
}
export type CheckInputs = ReturnType<typeof readCheckInputs>;
