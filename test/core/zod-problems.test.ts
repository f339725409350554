import * as z from "zod";
import { describe, expect, it } from "vitest";
import { formatIssues, issueProblems } from "../../src/core/zod-problems.js";

const Shape = z.strictObject({ verify: z.strictObject({ confidence: z.number(), labels: z.array(z.string()) }) });

describe("zod-problems", () => {
  it("names the key, what was expected and what was found", () => {
    const input = { verify: { confidence: "high", labels: ["a"] } };
    const result = Shape.safeParse(input);
    expect(result.success).toBe(false);
    expect(formatIssues(result.error!.issues, input, "config: ")).toEqual([
      'config: verify.confidence: Invalid input: expected number, received string; found string "high"',
    ]);
  });

  it("gives one problem per unknown key, and says what a missing mapping was", () => {
    const input = { verify: { confidence: 0.9, labels: [], colour: 1, size: 2 } };
    expect(issueProblems(Shape.safeParse(input).error!.issues, input).map((p) => p.key)).toEqual(["verify.colour", "verify.size"]);
    expect(formatIssues(Shape.safeParse({}).error!.issues, {})).toEqual([
      "verify: Invalid input: expected object, received undefined; found nothing",
    ]);
  });
});
